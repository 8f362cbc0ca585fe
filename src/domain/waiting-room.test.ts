import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawLottery, seededRandom } from './lottery';
import type { QueueSettings } from './queue-settings';
import { WaitingRoom, type QueueSupply } from './waiting-room';

const T0 = 1_000_000;
const on = (extra: Partial<QueueSettings> = {}): QueueSettings => ({ mode: 'on', admissionTtlSeconds: 60, ...extra });
const supply = (available: number, holding: ReadonlySet<string> = new Set(), extra: Partial<QueueSupply> = {}): QueueSupply => ({
  available,
  salesOpen: true,
  salesEnded: false,
  holding: (userId) => holding.has(userId),
  ...extra,
});
const users = (n: number, prefix = 'u'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('WaitingRoom: joining', () => {
  it('given a user waiting, when they join again (another tab), then they keep their one place', () => {
    const room = new WaitingRoom(on({ maxActive: 0 }), seededRandom(1), T0);
    for (const u of users(3)) room.join(u, T0);
    const again = room.join('u1', T0 + 5);
    expect(again).toMatchObject({ kind: 'queued', place: { position: 2, ahead: 1 } });
    expect(room.waitingCount).toBe(3);
  });

  it('given room and inventory, when a user joins and the room steps, then they are admitted with an expiry', () => {
    const room = new WaitingRoom(on({ maxActive: 5 }), seededRandom(1), T0);
    room.join('a', T0);
    const step = room.step(T0, supply(10));
    expect(step.admitted).toEqual([{ userId: 'a', expiresAt: T0 + 60_000 }]);
    expect(room.join('a', T0 + 1)).toEqual({ kind: 'admitted', expiresAt: T0 + 60_000 });
    expect(room.mayHold('a', T0 + 1)).toBe(true);
    expect(room.mayHold('b', T0 + 1)).toBe(false);
  });

  it('given a user who leaves, then the others move up and the leaver holds no place', () => {
    const room = new WaitingRoom(on({ maxActive: 0 }), seededRandom(1), T0);
    for (const u of users(3)) room.join(u, T0);
    expect(room.leave('u0')).toBe(true);
    expect(room.placeOf('u2', T0)?.position).toBe(2);
    expect(room.placeOf('u0', T0)).toBeNull();
    expect(room.leave('u0')).toBe(false);
  });
});

describe('WaitingRoom: lottery at openAt', () => {
  it('given joiners before openAt, when openAt passes, then they are drawn into a random order ahead of later joiners', () => {
    const room = new WaitingRoom(on({ openAt: T0 + 1000, maxActive: 0 }), seededRandom(42), T0);
    const early = users(50);
    for (const u of early) expect(room.join(u, T0).kind).toBe('queued');
    expect(room.positionUpdates(T0)).toEqual([]);
    const step = room.step(T0 + 1000, supply(100));
    expect(step.drawn).toBe(true);
    room.join('late', T0 + 1001);
    const order = room.snapshot().line;
    expect(order.slice(0, 50).sort()).toEqual([...early].sort());
    expect(order.slice(0, 50)).not.toEqual(early);
    expect(order[50]).toBe('late');
  });

  it('property: the draw is a permutation of its entrants', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 200 }), fc.integer(), (items, seed) => {
        const drawn = drawLottery(items, seededRandom(seed));
        expect([...drawn].sort()).toEqual([...items].sort());
      }),
    );
  });
});

describe('WaitingRoom: admission from live inventory', () => {
  it('given maxActive 2, then only two are admitted until one finishes by buying', () => {
    const room = new WaitingRoom(on({ maxActive: 2 }), seededRandom(1), T0);
    for (const u of users(5)) room.join(u, T0);
    expect(room.step(T0, supply(100)).admitted.map((a) => a.userId)).toEqual(['u0', 'u1']);
    expect(room.step(T0 + 10, supply(100)).admitted).toEqual([]);
    room.recordOrder('u0', 2);
    expect(room.step(T0 + 20, supply(98)).admitted.map((a) => a.userId)).toEqual(['u2']);
  });

  it('given admitPerMinute 3, then at most three admissions in a minute', () => {
    const room = new WaitingRoom(on({ admitPerMinute: 3 }), seededRandom(1), T0);
    for (const u of users(10)) room.join(u, T0);
    expect(room.step(T0, supply(1000)).admitted).toHaveLength(3);
    expect(room.step(T0 + 59_000, supply(1000)).admitted).toHaveLength(0);
    expect(room.nextDeadline(T0 + 59_000)).toBe(T0 + 60_000);
    expect(room.step(T0 + 60_000, supply(1000)).admitted).toHaveLength(3);
  });

  it('given orders of 4 seats on average and 9 seats left, then only as many shoppers as the seats can serve are admitted', () => {
    const room = new WaitingRoom(on(), seededRandom(1), T0);
    room.seedDemand(2, 8);
    for (const u of users(10)) room.join(u, T0);
    // 4 + 1 <= 9 admits a second, 8 + 1 <= 9 a third, 12 + 1 > 9 stops.
    expect(room.step(T0, supply(9)).admitted).toHaveLength(3);
  });

  it('given admitted shoppers already holding, then their demand is served and more are admitted', () => {
    const room = new WaitingRoom(on(), seededRandom(1), T0);
    for (const u of users(4)) room.join(u, T0);
    expect(room.step(T0, supply(2)).admitted).toHaveLength(2);
    expect(room.step(T0 + 1, supply(1, new Set(['u0']))).admitted.map((a) => a.userId)).toEqual([]);
    expect(room.step(T0 + 2, supply(1, new Set(['u0', 'u1']))).admitted.map((a) => a.userId)).toEqual(['u2']);
  });

  it('given an admission that runs out, then it ends and frees the slot', () => {
    const room = new WaitingRoom(on({ maxActive: 1 }), seededRandom(1), T0);
    room.join('a', T0);
    room.join('b', T0);
    room.step(T0, supply(10));
    const step = room.step(T0 + 60_000, supply(10));
    expect(step.ended).toEqual(['a']);
    expect(step.admitted.map((a) => a.userId)).toEqual(['b']);
    expect(room.mayHold('a', T0 + 60_000)).toBe(false);
  });
});

