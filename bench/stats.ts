// Summaries of latency samples.

/** Percentiles of a set of latencies, in ms. */
export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Sorts `samples` in place and reads its percentiles (nearest rank); zeros when empty. */
export function percentiles(samples: Float64Array): Percentiles {
  samples.sort();
  const at = (q: number): number => (samples.length === 0 ? 0 : round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]));
  return { count: samples.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: at(1) };
}

/** All the arrays as one. */
export function concatSamples(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** `x` to two decimals (ms figures print as 1.23). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
