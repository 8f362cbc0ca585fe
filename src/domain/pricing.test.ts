// Given/when/then tests of price tiers and fees: what StartPurchase charges, and what it refuses.
import { describe, expect, it } from 'vitest';
import { decideUpdate } from './decide-admin';
import { patchDefinition } from './event-patch';
import type { EventState } from './event-state';
import { given, hold, rejected, run } from './test-scenario';
import type { TierChoice } from './pricing';
import type { PurchaseStarted } from './commands';

/** std offers adult (1000), child (600, at most 2 per order) and concession (800); 150 fee; EUR. */
function tiered(): EventState {
  return given({
    feePerTicket: 150,
    currency: 'EUR',
    categories: [
      {
        id: 'std', name: 'Standard', price: 1000,
        tiers: [
          { id: 'adult', name: 'Adult', price: 1000 },
          { id: 'child', name: 'Child', price: 600, maxPerOrder: 2 },
          { id: 'concession', name: 'Concession', price: 800 },
        ],
      },
      { id: 'vip', name: 'VIP', price: 2500 },
    ],
  });
}

function started(state: EventState, tiers: TierChoice | undefined): PurchaseStarted {
  const [event] = run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', ...(tiers ? { tiers } : {}) });
  return event as PurchaseStarted;
}

describe('StartPurchase with tiers and fees', () => {
  it('given tiers per seat and per place, then the total is tier prices plus a fee per ticket, in the event currency', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['A-1-1', 'B-1-1', 'B-1-2']);
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 3 });
    const event = started(state, { seats: { 'B-1-1': 'child', 'B-1-2': 'concession' }, areas: { floor: { child: 1, adult: 1 } } });
    // vip 2500 (no tier) + child 600 + concession 800 + floor: child 600, adult 1000, one at std 1000; 6 × 150 fee.
    expect(event.total).toBe(2500 + 600 + 800 + 600 + 1000 + 1000 + 6 * 150);
    expect(event.pricing).toEqual({
      items: [
        { seatId: 'A-1-1', count: 1, category: 'vip', tier: null, price: 2500, fee: 150 },
        { seatId: 'B-1-1', count: 1, category: 'std', tier: 'child', price: 600, fee: 150 },
        { seatId: 'B-1-2', count: 1, category: 'std', tier: 'concession', price: 800, fee: 150 },
        { areaId: 'floor', count: 1, category: 'std', tier: 'child', price: 600, fee: 150 },
        { areaId: 'floor', count: 1, category: 'std', tier: 'adult', price: 1000, fee: 150 },
        { areaId: 'floor', count: 1, category: 'std', tier: null, price: 1000, fee: 150 },
      ],
      fees: 900,
      total: event.total,
      currency: 'EUR',
    });
    expect(state.holds.get('h1')?.total).toBe(event.total);
  });

  it('given no tiers named, then every ticket costs its category price plus the fee (as before tiers)', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['A-1-1', 'B-1-1']);
    expect(started(state, undefined).total).toBe(2500 + 1000 + 2 * 150);
  });

  it('given a tier the category does not offer, then not_found naming it and nothing changes', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['A-1-1', 'B-1-1']);
    const unknown = rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', tiers: { seats: { 'B-1-1': 'senior' } } });
    expect(unknown).toMatchObject({ code: 'not_found', message: expect.stringContaining("no tier 'senior'") });
    // vip has no tiers at all.
    expect(rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', tiers: { seats: { 'A-1-1': 'adult' } } }).code).toBe('not_found');
    expect(state.holds.get('h1')?.orderId).toBeNull();
  });

  it('given more tickets of a tier than its per-order limit, then limit_exceeded and nothing changes', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['B-1-1', 'B-1-2']);
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 1 });
    const tiers = { seats: { 'B-1-1': 'child', 'B-1-2': 'child' }, areas: { floor: { child: 1 } } };
    expect(rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', tiers }).code).toBe('limit_exceeded');
    // Two children are within the limit.
    expect(started(state, { seats: { 'B-1-1': 'child', 'B-1-2': 'child' } }).total).toBe(600 + 600 + 1000 + 3 * 150);
  });

  it('given tiers for seats or areas not in the hold, or more places than held, then bad_request', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'x', holdId: 'h1', areaId: 'floor', count: 1 });
    const buy = (tiers: TierChoice): string => rejected(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', tiers }).code;
    expect(buy({ seats: { 'B-2-1': 'adult' } })).toBe('bad_request');
    expect(buy({ areas: { floor: { adult: 2 } } })).toBe('bad_request');
  });
});

describe('tier prices are fixed once the category has sold', () => {
  it('given an order in std, when a tier price changes, then conflict; another category may still change', () => {
    const state = tiered();
    hold(state, 'u1', 'h1', ['B-1-1']);
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1', tiers: { seats: { 'B-1-1': 'child' } } });
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    const definition = state.layout.definition;
    const tierChange = patchDefinition(definition, {
      categories: [{ id: 'std', tiers: [{ id: 'adult', name: 'Adult', price: 1000 }, { id: 'child', name: 'Child', price: 500 }] }],
    });
    const decision = decideUpdate(state, { type: 'UpdateEvent', definition: tierChange });
    expect(decision.ok ? null : decision.rejection.code).toBe('conflict');
    const vip = patchDefinition(definition, { categories: [{ id: 'vip', tiers: [{ id: 'adult', name: 'Adult', price: 2000 }] }] });
    expect(decideUpdate(state, { type: 'UpdateEvent', definition: vip }).ok).toBe(true);
  });

  it('the fee may change after sales: orders keep the pricing they were confirmed with', () => {
    const state = tiered();
    expect(patchDefinition(state.layout.definition, { feePerTicket: 0 }).feePerTicket).toBeUndefined();
    expect(patchDefinition(state.layout.definition, { feePerTicket: 99 }).feePerTicket).toBe(99);
  });
});
