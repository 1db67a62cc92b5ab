/**
 * The machinery of the fleet model (fleet-model.ts): a seeded random source, an event heap on
 * simulated time, Metacontroller's work queue and client-go's client-side rate limiter, each as
 * upstream behaves (sources named at each class).
 */

/** mulberry32: a small seeded generator, so a run is repeatable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Timed {
  t: number;
  /** Insertion order: events at the same time run first-in first-out. */
  seq: number;
}

/** A binary min-heap on (t, seq). */
export class EventHeap<E extends Timed> {
  private readonly items: E[] = [];

  get size(): number {
    return this.items.length;
  }

  private get(i: number): E {
    const x = this.items[i];
    if (x === undefined) throw new Error(`event heap: no item ${i}`);
    return x;
  }

  private swap(i: number, j: number): void {
    const x = this.get(i);
    this.items[i] = this.get(j);
    this.items[j] = x;
  }

  push(e: E): void {
    this.items.push(e);
    let i = this.items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(this.get(i), this.get(p))) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): E | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(this.get(l), this.get(m))) m = l;
      if (r < a.length && before(this.get(r), this.get(m))) m = r;
      if (m === i) return top;
      this.swap(i, m);
      i = m;
    }
  }
}

const before = (x: Timed, y: Timed): boolean => x.t < y.t || (x.t === y.t && x.seq < y.seq);

/**
 * client-go's token bucket (k8s.io/client-go/util/flowcontrol/throttle.go
 * `NewTokenBucketRateLimiter` → golang.org/x/time/rate `Limiter.Wait`/`reserveN`): tokens accrue at
 * `qps` up to `burst`; a request takes one, and when none is left it waits until its token has
 * accrued (the count goes negative, so later callers queue behind it in order of arrival).
 * Metacontroller v4.17.2 sets QPS and Burst on its one rest.Config (pkg/cmd/metacontroller/main.go)
 * and builds one dynamic client from it (pkg/dynamic/clientset/clientset.go `New`), so every API
 * call of every controller and worker shares this one bucket.
 */
export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly qps: number;
  private readonly burst: number;

  constructor(qps: number, burst: number) {
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
  }

  /** When a request asked for at `now` may be sent. */
  reserve(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? now : now - this.tokens / this.qps;
  }
}

/**
 * client-go's workqueue as Metacontroller's controllers use it (k8s.io/client-go/util/workqueue
 * `Type.Add`, `Get`, `Done`; composite/controller.go `processNextWorkItem`): a key is queued once
 * however many events arrive; a key being processed is not handed to a second worker, and an event
 * during its sync queues it again when that sync is done.
 */
export class WorkQueue {
  private readonly order: number[] = [];
  private head = 0;
  private readonly queued = new Set<number>();
  private readonly processing = new Set<number>();
  private readonly dirty = new Set<number>();

  get length(): number {
    return this.order.length - this.head;
  }

  add(key: number): void {
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.order.push(key);
  }

  get(): number | undefined {
    if (this.head >= this.order.length) return undefined;
    const key = this.order[this.head++];
    if (key === undefined) return undefined;
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  done(key: number): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }
}

/** The q-quantile of `xs` (nearest rank), 0 for none. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}
