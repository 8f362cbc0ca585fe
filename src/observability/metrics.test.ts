// Requests and commands are counted in batches: plain numbers on the hot path, added to the
// Prometheus counters when the registry is read, so every count shows up and none twice.
import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics';

async function counted(metrics: Metrics, name: string, type: string, outcome: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{type="${type}",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('batched request and command counts', () => {
  it('show every count at each read, once', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 1000; i++) metrics.countCommand('HoldSeats', i % 10 === 0 ? 'seat_unavailable' : 'ok');
    metrics.countRequest('hold', 'ok');
    expect(await counted(metrics, 'aisle_commands_total', 'HoldSeats', 'ok')).toBe(900);
    expect(await counted(metrics, 'aisle_commands_total', 'HoldSeats', 'seat_unavailable')).toBe(100);
    expect(await counted(metrics, 'aisle_ws_requests_total', 'hold', 'ok')).toBe(1);
    // Read again: nothing new, nothing doubled; then more counts add up.
    expect(await counted(metrics, 'aisle_commands_total', 'HoldSeats', 'ok')).toBe(900);
    metrics.countCommand('HoldSeats', 'ok');
    expect(await counted(metrics, 'aisle_commands_total', 'HoldSeats', 'ok')).toBe(901);
  });
});
