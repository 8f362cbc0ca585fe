// Given/when/then tests of the hold commands: HoldSeats, HoldBest, HoldArea, ReleaseHold, ExtendHold,
// ExpireHolds. Purchases and staff commands are in their own files.
import { describe, expect, it } from 'vitest';
import { getHold, handle, holdSeatIds, nextExpiry, seatCounts, userCount } from './event-state';
import { given, hold, indexes, now, rejected, run } from './test-scenario';
import { SeatStatus } from './types';

const TTL = 600_000;

describe('HoldSeats', () => {
  it('given free seats, when a user holds them, then a new hold owns them until now + ttl', () => {
    const state = given();
    const events = hold(state, 'u1', 'h1', ['B-1-1', 'B-1-2']);
    expect(events).toEqual([
      {
        type: 'SeatsHeld', holdId: 'h1', userId: 'u1', created: true,
        seats: indexes(state, ['B-1-1', 'B-1-2']), areas: {}, createdAt: now, expiresAt: now + TTL,
      },
    ]);
    expect(state.status[state.layout.seatIndex('B-1-1')]).toBe(SeatStatus.Held);
    expect(seatCounts(state)).toEqual({ available: 34, held: 2, sold: 0, blocked: 0, staffHeld: 0 });
    expect(userCount(state, 'u1')).toBe(2);
    expect(nextExpiry(state)).toBe(now + TTL);
  });

  it('given an empty list, then bad_request', () => {
    expect(rejected(given(), { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: [] }).code).toBe('bad_request');
  });

  it('given duplicate ids, then bad_request naming them', () => {
    const rejection = rejected(given(), { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1', 'A-1-1'] });
    expect(rejection.code).toBe('bad_request');
    expect(rejection.message).toContain('A-1-1');
  });

  it('given unknown ids, then not_found with exactly the unknown ones', () => {
    const rejection = rejected(given(), {
      type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1', 'X-1', 'A-9-9'],
    });
    expect(rejection).toMatchObject({ code: 'not_found', seats: ['X-1', 'A-9-9'] });
  });

  it('given seats held, sold or blocked, then seat_unavailable with exactly the taken ones, all or nothing', () => {
    const state = given({}, { blocked: [2], orders: [{ orderId: 'o1', userId: 'u9', seats: [1], areas: {}, total: 0 }] });
    hold(state, 'u2', 'h2', ['A-1-4']);
    const rejection = rejected(state, {
      type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4'],
    });
    expect(rejection).toMatchObject({ code: 'seat_unavailable', seats: ['A-1-2', 'A-1-3', 'A-1-4'] });
    expect(state.status[0]).toBe(SeatStatus.Available);
  });

  it('given the user own hold, when adding with holdId later, then the hold grows and its expiry stays', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    const events = run(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'ignored', holdId: 'h1', seats: ['B-1-2'] }, now + 60_000);
    expect(events).toEqual([
      {
        type: 'SeatsHeld', holdId: 'h1', userId: 'u1', created: false,
        seats: indexes(state, ['B-1-2']), areas: {}, createdAt: now, expiresAt: now + TTL,
      },
    ]);
    expect(getHold(state, 'h1')).toEqual({
      holdId: 'h1', userId: 'u1', seats: indexes(state, ['B-1-1', 'B-1-2']), areas: {},
      createdAt: now, expiresAt: now + TTL, extensions: 0,
    });
    expect(state.holds.has('ignored')).toBe(false);
  });

  it('given another user hold or an unknown hold, when adding to it, then hold_not_found', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(rejected(state, { type: 'HoldSeats', userId: 'u2', newHoldId: 'x', holdId: 'h1', seats: ['B-1-2'] }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'x', holdId: 'nope', seats: ['B-1-2'] }).code).toBe('hold_not_found');
  });

  it('given a pending hold, when adding to it, then conflict', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'x', holdId: 'h1', seats: ['B-1-2'] }).code).toBe('conflict');
  });

  it('given a hold past its expiry but not yet expired, when adding to it, then hold_expired', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(
      rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'x', holdId: 'h1', seats: ['B-1-2'] }, now + TTL).code,
    ).toBe('hold_expired');
  });

  it('given sales paused or outside the sales window, then sales_closed', () => {
    const paused = given({}, { sales: 'paused' });
    expect(rejected(paused, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] }).code).toBe('sales_closed');
    const early = given({ salesOpenAt: new Date(now + 1).toISOString() });
    expect(rejected(early, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] }).code).toBe('sales_closed');
    const late = given({ salesCloseAt: new Date(now - 1).toISOString() });
    expect(rejected(late, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] }).code).toBe('sales_closed');
  });

  it('given a user with seats held in two holds and bought, when the total would pass maxSeatsPerUser, then limit_exceeded', () => {
    const state = given({}, { orders: [{ orderId: 'o1', userId: 'u1', seats: [30], areas: { floor: 1 }, total: 0 }] });
    hold(state, 'u1', 'h1', ['B-1-1']);
    hold(state, 'u1', 'h2', ['B-1-2', 'B-1-3']);
    expect(userCount(state, 'u1')).toBe(5);
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h3', seats: ['B-1-4', 'B-1-5'] }).code).toBe('limit_exceeded');
    hold(state, 'u1', 'h3', ['B-1-4']);
    expect(userCount(state, 'u1')).toBe(6);
  });

  it('given a newHoldId already in use, then conflict', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(rejected(state, { type: 'HoldSeats', userId: 'u2', newHoldId: 'h1', seats: ['B-1-2'] }).code).toBe('conflict');
  });
});

