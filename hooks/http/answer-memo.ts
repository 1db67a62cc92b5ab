/**
 * The service's answer memo: the last answer per parent, kept with the digest of the facts it was
 * computed from (a controller's `facts`, e.g. postgrescluster/facts.ts). Most syncs of a fleet
 * repeat the facts of the previous one (a leader-lock renewal, a resync, WAL positions that moved
 * within the same reported lag), and then the answer is the same bytes, so it is sent again without
 * running the hook: a sync of an unchanged cluster costs parsing, the facts and a hash.
 *
 * Hooks stay pure: the facts leave out only what the hook never reads (or reads through a coarser
 * value the facts keep), and an answer that contains the request's time is never kept, because the
 * clock is read only for a condition that changes in that very request (lib/context.ts).
 * Bounded by bytes; the least recently answered parent goes first.
 */
import { createHash } from 'node:crypto';

/** Default budget: about 1,500 answers of a 3-member cluster with every feature (43 KiB). */
export const DEFAULT_ANSWER_MEMO_BYTES = 64 * 1024 * 1024;

interface Entry {
  digest: string;
  payload: string;
}

export class AnswerMemo {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxBytes: number;

  constructor(maxBytes = DEFAULT_ANSWER_MEMO_BYTES) {
    if (!(maxBytes >= 0)) throw new RangeError(`answer memo size ${maxBytes}`);
    this.maxBytes = maxBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  /** The digest of a request's facts: which controller and hook, and the facts as JSON. */
  static digest(route: string, facts: unknown): string {
    return createHash('sha256').update(route).update('\0').update(JSON.stringify(facts)).digest('base64url');
  }

  /** The remembered answer of `parent` when it was computed from the same facts. */
  get(parent: string, digest: string): string | undefined {
    const e = this.entries.get(parent);
    if (e?.digest !== digest) return undefined;
    this.entries.delete(parent);
    this.entries.set(parent, e);
    return e.payload;
  }

  /** Remembers an answer, unless it carries the request's time (`now`, as it appears in JSON). */
  set(parent: string, digest: string, o: { payload: string; now: string }): void {
    if (o.payload.includes(JSON.stringify(o.now))) return;
    this.drop(parent);
    const size = o.payload.length + parent.length + digest.length;
    if (size > this.maxBytes) return;
    this.entries.set(parent, { digest, payload: o.payload });
    this.bytes += size;
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(key);
    }
  }

  private drop(parent: string): void {
    const e = this.entries.get(parent);
    if (!e) return;
    this.bytes -= e.payload.length + parent.length + e.digest.length;
    this.entries.delete(parent);
  }
}

/** The memo key of a request's parent: namespace, name and uid (a parent created again starts afresh). */
export function parentKey(body: unknown): string | undefined {
  const parent = (body as { parent?: { metadata?: Record<string, unknown> } } | null)?.parent;
  const m = parent?.metadata;
  if (typeof m?.['name'] !== 'string') return undefined;
  return JSON.stringify([m['namespace'] ?? '', m['name'], m['uid'] ?? '']);
}

/** Where a request's answer is remembered: its parent and the digest of its facts (none: not memoized). */
export function memoKey(
  route: string,
  facts: unknown,
  body: unknown,
): { parent: string; digest: string } | undefined {
  if (facts === undefined) return undefined;
  const parent = parentKey(body);
  return parent === undefined ? undefined : { parent, digest: AnswerMemo.digest(route, facts) };
}
