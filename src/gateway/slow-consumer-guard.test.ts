// Slow consumers: dropped over the per-socket limit, and largest first while the total is over budget.
import { describe, expect, it } from 'vitest';
import { SEND_BACKPRESSURE, SEND_DROPPED, SlowConsumerGuard } from './slow-consumer-guard';

class FakeSocket {
  constructor(
    readonly name: string,
    public buffered: number,
  ) {}
  getBufferedAmount(): number {
    return this.buffered;
  }
}

function guarded(limits = { perSocketBytes: 1000, totalBytes: 2000, floorBytes: 100 }): {
  guard: SlowConsumerGuard<FakeSocket>;
  sockets: Set<FakeSocket>;
  dropped: string[];
} {
  const sockets = new Set<FakeSocket>();
  const dropped: string[] = [];
  const guard = new SlowConsumerGuard<FakeSocket>(limits, sockets, (s) => {
    dropped.push(s.name);
    sockets.delete(s);
  });
  return { guard, sockets, dropped };
}

describe('SlowConsumerGuard', () => {
  it('drops a socket whose reply was refused or left it over its limit', () => {
    const { guard, dropped } = guarded();
    expect(guard.afterSend(new FakeSocket('ok', 999), 0, 10)).toBe(false);
    expect(guard.afterSend(new FakeSocket('full', 1000), 1, 10)).toBe(true);
    expect(guard.afterSend(new FakeSocket('refused', 10), SEND_DROPPED, 10)).toBe(true);
    expect(dropped).toEqual(['full', 'refused']);
  });

  it('sweeps at once when replies left a quarter of the budget buffered since the last sweep', () => {
    const { guard, sockets, dropped } = guarded();
    for (let i = 0; i < 6; i++) sockets.add(new FakeSocket(`s${i}`, 900));
    // 5,400 buffered against a budget of 2,000: the sweep comes with the reply that passes 500 unseen bytes.
    const first = [...sockets][0];
    expect(guard.afterSend(first, SEND_BACKPRESSURE, 400)).toBe(false);
    expect(dropped).toEqual([]);
    guard.afterSend(first, SEND_BACKPRESSURE, 200);
    expect(dropped.length).toBe(4);
  });

  it('sweeps sockets over their limit, then the largest while over budget, never those under the floor', () => {
    const { guard, sockets, dropped } = guarded();
    for (const [name, bytes] of [['a', 1200], ['b', 900], ['c', 800], ['d', 500], ['e', 99], ['f', 0]] as const) {
      sockets.add(new FakeSocket(name, bytes));
    }
    // Without a: 900 + 800 + 500 + 99 = 2299 > 2000, so b (the largest) goes too.
    expect(guard.sweep()).toBe(2);
    expect(dropped).toEqual(['a', 'b']);
    expect([...sockets].map((s) => s.name)).toEqual(['c', 'd', 'e', 'f']);
    expect(guard.sweep()).toBe(0);
  });

  it('keeps many small buffers even over budget', () => {
    const { guard, sockets } = guarded();
    for (let i = 0; i < 100; i++) sockets.add(new FakeSocket(`s${i}`, 50));
    expect(guard.sweep()).toBe(0);
  });
});
