/**
 * A bounded, least-recently-used memo for pure functions of JSON text.
 *
 * Why the hooks keep anything between requests at all: a fleet's syncs are mostly resyncs and
 * Patroni's own updates (leader lock, WAL positions), which change the observed children but not the
 * spec, so validating and resolving the same spec again was a fifth of every sync (issue 9's profile).
 * A memo keeps the hooks pure: the key is the whole input as text, the value is frozen so no caller
 * can change what a later request gets, and the answer is the one the function would compute.
 */

/**
 * Entries of a memo holding one value per cluster: about as many clusters as one hook replica serves
 * (docs/performance.md "Performance and sizing"). A checked spec with every feature set takes about 21 KiB, so
 * such a memo stays under ~45 MiB; a larger fleet per replica only loses hits, never answers.
 */
export const PER_CLUSTER_MEMO_CAPACITY = 2048;

/** Freezes a JSON value and everything in it, so a shared memo value cannot be changed by a caller. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export interface Memo<V> {
  /** The value for `key`, computing (and freezing) it on a miss. */
  get(key: string, compute: () => V): V;
  readonly size: number;
}

/** A memo of at most `capacity` entries; the least recently used one goes first. */
export function createMemo<V>(capacity: number): Memo<V> {
  // An undefined capacity (say, read across an import cycle) would make the memo unbounded.
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`memo capacity ${capacity}`);
  const entries = new Map<string, V>();
  return {
    get(key, compute) {
      const hit = entries.get(key);
      if (hit !== undefined || entries.has(key)) {
        // Re-inserting moves the key to the end: Map iterates in insertion order.
        entries.delete(key);
        entries.set(key, hit as V);
        return hit as V;
      }
      const value = deepFreeze(compute());
      entries.set(key, value);
      const oldest = entries.keys().next();
      if (entries.size > capacity && oldest.done !== true) entries.delete(oldest.value);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
