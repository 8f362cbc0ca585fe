// Reads a few counters from a server's Prometheus text (GET /metrics), to say where the time of a
// run went (group commit batches and their duration, event loop lag). A server without /metrics
// (the conventional baseline) gives nothing.
import type { BenchServer } from './server-process';

/** Metric name (with labels, as written) → value, for the lines that do not start with '#'. */
export type MetricValues = Map<string, number>;

/** The server's metrics now, or an empty map when it has none. */
export async function readMetrics(server: BenchServer): Promise<MetricValues> {
  const values: MetricValues = new Map();
  try {
    const res = await fetch(`${server.url}/metrics`);
    if (!res.ok) return values;
    for (const line of (await res.text()).split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
  } catch {
    // No metrics: nothing to add.
  }
  return values;
}

/** Group commit over a run: batches, orders per batch, ms per batch (Aisle's aisle_commit_* metrics). */
export interface CommitFigures {
  batches: number;
  ordersPerBatch: number;
  msPerBatch: number;
  /** Event loop lag p99 at the end of the run (prom-client's default metric), in ms. */
  eventLoopLagP99Ms: number;
}

/** What changed in the group commit metrics between `before` and `after`, or null without them. */
export function commitBetween(before: MetricValues, after: MetricValues): CommitFigures | null {
  const delta = (name: string): number => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const batches = delta('aisle_commit_batch_size_count');
  if (!after.has('aisle_commit_batch_size_count') || batches <= 0) return null;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return {
    batches,
    ordersPerBatch: round(delta('aisle_commit_batch_size_sum') / batches),
    msPerBatch: round((delta('aisle_commit_seconds_sum') * 1000) / batches),
    eventLoopLagP99Ms: round((after.get('nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000),
  };
}
