// Given/when/then tests of the staff commands (SetSales, BlockSeats), createState and the queries.
import { describe, expect, it } from 'vitest';
import { expandDefinition } from './definition';
import { areaAvailability, createState, getHold, nextExpiry, salesStatus, seatCounts, userCount } from './event-state';
import { given, hold, now, rejected, run, testDefinition } from './test-scenario';
import { SeatStatus } from './types';

describe('SetSales', () => {
  it('given sales open, when paused, then SalesChanged and holds are refused', () => {
    const state = given();
    expect(run(state, { type: 'SetSales', open: false })).toEqual([{ type: 'SalesChanged', open: false }]);
    expect(state.sales).toBe('paused');
    expect(salesStatus(state, now)).toBe('paused');
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] }).code).toBe('sales_closed');
  });

  it('given sales already as asked, then ok with no events', () => {
    expect(run(given(), { type: 'SetSales', open: true })).toEqual([]);
  });

  it('given sales paused, when resumed, then SalesChanged open', () => {
    const state = given({}, { sales: 'paused' });
    expect(run(state, { type: 'SetSales', open: true })).toEqual([{ type: 'SalesChanged', open: true }]);
    expect(salesStatus(state, now)).toBe('on_sale');
  });
});

describe('BlockSeats', () => {
  it('given free and already blocked seats, when blocking, then SeatsBlocked lists only the changed seats', () => {
    const state = given({}, { blocked: [1] });
    expect(run(state, { type: 'BlockSeats', seats: ['A-1-1', 'A-1-2'], blocked: true })).toEqual([
      { type: 'SeatsBlocked', seats: [0], blocked: true },
    ]);
    expect(seatCounts(state)).toEqual({ available: 34, held: 0, sold: 0, blocked: 2, staffHeld: 0 });
  });

  it('given blocked and free seats, when unblocking, then only blocked seats change', () => {
    const state = given({}, { blocked: [1] });
    expect(run(state, { type: 'BlockSeats', seats: ['A-1-1', 'A-1-2'], blocked: false })).toEqual([
      { type: 'SeatsBlocked', seats: [1], blocked: false },
    ]);
    expect(run(state, { type: 'BlockSeats', seats: ['A-1-1'], blocked: false })).toEqual([]);
    expect(seatCounts(state).available).toBe(36);
  });

  it('given held or sold seats, when blocking, then conflict with exactly those seats', () => {
    const state = given({}, { orders: [{ orderId: 'o1', userId: 'u9', seats: [2], areas: {}, total: 0 }] });
    hold(state, 'u1', 'h1', ['A-1-1']);
    expect(rejected(state, { type: 'BlockSeats', seats: ['A-1-1', 'A-1-2', 'A-1-3'], blocked: true })).toMatchObject({
      code: 'conflict',
      seats: ['A-1-1', 'A-1-3'],
    });
  });

  it('given unknown ids, then not_found with them', () => {
    expect(rejected(given(), { type: 'BlockSeats', seats: ['A-1-1', 'Q'], blocked: true })).toMatchObject({
      code: 'not_found',
      seats: ['Q'],
    });
  });

  it('given an empty or duplicated list, then bad_request', () => {
    expect(rejected(given(), { type: 'BlockSeats', seats: [], blocked: true }).code).toBe('bad_request');
    expect(rejected(given(), { type: 'BlockSeats', seats: ['A-1-1', 'A-1-1'], blocked: true }).code).toBe('bad_request');
  });

  it('given a blocked seat, then it cannot be held', () => {
    const state = given();
    run(state, { type: 'BlockSeats', seats: ['A-1-1'], blocked: true });
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] }).code).toBe('seat_unavailable');
  });
});

describe('createState', () => {
  it('given blocked seats, orders and holds, then they are all applied with their counts', () => {
    const state = given(
      {},
      {
        blocked: [3, 4],
        orders: [{ orderId: 'o1', userId: 'u1', seats: [4, 5], areas: { floor: 2 }, total: 7000 }],
        holds: [
          { holdId: 'h1', userId: 'u1', seats: [6], areas: { floor: 1 }, createdAt: now - 10, expiresAt: now + 50, extensions: 2 },
          { holdId: 'h2', userId: 'u2', seats: [7], areas: {}, createdAt: now - 10, expiresAt: now + 20, extensions: 0 },
        ],
      },
    );
    // Seat 4 is both sold and blocked in the store: sold wins.
    expect(Array.from(state.status.subarray(3, 8))).toEqual([
      SeatStatus.Blocked, SeatStatus.Sold, SeatStatus.Sold, SeatStatus.Held, SeatStatus.Held,
    ]);
    expect(seatCounts(state)).toEqual({ available: 31, held: 2, sold: 2, blocked: 1, staffHeld: 0 });
    expect(areaAvailability(state)).toEqual({ floor: 2 });
    expect(userCount(state, 'u1')).toBe(2 + 2 + 1 + 1);
    expect(getHold(state, 'h1')?.extensions).toBe(2);
    expect(nextExpiry(state)).toBe(now + 20);
    // Two extensions were restored: one more is allowed, then the fourth is refused.
    run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' });
    expect(rejected(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }).code).toBe('limit_exceeded');
  });

  it('given a replicated hold whose seat was sold meanwhile, then that hold is dropped', () => {
    const state = given(
      {},
      {
        orders: [{ orderId: 'o1', userId: 'u1', seats: [6], areas: {}, total: 2500 }],
        holds: [
          { holdId: 'h1', userId: 'u1', seats: [6, 7], areas: {}, createdAt: now, expiresAt: now + 1, extensions: 0 },
          { holdId: 'h2', userId: 'u2', seats: [], areas: { floor: 6 }, createdAt: now, expiresAt: now + 1, extensions: 0 },
        ],
      },
    );
    expect(state.holds.size).toBe(0);
    expect(seatCounts(state)).toEqual({ available: 35, held: 0, sold: 1, blocked: 0, staffHeld: 0 });
    expect(userCount(state, 'u1')).toBe(1);
  });

  it('given an order selling a seat twice, then it refuses to start', () => {
    expect(() =>
      createState({
        definition: expandDefinition(testDefinition()),
        sales: 'open',
        blocked: [],
        orders: [
          { orderId: 'o1', userId: 'u1', seats: [1], areas: {}, total: 0 },
          { orderId: 'o2', userId: 'u2', seats: [1], areas: {}, total: 0 },
        ],
        holds: [],
      }),
    ).toThrow(/sold twice/);
  });
});

describe('salesStatus', () => {
  const opens = now + 1000;
  const closes = now + 5000;
  const state = given({ salesOpenAt: new Date(opens).toISOString(), salesCloseAt: new Date(closes).toISOString() });

  it('given now outside the sales window, then closed', () => {
    expect(salesStatus(state, opens - 1)).toBe('closed');
    expect(salesStatus(state, closes + 1)).toBe('closed');
  });

  it('given now inside the window, then on_sale', () => {
    expect(salesStatus(state, opens)).toBe('on_sale');
    expect(salesStatus(state, closes)).toBe('on_sale');
  });

  it('given no seat and no place available (some only held), then sold_out', () => {
    const small = given({
      sections: [{ id: 'A', category: 'std', rows: 1, seatsPerRow: 2 }],
      areas: [{ id: 'floor', name: 'Floor', capacity: 1, category: 'std' }],
    });
    hold(small, 'u1', 'h1', ['A-1-1', 'A-1-2']);
    expect(salesStatus(small, now)).toBe('on_sale');
    run(small, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 1 });
    expect(salesStatus(small, now)).toBe('sold_out');
  });
});
