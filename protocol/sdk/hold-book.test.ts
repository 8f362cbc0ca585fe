// HoldBook: expiry warnings with the time left, expiry by push or by clock (once), partial releases.
import { describe, expect, it } from 'vitest';
import type { HoldExpired, HoldExpiring, Timers } from './hold-book';
import { HoldBook } from './hold-book';

/** A manual clock with timers. */
function manualTime(): { now: () => number; advance(ms: number): void; timers: Timers } {
  let now = 1_000_000;
  let queue: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => now,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > until) break;
        queue.shift();
        now = next.at;
        next.fn();
      }
      now = until;
    },
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const id = nextId++;
        queue.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (id: unknown) => {
        queue = queue.filter((t) => t.id !== id);
      },
    },
  };
}

function book() {
  const time = manualTime();
  const expiring: HoldExpiring[] = [];
  const expired: HoldExpired[] = [];
  const b = new HoldBook(time.now, { expiring: (e) => expiring.push(e), expired: (e) => expired.push(e) }, [30_000, 10_000], time.timers);
  return { b, time, expiring, expired };
}

const held = (expiresAt: number, seats = ['a-1-1', 'a-1-2'], areas: Record<string, number> = {}) => ({
  type: 'held' as const,
  eventId: 'e',
  holdId: 'h1',
  seats,
  areas,
  expiresAt,
});

describe('HoldBook', () => {
  it('warns with the time left, then expires by the clock when no push came', () => {
    const { b, time, expiring, expired } = book();
    b.held(held(time.now() + 60_000));
    time.advance(30_000);
    expect(expiring.map((e) => e.msLeft)).toEqual([30_000]);
    time.advance(20_000);
    expect(expiring.map((e) => e.msLeft)).toEqual([30_000, 10_000]);
    expect(b.timeLeft('h1')).toBe(10_000);
    time.advance(12_000);
    expect(expired).toEqual([{ eventId: 'e', holdId: 'h1', source: 'clock' }]);
    expect(b.all()).toEqual([]);
  });

  it('expires once, by push, and an extension re-arms the warnings', () => {
    const { b, time, expiring, expired } = book();
    b.held(held(time.now() + 40_000));
    time.advance(5_000);
    b.held(held(time.now() + 40_000));
    time.advance(5_000);
    expect(expiring).toHaveLength(0);
    time.advance(5_000);
    expect(expiring.map((e) => e.msLeft)).toEqual([30_000]);
    b.expire('h1', 'push');
    b.expire('h1', 'push');
    time.advance(60_000);
    expect(expired).toEqual([{ eventId: 'e', holdId: 'h1', source: 'push' }]);
  });

  it('keeps what a partial release leaves and forgets a bought hold silently', () => {
    const { b, time, expired } = book();
    b.held(held(time.now() + 60_000, ['x', 'y'], { floor: 3 }));
    b.released({ type: 'released', eventId: 'e', holdId: 'h1', seats: ['x'], areas: { floor: 1 } });
    expect(b.get('h1')).toMatchObject({ seats: ['y'], areas: { floor: 2 } });
    b.bought('h1');
    time.advance(120_000);
    expect(b.get('h1')).toBeUndefined();
    expect(expired).toHaveLength(0);
  });
});
