// Given/when/then tests of staff holds (PlaceStaffHold, ReleaseStaffHold): house seats and comps that
// never expire, ignore the customer rules, are counted apart and come back with the event.
import { describe, expect, it } from 'vitest';
import { areaAvailability, getStaffHold, nextExpiry, seatCounts, userCount, userHolds } from './event-state';
import { given, hold, indexes, now, rejected, run } from './test-scenario';
import { SeatStatus } from './types';
import type { PlaceStaffHold } from './commands';
import type { StaffHoldSnapshot } from './types';

const HOUR = 3_600_000;

function place(overrides: Partial<PlaceStaffHold> = {}): PlaceStaffHold {
  return { type: 'PlaceStaffHold', userId: 'sam', holdId: 'sh1', note: 'comps for the band', seats: ['A-1-1', 'A-1-2'], areas: {}, ...overrides };
}

describe('PlaceStaffHold', () => {
  it('given free seats and places, then StaffHoldPlaced; viewers see them held, counts keep them apart', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['B-1-1']);
    expect(run(state, place({ areas: { floor: 2 }, note: '  comps for the band ' }))).toEqual([
      { type: 'StaffHoldPlaced', holdId: 'sh1', userId: 'sam', note: 'comps for the band', seats: indexes(state, ['A-1-1', 'A-1-2']), areas: { floor: 2 }, createdAt: now },
    ]);
    for (const seat of indexes(state, ['A-1-1', 'A-1-2'])) expect(state.status[seat]).toBe(SeatStatus.Held);
    expect(seatCounts(state)).toEqual({ available: 33, held: 1, sold: 0, blocked: 0, staffHeld: 2 });
    expect(areaAvailability(state).floor).toBe(3);
    // Nobody's limit: the staff member holds nothing as a customer.
    expect(userCount(state, 'sam')).toBe(0);
    expect(userHolds(state, 'sam', now)).toEqual([]);
    expect(getStaffHold(state, 'sh1')).toEqual({
      holdId: 'sh1', userId: 'sam', note: 'comps for the band', seats: indexes(state, ['A-1-1', 'A-1-2']), areas: { floor: 2 }, createdAt: now,
    });
  });

  it('never expires: long past any TTL, ExpireHolds takes the customer hold and leaves the staff hold', () => {
    const state = given();
    run(state, place());
    expect(nextExpiry(state)).toBeUndefined();
    hold(state, 'u1', 'h1', ['B-1-1']);
    const events = run(state, { type: 'ExpireHolds' }, now + 1000 * HOUR);
    expect(events.map((e) => e.type === 'SeatsReleased' && e.holdId)).toEqual(['h1']);
    expect(state.holds.has('sh1')).toBe(true);
    expect(seatCounts(state)).toMatchObject({ held: 0, staffHeld: 2 });
    expect(nextExpiry(state)).toBeUndefined();
  });

  it('ignores what binds customers: paused sales, a draft, the per-user limit, the accessible hold-back', () => {
    const state = given({ draft: true, accessibleHoldBack: { hoursBeforeStart: 0 } }, { sales: 'paused' });
    // Eight seats (the limit is 6), row 1 of A is accessible and held back.
    const seats = ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5', 'A-1-6', 'A-2-1', 'A-2-2'];
    run(state, place({ seats }));
    expect(seatCounts(state).staffHeld).toBe(8);
  });

  it.each<[string, Partial<PlaceStaffHold>, string]>([
    ['a blank note', { note: '   ' }, 'bad_request'],
    ['nothing named', { seats: [], areas: {} }, 'bad_request'],
    ['a seat named twice', { seats: ['A-1-1', 'A-1-1'] }, 'bad_request'],
    ['an unknown seat', { seats: ['A-1-1', 'Z-9-9'] }, 'not_found'],
    ['an unknown area', { seats: [], areas: { balcony: 1 } }, 'not_found'],
    ['zero places', { seats: [], areas: { floor: 0 } }, 'bad_request'],
    ['more places than are left', { seats: [], areas: { floor: 6 } }, 'seat_unavailable'],
  ])('refuses %s, changing nothing', (_, overrides, code) => {
    expect(rejected(given(), place(overrides)).code).toBe(code);
  });

  it('refuses seats held, sold or blocked, naming exactly those, and a hold id in use', () => {
    const state = given({}, { blocked: [2], orders: [{ orderId: 'o1', userId: 'u9', seats: [3], areas: {}, total: 0 }] });
    hold(state, 'u1', 'h1', ['A-1-1']);
    expect(rejected(state, place({ seats: ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4'] }))).toMatchObject({
      code: 'seat_unavailable',
      seats: ['A-1-1', 'A-1-3', 'A-1-4'],
    });
    run(state, place({ seats: ['B-1-1'] }));
    expect(rejected(state, place({ seats: ['B-1-2'] })).code).toBe('conflict');
  });
});

