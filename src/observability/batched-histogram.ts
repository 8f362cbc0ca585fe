// A Prometheus histogram by one label for the hot path: an observation is a bucket search over a typed
// array and three additions, with no label hashing or object allocation (prom-client's Histogram hashes
// the label set on every observe). The registry reads it through the same `get()` shape as its own
// metrics, so /metrics shows a standard histogram: cumulative `_bucket{le}` lines, `_sum`, `_count`.
import type { MetricValueWithName, Registry } from 'prom-client';

/** What the registry reads of a metric. */
export interface HistogramReading {
  name: string;
  help: string;
  type: 'histogram';
  values: MetricValueWithName<string>[];
  aggregator: 'sum';
}

interface Series {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** Options of a BatchedHistogram. */
export interface BatchedHistogramOptions {
  name: string;
  help: string;
  /** The one label that tells series apart. */
  labelName: string;
  /** Upper bounds, ascending. */
  buckets: readonly number[];
  registers: Registry[];
}

/** A histogram with one label, cheap to observe. */
export class BatchedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly labelName: string;
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, Series>();

  constructor(options: BatchedHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelName = options.labelName;
    this.bounds = Float64Array.from(options.buckets);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** Records `value` for the series `label`. */
  observe(label: string, value: number): void {
    let series = this.series.get(label);
    if (series === undefined) {
      series = { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(label, series);
    }
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** The series as prom-client's registry reads a metric. */
  async get(): Promise<HistogramReading> {
    const values: MetricValueWithName<string>[] = [];
    for (const [label, series] of this.series) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += series.counts[i]!;
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({ metricName: `${this.name}_bucket`, labels: { le, [this.labelName]: label }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { [this.labelName]: label }, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.labelName]: label }, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Forgets every observation (prom-client's reset). */
  reset(): void {
    this.series.clear();
  }
}