describe('WaitingRoom: sold out, waitlist and close', () => {
  it('given nothing left, then every waiting user is told sold_out once, stays as a waitlist, and is admitted when seats come back', () => {
    const room = new WaitingRoom(on(), seededRandom(1), T0);
    for (const u of users(3)) room.join(u, T0);
    const soldOut = room.step(T0, supply(0));
    expect(soldOut.closed).toEqual({ reason: 'sold_out', users: ['u0', 'u1', 'u2'] });
    expect(room.step(T0 + 1, supply(0)).closed).toBeUndefined();
    expect(room.join('late', T0 + 2)).toMatchObject({ kind: 'queued', waitlist: true, place: { position: 4 } });
    const back = room.step(T0 + 3, supply(1));
    expect(back.reopened).toBe(true);
    expect(back.admitted.map((a) => a.userId)).toEqual(['u0']);
  });

  it('given sales end, then the room closes, drops every place and refuses joins', () => {
    const room = new WaitingRoom(on({ maxActive: 0 }), seededRandom(1), T0);
    for (const u of users(2)) room.join(u, T0);
    const step = room.step(T0, supply(5, new Set(), { salesEnded: true }));
    expect(step.closed).toEqual({ reason: 'closed', users: ['u0', 'u1'] });
    expect(room.waitingCount).toBe(0);
    expect(room.join('x', T0)).toEqual({ kind: 'closed' });
  });

  it('given the room is switched off, then everyone waiting is admitted', () => {
    const room = new WaitingRoom(on({ maxActive: 0 }), seededRandom(1), T0);
    for (const u of users(3)) room.join(u, T0);
    room.reconfigure({ mode: 'off', admissionTtlSeconds: 60 });
    expect(room.step(T0, supply(10)).admitted.map((a) => a.userId)).toEqual(['u0', 'u1', 'u2']);
    expect(room.mayHold('anyone', T0)).toBe(true);
  });
});

describe('WaitingRoom: positions', () => {
  it('given the line moves, then each user gets their position only when it changed', () => {
    const room = new WaitingRoom(on({ maxActive: 1 }), seededRandom(1), T0);
    for (const u of users(3)) room.join(u, T0);
    // The join replies told each their place: nothing to push until the line moves.
    expect(room.positionUpdates(T0)).toEqual([]);
    room.step(T0 + 1000, supply(10));
    const moved = room.positionUpdates(T0 + 2000);
    expect(moved.map((p) => [p.userId, p.position])).toEqual([['u1', 1], ['u2', 2]]);
    expect(moved[0].etaSeconds).toBeGreaterThan(0);
  });

  it('given a snapshot, when restored, then the order, admissions and figures are the same', () => {
    const room = new WaitingRoom(on({ maxActive: 1 }), seededRandom(1), T0);
    for (const u of users(4)) room.join(u, T0);
    room.step(T0, supply(10));
    room.recordOrder('x', 3);
    const copy = WaitingRoom.restore(on({ maxActive: 1 }), seededRandom(2), room.snapshot());
    expect(copy.snapshot()).toEqual(room.snapshot());
    expect(copy.mayHold('u0', T0 + 1)).toBe(true);
  });
});

describe('WaitingRoom: model run', () => {
  it('property: maxActive is never exceeded, admissions go in line order, nobody admitted after sold out until seats return', () => {
    const op = fc.oneof(
      fc.record({ join: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ leave: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ buy: fc.integer({ min: 0, max: 30 }), units: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ available: fc.integer({ min: 0, max: 20 }), dt: fc.integer({ min: 0, max: 40_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 150 }), (maxActive, ops) => {
        const room = new WaitingRoom(on({ maxActive }), seededRandom(7), T0);
        let now = T0;
        for (const o of ops) {
          if ('join' in o) room.join(`u${o.join}`, now);
          else if ('leave' in o) room.leave(`u${o.leave}`);
          else if ('buy' in o) {
            if (room.mayHold(`u${o.buy}`, now)) room.recordOrder(`u${o.buy}`, o.units);
          } else {
            now += o.dt;
            const line = room.snapshot().line;
            const step = room.step(now, supply(o.available));
            expect(step.admitted.map((a) => a.userId)).toEqual(line.slice(0, step.admitted.length));
            if (o.available === 0) expect(step.admitted).toEqual([]);
          }
          expect(room.activeCount).toBeLessThanOrEqual(maxActive);
          for (const [userId] of room.snapshot().admitted) expect(room.snapshot().line).not.toContain(userId);
        }
      }),
    );
  });
});
