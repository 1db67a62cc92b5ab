/**
 * `--wait`: watches one pgmeta object (list-then-watch: a watch without a resourceVersion first
 * delivers the current object) until `check` returns an outcome, re-opening the watch when the
 * server ends it, and fails with the last state seen when `timeoutMs` passes.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { CliError } from '../main.js';
import type { Kube } from './client.js';

export interface Outcome {
  ok: boolean;
  message: string;
}

export interface WaitSpec {
  kind: 'PostgresCluster' | 'PostgresBackup';
  name: string;
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  /** An outcome ends the wait; undefined waits on. The object is undefined once deleted. */
  check: (o: KubeObject | undefined) => Outcome | undefined;
  /** A line describing the current state; printed when it changes. */
  progress?: (o: KubeObject | undefined) => string | undefined;
  log?: (line: string) => void;
}

const PLURALS = { PostgresCluster: 'postgresclusters', PostgresBackup: 'postgresbackups' } as const;

/** One wait: the watch (re-opened when it ends), the last state line, the timeout. */
class Waiter {
  private finished = false;
  private abort: AbortController | undefined;
  private lastLine: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;

  private readonly kube: Kube;
  private readonly w: WaitSpec;
  private readonly done: { resolve: (o: Outcome) => void; reject: (e: Error) => void };

  constructor(kube: Kube, w: WaitSpec, done: { resolve: (o: Outcome) => void; reject: (e: Error) => void }) {
    this.kube = kube;
    this.w = w;
    this.done = done;
    this.path = `/apis/pgmeta.io/v1alpha1/namespaces/${kube.namespace}/${PLURALS[w.kind]}`;
  }

  start(): void {
    this.timer = setTimeout(() => {
      const last = this.lastLine ? ` (last seen: ${this.lastLine})` : '';
      const secs = Math.round(this.w.timeoutMs / 1000);
      this.finish(() => {
        this.done.reject(new CliError(`timed out after ${secs}s waiting for ${this.w.what}${last}`));
      });
    }, this.w.timeoutMs);
    this.open();
  }

  private finish(f: () => void): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    f();
  }

  private seen(o: KubeObject | undefined): void {
    const line = this.w.progress?.(o);
    if (line !== undefined && line !== this.lastLine) this.w.log?.(line);
    this.lastLine = line ?? this.lastLine;
    const outcome = this.w.check(o);
    if (outcome)
      this.finish(() => {
        this.done.resolve(outcome);
      });
  }

  private open(): void {
    if (this.finished) return;
    const again = (ms: number) =>
      setTimeout(() => {
        this.open();
      }, ms).unref();
    new this.kube.k8s.Watch(this.kube.kc)
      .watch(
        this.path,
        { fieldSelector: `metadata.name=${this.w.name}` },
        (type: string, obj: KubeObject) => {
          this.seen(type === 'DELETED' ? undefined : obj);
        },
        // The server ends watches now and then; a failing server is retried until the timeout.
        (err: unknown) => {
          if (!this.finished) again(err ? 1000 : 0);
        },
      )
      .then(
        (a) => {
          this.abort = a;
          if (this.finished) a.abort();
        },
        () => again(1000),
      );
  }
}

export function waitFor(kube: Kube, w: WaitSpec): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    new Waiter(kube, w, { resolve, reject }).start();
  });
}
