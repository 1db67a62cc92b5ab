/** Small, exact statistics for the benchmark: nearest-rank percentiles of a sample. */

export interface SampleSummary {
  n: number;
  median: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentile (`p` in 0..100) of an ascending array; NaN for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

export function summarize(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? NaN : sum / sorted.length,
  };
}
