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

export function waitFor(kube: Kube, w: WaitSpec): Promise<Outcome> {
  const path = `/apis/pgmeta.io/v1alpha1/namespaces/${kube.namespace}/${PLURALS[w.kind]}`;
  const watch = new kube.k8s.Watch(kube.kc);
  return new Promise<Outcome>((resolve, reject) => {
    let finished = false;
    let abort: AbortController | undefined;
    let lastLine: string | undefined;
    const finish = (f: () => void): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      abort?.abort();
      f();
    };
    const seen = (o: KubeObject | undefined): void => {
      const line = w.progress?.(o);
      if (line !== undefined && line !== lastLine) w.log?.(line);
      lastLine = line ?? lastLine;
      const outcome = w.check(o);
      if (outcome) finish(() => resolve(outcome));
    };
    const open = (): void => {
      if (finished) return;
      watch
        .watch(path, { fieldSelector: `metadata.name=${w.name}` }, (type: string, obj: KubeObject) => {
          seen(type === 'DELETED' ? undefined : obj);
        }, (err: unknown) => {
          if (finished) return;
          // The server ends watches now and then; a failing server is retried until the timeout.
          setTimeout(open, err ? 1000 : 0).unref();
        })
        .then((a) => (abort = a), () => setTimeout(open, 1000).unref());
    };
    const timer = setTimeout(() => {
      finish(() => reject(new CliError(`timed out after ${Math.round(w.timeoutMs / 1000)}s waiting for ${w.what}${lastLine ? ` (last seen: ${lastLine})` : ''}`)));
    }, w.timeoutMs);
    open();
  });
}