describe('HoldBest (decider checks; the seat choice is tested in best-available.test.ts)', () => {
  it('given free seats, when asking for 2 vip, then a new hold of 2 adjacent seats in the front vip row', () => {
    const state = given();
    const [event] = run(state, { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 2, category: 'vip' } });
    expect(event).toMatchObject({ type: 'SeatsHeld', holdId: 'h1', created: true, seats: indexes(state, ['A-1-3', 'A-1-4']) });
  });

  it('given an existing hold, when asking with holdId, then the seats are added to it', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    const [event] = run(state, { type: 'HoldBest', userId: 'u1', newHoldId: 'x', holdId: 'h1', best: { count: 1, section: 'B' } });
    expect(event).toMatchObject({ holdId: 'h1', created: false, expiresAt: now + TTL });
    expect(getHold(state, 'h1')?.seats).toHaveLength(2);
  });

  it.each([0, -1, 1.5])('given count %s, then bad_request', (count) => {
    expect(rejected(given(), { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count } }).code).toBe('bad_request');
  });

  it('given an unknown category or section, then not_found', () => {
    const state = given();
    expect(rejected(state, { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 1, category: 'gold' } }).code).toBe('not_found');
    expect(rejected(state, { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 1, section: 'Z' } }).code).toBe('not_found');
  });

  it('given more than the user may hold, then limit_exceeded', () => {
    expect(rejected(given(), { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 7 } }).code).toBe('limit_exceeded');
  });

  it('given fewer matching seats than asked, then seat_unavailable', () => {
    const state = given({ maxSeatsPerUser: 20 });
    expect(
      rejected(state, { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 7, accessible: true } }).code,
    ).toBe('seat_unavailable');
  });

  it('given sales paused, then sales_closed', () => {
    expect(
      rejected(given({}, { sales: 'paused' }), { type: 'HoldBest', userId: 'u1', newHoldId: 'h1', best: { count: 1 } }).code,
    ).toBe('sales_closed');
  });

  it('given another user hold id, then hold_not_found', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    expect(rejected(state, { type: 'HoldBest', userId: 'u2', newHoldId: 'x', holdId: 'h1', best: { count: 1 } }).code).toBe('hold_not_found');
  });
});

describe('HoldArea', () => {
  it('given free places, when a user holds 2, then they leave the area and count for the user', () => {
    const state = given();
    const events = run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count: 2 });
    expect(events).toEqual([
      { type: 'SeatsHeld', holdId: 'h1', userId: 'u1', created: true, seats: [], areas: { floor: 2 }, createdAt: now, expiresAt: now + TTL },
    ]);
    expect(state.areaAvailable[0]).toBe(3);
    expect(userCount(state, 'u1')).toBe(2);
  });

  it('given a hold with places, when adding places with holdId, then the counts add up', () => {
    const state = given();
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count: 2 });
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 1 });
    expect(getHold(state, 'h1')?.areas).toEqual({ floor: 3 });
  });

  it('given an unknown area, then not_found', () => {
    expect(rejected(given(), { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'pit', count: 1 }).code).toBe('not_found');
  });

  it.each([0, -2, 0.5])('given count %s, then bad_request', (count) => {
    expect(rejected(given(), { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count }).code).toBe('bad_request');
  });

  it('given fewer places left than asked, then seat_unavailable', () => {
    const state = given();
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count: 4 });
    expect(rejected(state, { type: 'HoldArea', userId: 'u2', newHoldId: 'h2', areaId: 'floor', count: 2 }).code).toBe('seat_unavailable');
  });

  it('given the user at the limit, then limit_exceeded', () => {
    const state = given({ maxSeatsPerUser: 2 });
    hold(state, 'u1', 'h1', ['B-1-1', 'B-1-2']);
    expect(rejected(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'h2', areaId: 'floor', count: 1 }).code).toBe('limit_exceeded');
  });

  it('given sales paused, then sales_closed', () => {
    expect(
      rejected(given({}, { sales: 'paused' }), { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count: 1 }).code,
    ).toBe('sales_closed');
  });
});

