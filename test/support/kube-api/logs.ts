/**
 * Container logs the test writes and `GET .../pods/NAME/log` serves: the whole log, or `tailLines`,
 * and with `follow=true` a chunked stream that stays open and carries each appended line until the
 * client goes or the pod leaves (the kubelet's `/containerLogs` behind the API server).
 */
import type { ServerResponse } from 'node:http';

interface Listener {
  line: (line: string) => void;
  end: () => void;
}

export class LogBook {
  private readonly lines = new Map<string, string[]>();
  private readonly listeners = new Map<string, Set<Listener>>();

  private static key(namespace: string, pod: string, container: string): string {
    return `${namespace}/${pod}/${container}`;
  }

  append(o: { namespace: string; pod: string; container: string }, ...lines: string[]): void {
    const k = LogBook.key(o.namespace, o.pod, o.container);
    const have = this.lines.get(k) ?? [];
    have.push(...lines);
    this.lines.set(k, have);
    for (const l of this.listeners.get(k) ?? []) for (const line of lines) l.line(line);
  }

  serve(
    res: ServerResponse,
    o: { namespace: string; pod: string; container: string; follow: boolean; tailLines?: number },
  ): void {
    const k = LogBook.key(o.namespace, o.pod, o.container);
    const all = this.lines.get(k) ?? [];
    const start = o.tailLines === undefined ? 0 : Math.max(0, all.length - o.tailLines);
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    for (const line of all.slice(start)) res.write(`${line}\n`);
    if (!o.follow) {
      res.end();
      return;
    }
    const listener: Listener = {
      line: (line) => res.write(`${line}\n`),
      end: () => res.end(),
    };
    const set = this.listeners.get(k) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(k, set);
    res.on('close', () => set.delete(listener));
  }

  /** How many clients follow some log now (a test appends only once its client listens). */
  followers(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /** Ends every follower of a pod's logs (the pod is gone). */
  endFollowers(): void {
    for (const set of this.listeners.values()) for (const l of set) l.end();
    this.listeners.clear();
  }
}
