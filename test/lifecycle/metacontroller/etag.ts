/**
 * The webhook ETag cache of Metacontroller v4.17.2 (pkg/hooks/webhook_etag.go, enabled per hook by
 * `webhook.etag.enabled`, built in pkg/hooks/webhook.go `NewWebhookExecutor`): one cache per hook
 * of a controller, keyed by the root object's kind/namespace/name (`getKeyFromObject`; the parent,
 * not its uid). `enrichHeaders` sends the remembered ETag as `If-None-Match`; `adjustResponse`
 * answers a 304 or 412 to such a request with the remembered body (an error if none is left) and
 * remembers a 200 body that carries an ETag; `isStatusSupported` accepts 304/412 only when
 * `If-None-Match` was sent. Entries expire after `cacheTimeoutSeconds` (pkg/cache `New`: 0 or
 * unset never expires), measured here on the scenario's clock.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SimClock } from '../lib/clock';
import type { HookAnswer, HookServer } from '../lib/hook-server';
import type { HookSpec } from './model';

/** What a controller's loops need from the hook service. */
export interface HookClient {
  post(path: string, body: unknown): Promise<HookAnswer>;
}

interface EtagSetting {
  enabled?: boolean;
  cacheTimeoutSeconds?: number;
}

interface Entry {
  etag: string;
  body: unknown;
  at: number;
}

/** The hooks (webhook path → timeout) whose YAML sets `etag.enabled: true`. */
export function etagHooks(hooks: readonly (HookSpec | undefined)[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of hooks) {
    const etag = (h?.webhook as { etag?: EtagSetting } | undefined)?.etag;
    const url = h?.webhook?.url;
    if (url === undefined || etag?.enabled !== true) continue;
    out.set(new URL(url).pathname, etag.cacheTimeoutSeconds ?? 0);
  }
  return out;
}

/** A hook client that adds Metacontroller's ETag handling to the hooks that enable it. */
export class EtagHookClient implements HookClient {
  private readonly cache = new Map<string, Entry>();
  /** Calls answered from the cache after a 304/412, per path (for tests). */
  readonly reused = new Map<string, number>();

  private readonly server: HookServer;
  private readonly enabled: Map<string, number>;
  private readonly clock: SimClock;

  constructor(server: HookServer, enabled: Map<string, number>, clock: SimClock) {
    this.server = server;
    this.enabled = enabled;
    this.clock = clock;
  }

  async post(path: string, body: unknown): Promise<HookAnswer> {
    const timeout = this.enabled.get(path);
    if (timeout === undefined) return this.server.post(path, body);
    const key = `${path} ${rootKey(body)}`;
    const entry = this.live(key, timeout);
    const headers: Record<string, string> = entry ? { 'if-none-match': entry.etag } : {};
    const answer = await this.server.postRaw(path, body, headers);
    if (answer.status === 304 || answer.status === 412) {
      if (!entry) return { status: answer.status, body: 'status not supported without If-None-Match' };
      this.reused.set(path, (this.reused.get(path) ?? 0) + 1);
      return { status: 200, body: entry.body };
    }
    const etag = answer.headers['etag'];
    if (answer.status === 200 && etag !== undefined && etag !== '') {
      this.cache.set(key, { etag, body: answer.body, at: this.clock.now });
    }
    return { status: answer.status, body: answer.body };
  }

  private live(key: string, timeout: number): Entry | undefined {
    const e = this.cache.get(key);
    if (!e) return undefined;
    if (timeout > 0 && this.clock.now >= e.at + timeout) {
      this.cache.delete(key);
      return undefined;
    }
    return e;
  }
}

/** webhook_etag.go `getKeyFromObject`: the parent's (the request's root object's) kind/ns/name. */
function rootKey(body: unknown): string {
  const parent = (body as { parent?: KubeObject; object?: KubeObject } | null)?.parent;
  const root = parent ?? (body as { object?: KubeObject } | null)?.object;
  const m = root?.metadata;
  return `${root?.kind ?? ''}/${m?.namespace ?? ''}/${m?.name ?? ''}`;
}