describe('ReleaseHold', () => {
  function withHold() {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1', 'B-1-2', 'B-1-3']);
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 2 });
    return state;
  }

  it('given a hold, when nothing is named, then the whole hold is released and deleted', () => {
    const state = withHold();
    const events = run(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1' });
    expect(events).toEqual([
      {
        type: 'SeatsReleased', holdId: 'h1', userId: 'u1', reason: 'released',
        seats: indexes(state, ['B-1-1', 'B-1-2', 'B-1-3']), areas: { floor: 2 }, holdEnded: true,
      },
    ]);
    expect(state.holds.size).toBe(0);
    expect(seatCounts(state).available).toBe(36);
    expect(state.areaAvailable[0]).toBe(5);
    expect(userCount(state, 'u1')).toBe(0);
    expect(nextExpiry(state)).toBeUndefined();
  });

  it('given a hold, when some seats and places are named, then exactly those are released', () => {
    const state = withHold();
    const events = run(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', seats: ['B-1-2'], areas: { floor: 1 } });
    expect(events).toEqual([
      {
        type: 'SeatsReleased', holdId: 'h1', userId: 'u1', reason: 'released',
        seats: indexes(state, ['B-1-2']), areas: { floor: 1 }, holdEnded: false,
      },
    ]);
    expect(holdSeatIds(state, getHold(state, 'h1') ?? { seats: [] })).toEqual(['B-1-1', 'B-1-3']);
    expect(getHold(state, 'h1')?.areas).toEqual({ floor: 1 });
    expect(userCount(state, 'u1')).toBe(3);
  });

  it('given a hold, when everything in it is named, then holdEnded and the hold is gone', () => {
    const state = withHold();
    const [event] = run(state, {
      type: 'ReleaseHold', userId: 'u1', holdId: 'h1', seats: ['B-1-1', 'B-1-2', 'B-1-3'], areas: { floor: 2 },
    });
    expect(event).toMatchObject({ holdEnded: true });
    expect(state.holds.has('h1')).toBe(false);
  });

  it('given seats not in the hold, then bad_request naming them', () => {
    const state = withHold();
    hold(state, 'u1', 'h2', ['A-1-1']);
    const rejection = rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', seats: ['B-1-1', 'A-1-1', 'nope'] });
    expect(rejection.code).toBe('bad_request');
    expect(rejection.message).toContain('A-1-1, nope');
  });

  it('given more places than held, or an area not in the hold, then bad_request', () => {
    const state = withHold();
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', areas: { floor: 3 } }).code).toBe('bad_request');
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', areas: { pit: 1 } }).code).toBe('bad_request');
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', areas: { floor: -1 } }).code).toBe('bad_request');
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', areas: { floor: 0 } }).code).toBe('bad_request');
  });

  it('given duplicate seats, then bad_request', () => {
    expect(
      rejected(withHold(), { type: 'ReleaseHold', userId: 'u1', holdId: 'h1', seats: ['B-1-1', 'B-1-1'] }).code,
    ).toBe('bad_request');
  });

  it('given another user or an unknown hold, then hold_not_found', () => {
    const state = withHold();
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u2', holdId: 'h1' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h9' }).code).toBe('hold_not_found');
  });

  it('given a pending hold, then conflict', () => {
    const state = withHold();
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'h1' }).code).toBe('conflict');
  });

  it('given a hold past its expiry, then hold_expired', () => {
    expect(rejected(withHold(), { type: 'ReleaseHold', userId: 'u1', holdId: 'h1' }, now + TTL).code).toBe('hold_expired');
  });
});

