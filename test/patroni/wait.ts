/** Bounded waiting: every wait of the rig has a deadline and says what it waited for. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than `undefined` or `false`, and returns that value.
 * A probe that throws counts as "not yet"; on timeout the error names `what` and the last failure.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  o: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = performance.now() + o.timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = `not yet (${String(value)})`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (performance.now() > deadline)
      throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${what}: ${last}`);
    await sleep(o.intervalMs ?? 250);
  }
}