describe('a staff hold and the customers', () => {
  it('customers cannot hold its seats, and no customer command reaches it, not even its maker’s', () => {
    const state = given();
    run(state, place({ userId: 'u1' }));
    expect(rejected(state, { type: 'HoldSeats', userId: 'u2', newHoldId: 'h2', seats: ['A-1-2'] })).toMatchObject({ code: 'seat_unavailable', seats: ['A-1-2'] });
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u1', holdId: 'sh1' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'ExtendHold', userId: 'u1', holdId: 'sh1' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'sh1', orderId: 'o1' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'x', holdId: 'sh1', seats: ['B-1-1'] }).code).toBe('hold_not_found');
    // Force release is for customers' holds; a staff hold is released as one.
    expect(rejected(state, { type: 'ForceRelease', holdId: 'sh1' }).code).toBe('conflict');
    expect(rejected(state, { type: 'BlockSeats', seats: ['A-1-1'], blocked: true }).code).toBe('conflict');
  });
});

describe('ReleaseStaffHold', () => {
  it('given a staff hold, then StaffHoldReleased and its seats and places are on sale again', () => {
    const state = given();
    run(state, place({ areas: { floor: 2 } }));
    expect(run(state, { type: 'ReleaseStaffHold', holdId: 'sh1' })).toEqual([
      { type: 'StaffHoldReleased', holdId: 'sh1', userId: 'sam', seats: indexes(state, ['A-1-1', 'A-1-2']), areas: { floor: 2 } },
    ]);
    expect(seatCounts(state)).toEqual({ available: 36, held: 0, sold: 0, blocked: 0, staffHeld: 0 });
    expect(areaAvailability(state).floor).toBe(5);
    expect(state.holds.size).toBe(0);
    expect(state.staffHolds).toBe(0);
    hold(state, 'u1', 'h1', ['A-1-1']);
  });

  it('refuses an unknown id and a customer’s hold', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    expect(rejected(state, { type: 'ReleaseStaffHold', holdId: 'nope' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'ReleaseStaffHold', holdId: 'h1' }).code).toBe('hold_not_found');
  });
});

describe('restoring staff holds', () => {
  it('comes back held and counted apart, before replicated holds; one clashing with a sale is dropped', () => {
    const staffHolds: StaffHoldSnapshot[] = [
      { holdId: 'sh1', userId: 'sam', note: 'house seats', seats: [0, 1], areas: { floor: 1 }, createdAt: now - HOUR },
      { holdId: 'sh2', userId: 'sam', note: 'bought meanwhile?', seats: [5], areas: {}, createdAt: now - HOUR },
    ];
    const state = given({}, {
      staffHolds,
      orders: [{ orderId: 'o1', userId: 'u9', seats: [5], areas: {}, total: 0 }],
      // A customer's hold replicated under the same id (or on the same seats) cannot take them twice.
      holds: [{ holdId: 'h9', userId: 'u1', seats: [1], areas: {}, createdAt: now, expiresAt: now + 600_000, extensions: 0 }],
    });
    expect(getStaffHold(state, 'sh1')).toEqual(staffHolds[0]);
    expect(state.holds.has('sh2')).toBe(false);
    expect(state.holds.has('h9')).toBe(false);
    expect(seatCounts(state)).toMatchObject({ held: 0, staffHeld: 2, sold: 1 });
    expect(areaAvailability(state).floor).toBe(4);
    expect(nextExpiry(state)).toBeUndefined();
  });
});
