// CheckInCounts reads the counter row once for a watch and then at most every refreshMs, however often
// stats are pushed; a check-in here moves the figure at once; a smaller (older) figure never wins; a
// failed read keeps the figure. (The real desk and server path: test/customer/tickets.test.ts.)
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TicketDesk } from '../store/ticket-desk';
import { CheckInCounts } from './check-in-counts';

/** A desk whose counter row says `row`, counting the reads; `fail` makes reads reject. */
function deskWith(state: { row: number; reads: number; fail?: boolean }): TicketDesk {
  return {
    ordersOf: () => Promise.resolve([]),
    lookup: () => Promise.resolve(null),
    checkIn: () => Promise.resolve(null),
    checkedIn: () => {
      state.reads += 1;
      return state.fail ? Promise.reject(new Error('database down')) : Promise.resolve(state.row);
    },
  };
}

describe('CheckInCounts', () => {
  it('reads for the first reply, then at most once per refresh interval however often it is asked', async () => {
    const state = { row: 4, reads: 0 };
    let now = 1_000;
    const counts = new CheckInCounts(deskWith(state), pino({ level: 'silent' }), 5_000, () => now);
    expect(await counts.read('e')).toBe(4);
    for (let push = 0; push < 4; push++) {
      now += 1_000;
      expect(counts.current('e')).toBe(4);
    }
    expect(state.reads).toBe(1);
    state.row = 9; // check-ins through another node
    now += 1_000;
    expect(counts.current('e')).toBe(4); // the read it starts answers later
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(counts.current('e')).toBe(9);
    expect(state.reads).toBe(2);
  });

  it('takes a check-in here at once, and never goes back to a smaller figure', async () => {
    const state = { row: 2, reads: 0 };
    const counts = new CheckInCounts(deskWith(state), pino({ level: 'silent' }), 5_000, () => 0);
    expect(await counts.read('e')).toBe(2);
    counts.saw('e', 3);
    expect(counts.current('e')).toBe(3);
    counts.saw('e', 1); // an older answer arriving late
    expect(await counts.read('e')).toBe(3);
    expect(counts.current('other')).toBe(0);
  });

  it('keeps the figure when a read fails', async () => {
    const state = { row: 5, reads: 0, fail: false };
    let now = 0;
    const counts = new CheckInCounts(deskWith(state), pino({ level: 'silent' }), 5_000, () => now);
    expect(await counts.read('e')).toBe(5);
    state.fail = true;
    now += 10_000;
    expect(await counts.read('e')).toBe(5);
    expect(state.reads).toBe(2);
  });
});
