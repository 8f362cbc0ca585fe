// The batched histogram prints exactly what prom-client's Histogram prints for the same observations.
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BatchedHistogram } from './batched-histogram';

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('BatchedHistogram', () => {
  it('prints the same exposition as prom-client for the same observations, bounds and +Inf included', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const batched = new BatchedHistogram({ name: 'h_seconds', help: 'help', labelName: 'type', buckets: BUCKETS, registers: [ours] });
    const reference = new Histogram({ name: 'h_seconds', help: 'help', labelNames: ['type'], buckets: BUCKETS, registers: [theirs] });
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2;
    const values = [0, 0.001, 0.01, 0.1, 1, 5, ...Array.from({ length: 500 }, random)];
    values.forEach((value, i) => {
      const type = i % 3 === 0 ? 'hold' : 'ping';
      batched.observe(type, value);
      reference.observe({ type }, value);
    });
    const lines = async (registry: Registry): Promise<string[]> => (await registry.metrics()).trim().split('\n').sort();
    const mine = await lines(ours);
    expect(mine).toEqual(await lines(theirs));
    expect(mine).toContain('h_seconds_bucket{le="+Inf",type="hold"} 169');
    expect(mine).toContain('h_seconds_count{type="ping"} 337');
  });

  it('shows nothing before the first observation and nothing after a reset', async () => {
    const registry = new Registry();
    const batched = new BatchedHistogram({ name: 'h_seconds', help: 'help', labelName: 'type', buckets: BUCKETS, registers: [registry] });
    expect(await registry.metrics()).not.toContain('h_seconds_count');
    batched.observe('hold', 0.5);
    expect(await registry.metrics()).toContain('h_seconds_count{type="hold"} 1');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('h_seconds_count');
  });
});
