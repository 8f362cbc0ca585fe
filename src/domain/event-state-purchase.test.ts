// Given/when/then tests of buying: StartPurchase, ConfirmPurchase, FailPurchase, CancelOrder.
import { describe, expect, it } from 'vitest';
import { getHold, nextExpiry, seatCounts, userCount } from './event-state';
import type { EventState } from './event-state';
import { given, hold, indexes, now, rejected, run } from './test-scenario';
import { SeatStatus } from './types';

const TTL = 600_000;

/** u1 holds A-1-1 (vip 2500), B-1-1 (std 1000) and 2 floor places (std 1000 each) in h1. */
function withHold(): EventState {
  const state = given();
  hold(state, 'u1', 'h1', ['A-1-1', 'B-1-1']);
  run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 2 });
  return state;
}

function pending(): EventState {
  const state = withHold();
  run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
  return state;
}

describe('StartPurchase', () => {
  it('given a live hold, when buying, then PurchaseStarted with the priced total and the hold is frozen', () => {
    const state = withHold();
    expect(run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' })).toEqual([
      {
        type: 'PurchaseStarted', holdId: 'h1', userId: 'u1', orderId: 'o1',
        seats: indexes(state, ['A-1-1', 'B-1-1']), areas: { floor: 2 }, total: 2500 + 1000 + 2 * 1000,
        pricing: {
          items: [
            { seatId: 'A-1-1', count: 1, category: 'vip', tier: null, price: 2500, fee: 0 },
            { seatId: 'B-1-1', count: 1, category: 'std', tier: null, price: 1000, fee: 0 },
            { areaId: 'floor', count: 2, category: 'std', tier: null, price: 1000, fee: 0 },
          ],
          fees: 0,
          total: 5500,
        },
      },
    ]);
    expect(state.status[0]).toBe(SeatStatus.Held);
    expect(nextExpiry(state)).toBeUndefined();
  });

  it('given an unknown hold or another user hold, then hold_not_found', () => {
    const state = withHold();
    expect(rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h9', orderId: 'o1' }).code).toBe('hold_not_found');
    expect(rejected(state, { type: 'StartPurchase', userId: 'u2', holdId: 'h1', orderId: 'o1' }).code).toBe('hold_not_found');
  });

  it('given a hold past its expiry that ExpireHolds has not swept yet, then hold_expired', () => {
    expect(
      rejected(withHold(), { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' }, now + TTL).code,
    ).toBe('hold_expired');
  });

  it('given a pending hold, then conflict', () => {
    expect(rejected(pending(), { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o2' }).code).toBe('conflict');
  });

  it('given sales paused or closed, then sales_closed', () => {
    const state = withHold();
    run(state, { type: 'SetSales', open: false });
    expect(rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' }).code).toBe('sales_closed');
    const late = given({ salesCloseAt: new Date(now + 1000).toISOString() });
    hold(late, 'u1', 'h1', ['A-1-1']);
    expect(rejected(late, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' }, now + 1001).code).toBe('sales_closed');
  });

  it('given an order id already confirmed, then conflict', () => {
    const state = pending();
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    hold(state, 'u2', 'h2', ['B-2-1']);
    expect(rejected(state, { type: 'StartPurchase', userId: 'u2', holdId: 'h2', orderId: 'o1' }).code).toBe('conflict');
  });
});

describe('ConfirmPurchase', () => {
  it('given a pending hold, when confirmed, then its seats are sold, the hold is gone and the order is recorded', () => {
    const state = pending();
    expect(run(state, { type: 'ConfirmPurchase', holdId: 'h1' })).toEqual([
      {
        type: 'OrderConfirmed', orderId: 'o1', holdId: 'h1', userId: 'u1',
        seats: indexes(state, ['A-1-1', 'B-1-1']), areas: { floor: 2 }, total: 5500,
      },
    ]);
    expect(seatCounts(state)).toEqual({ available: 34, held: 0, sold: 2, blocked: 0, staffHeld: 0 });
    expect(state.holds.size).toBe(0);
    expect(state.seatHold[0]).toBe(-1);
    expect(state.orders.get('o1')).toEqual({
      orderId: 'o1', userId: 'u1', seats: indexes(state, ['A-1-1', 'B-1-1']), areas: { floor: 2 }, total: 5500,
    });
    // What was held is now bought: the places stay taken and the user's count stays.
    expect(state.areaAvailable[0]).toBe(3);
    expect(userCount(state, 'u1')).toBe(4);
  });

  it('given a sold seat, then nobody can hold it', () => {
    const state = pending();
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    expect(rejected(state, { type: 'HoldSeats', userId: 'u2', newHoldId: 'h2', seats: ['A-1-1'] }).code).toBe('seat_unavailable');
  });
});

describe('FailPurchase', () => {
  it('given a pending hold, when the purchase fails, then the hold is held again with its old expiry', () => {
    const state = pending();
    expect(run(state, { type: 'FailPurchase', holdId: 'h1' })).toEqual([{ type: 'PurchaseFailed', holdId: 'h1', orderId: 'o1' }]);
    expect(state.holds.get('h1')?.orderId).toBeNull();
    expect(getHold(state, 'h1')?.expiresAt).toBe(now + TTL);
    expect(nextExpiry(state)).toBe(now + TTL);
    run(state, { type: 'ExtendHold', userId: 'u1', holdId: 'h1' }, now + 1000);
  });

  it('given the old expiry already passed, then the next ExpireHolds expires it', () => {
    const state = pending();
    run(state, { type: 'FailPurchase', holdId: 'h1' }, now + 2 * TTL);
    const [event] = run(state, { type: 'ExpireHolds' }, now + 2 * TTL);
    expect(event).toMatchObject({ type: 'SeatsReleased', holdId: 'h1', reason: 'expired', holdEnded: true });
    expect(state.holds.size).toBe(0);
    expect(userCount(state, 'u1')).toBe(0);
  });
});

describe.each(['ConfirmPurchase', 'FailPurchase'] as const)('%s', (type) => {
  it('given an unknown hold, then hold_not_found; a hold not pending, then conflict', () => {
    const state = withHold();
    expect(rejected(state, { type, holdId: 'h9' }).code).toBe('hold_not_found');
    expect(rejected(state, { type, holdId: 'h1' }).code).toBe('conflict');
  });
});

describe('CancelOrder', () => {
  it('given a confirmed order, when cancelled, then its seats and places are available and the user count drops', () => {
    const state = pending();
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    expect(run(state, { type: 'CancelOrder', orderId: 'o1' })).toEqual([
      { type: 'OrderCancelled', orderId: 'o1', userId: 'u1', seats: indexes(state, ['A-1-1', 'B-1-1']), areas: { floor: 2 } },
    ]);
    expect(seatCounts(state)).toEqual({ available: 36, held: 0, sold: 0, blocked: 0, staffHeld: 0 });
    expect(state.areaAvailable[0]).toBe(5);
    expect(userCount(state, 'u1')).toBe(0);
    expect(state.orders.size).toBe(0);
    hold(state, 'u2', 'h2', ['A-1-1']);
  });

  it('given an unknown order, then not_found', () => {
    expect(rejected(given(), { type: 'CancelOrder', orderId: 'o9' }).code).toBe('not_found');
  });
});