describe('ExtendHold', () => {
  it('given a hold, when extended, then expiresAt = min(now + ttl, createdAt + 2 × ttl)', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }, now + 100_000)).toEqual([
      { type: 'HoldExtended', holdId: 'h1', expiresAt: now + 700_000, extensions: 1 },
    ]);
    expect(run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }, now + 650_000)).toEqual([
      { type: 'HoldExtended', holdId: 'h1', expiresAt: now + 2 * TTL, extensions: 2 },
    ]);
    expect(nextExpiry(state)).toBe(now + 2 * TTL);
  });

  it('given three extensions, when extending a fourth time, then limit_exceeded', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    for (let i = 0; i < 3; i++) run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' });
    expect(rejected(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }).code).toBe('limit_exceeded');
    expect(getHold(state, 'h1')?.extensions).toBe(3);
  });

  it('given an extended hold, when ExpireHolds runs at its old expiry, then it is not expired', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }, now + 100_000);
    expect(run(state, { type: 'ExpireHolds' }, now + TTL)).toEqual([]);
    expect(state.holds.has('h1')).toBe(true);
  });

  it('given a hold at or past its expiry, then hold_expired', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(rejected(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }, now + TTL).code).toBe('hold_expired');
  });

  it('given a pending hold, then conflict; another user hold, then hold_not_found', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(rejected(state, { type: 'ExtendHold', userId: 'u2', holdId: 'h1' }).code).toBe('hold_not_found');
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    expect(rejected(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }).code).toBe('conflict');
  });
});

describe('ExpireHolds', () => {
  it('given holds expiring at different times, when ExpireHolds runs, then only the due ones end, reason expired', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'HoldArea', userId: 'u2', newHoldId: 'h2', areaId: 'floor', count: 2 }, now + 1000);
    hold(state, 'u3', 'h3', ['B-2-1'], now + 5000);
    const events = run(state, { type: 'ExpireHolds' }, now + TTL + 1000);
    expect(events).toEqual([
      { type: 'SeatsReleased', holdId: 'h1', userId: 'u1', reason: 'expired', seats: indexes(state, ['B-1-1']), areas: {}, holdEnded: true },
      { type: 'SeatsReleased', holdId: 'h2', userId: 'u2', reason: 'expired', seats: [], areas: { floor: 2 }, holdEnded: true },
    ]);
    expect([...state.holds.keys()]).toEqual(['h3']);
    expect(nextExpiry(state)).toBe(now + 5000 + TTL);
    expect(userCount(state, 'u2')).toBe(0);
    expect(state.areaAvailable[0]).toBe(5);
  });

  it('given nothing due, then ok with no events', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(run(state, { type: 'ExpireHolds' }, now + TTL - 1)).toEqual([]);
  });

  it('given a pending hold past its expiry, then it is not expired', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    expect(nextExpiry(state)).toBeUndefined();
    expect(run(state, { type: 'ExpireHolds' }, now + 10 * TTL)).toEqual([]);
    expect(state.holds.get('h1')?.orderId).toBe('o1');
  });

  it('given holds made and released by the thousand, then the expiry queue keeps no more than about the live holds, and the live ones still expire', () => {
    // A released hold's entry used to stay in the queue until its expiry time came round (ten minutes
    // of holds at thousands a second): it is cleared out once the stale entries outnumber the holds.
    const state = given({ maxSeatsPerUser: 100 });
    hold(state, 'keeper', 'kept', ['B-1-1']);
    let most = 0;
    for (let i = 0; i < 20_000; i++) {
      const at = now + 1 + i;
      hold(state, `u${i % 50}`, `h${i}`, ['A-1-1'], at);
      run(state, { type: 'ReleaseHold', userId: `u${i % 50}`, holdId: `h${i}` }, at);
      most = Math.max(most, state.expiry.size);
    }
    expect(most).toBeLessThanOrEqual(2 * state.holds.size + 1024 + 1);
    expect(nextExpiry(state)).toBe(now + TTL);
    const events = run(state, { type: 'ExpireHolds' }, now + TTL);
    expect(events.map((e) => (e as { holdId: string }).holdId)).toEqual(['kept']);
    expect(state.holds.size).toBe(0);
  });

  it('given many holds, then decide leaves the state alone and handle expires them all', () => {
    const state = given({ maxSeatsPerUser: 100 });
    for (let i = 0; i < 20; i++) hold(state, `u${i}`, `h${i}`, [state.layout.seatId(i)], now + i);
    const before = state.holds.size;
    const decision = handle(state, { type: 'ExpireHolds' }, now + TTL + 9);
    expect(decision.ok && decision.events.length).toBe(10);
    expect(state.holds.size).toBe(before - 10);
    expect(nextExpiry(state)).toBe(now + TTL + 10);
  });
});
