/** Latency figures from raw samples in milliseconds, at the clock's precision. */
export interface Latency {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export function latencyOf(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    samples: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    mean: sorted.length ? sum / sorted.length : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}
