// Given/when/then tests of event edits (patchDefinition, UpdateEvent), drafts and force release.
import { describe, expect, it } from 'vitest';
import { DefinitionError } from './definition';
import { patchDefinition } from './event-patch';
import { getHold, salesStatus } from './event-state';
import type { EventDefinition } from './types';
import { given, hold, now, rejected, run } from './test-scenario';

describe('patchDefinition', () => {
  it('changes what the patch names and keeps the layout and fields it does not name', () => {
    const state = given({ salesCloseAt: '2029-12-31T00:00:00Z' });
    const before = state.layout.definition;
    const after = patchDefinition(before, {
      name: 'Moved',
      startsAt: '2030-02-01T20:00:00Z',
      salesCloseAt: null,
      holdTtlSeconds: 120,
      categories: [{ id: 'vip', price: 3000 }],
    });
    expect(after).toMatchObject({ name: 'Moved', startsAt: '2030-02-01T20:00:00Z', holdTtlSeconds: 120, maxSeatsPerUser: 6 });
    expect(after.salesCloseAt).toBeUndefined();
    expect(after.categories).toEqual([
      { id: 'std', name: 'Standard', price: 1000 },
      { id: 'vip', name: 'VIP', price: 3000 },
    ]);
    expect((after as EventDefinition).seats).toBe((before as EventDefinition).seats);
    expect(after.areas).toBe(before.areas);
    expect(before.name).toBe('Concert');
  });

  it('refuses an unknown category, a bad time and a window out of order, naming the field', () => {
    const d = given().layout.definition;
    const error = (patch: Parameters<typeof patchDefinition>[1]): string => {
      try {
        patchDefinition(d, patch);
      } catch (e) {
        if (e instanceof DefinitionError) return e.path;
        throw e;
      }
      throw new Error('expected a DefinitionError');
    };
    expect(error({ categories: [{ id: 'std' }, { id: 'gold', price: 1 }] })).toBe('categories[1].id');
    expect(error({ startsAt: 'tomorrow' })).toBe('startsAt');
    expect(error({ salesOpenAt: '2030-01-02T00:00:00Z', salesCloseAt: '2030-01-01T00:00:00Z' })).toBe('salesCloseAt');
  });
});

describe('UpdateEvent', () => {
  it('given holds, when the ttl, name and an unsold price change, then the holds stay as they were', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    const definition = patchDefinition(state.layout.definition, { name: 'New', holdTtlSeconds: 60, categories: [{ id: 'std', price: 900 }] });
    expect(run(state, { type: 'UpdateEvent', definition })).toEqual([{ type: 'EventUpdated', definition }]);
    expect(state.layout.definition.name).toBe('New');
    expect(getHold(state, 'h1')?.expiresAt).toBe(now + 600_000);
    hold(state, 'u2', 'h2', ['B-1-1']);
    expect(getHold(state, 'h2')?.expiresAt).toBe(now + 60_000);
    expect(state.layout.seatPrice[state.layout.seatIndex('B-1-1')]).toBe(900);
  });

  it('given a sold seat of a category, when its price changes, then conflict; other categories may change', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    // Being bought counts as sold: its total was computed at the old price.
    const vip = patchDefinition(state.layout.definition, { categories: [{ id: 'vip', price: 1 }] });
    expect(rejected(state, { type: 'UpdateEvent', definition: vip })).toMatchObject({ code: 'conflict' });
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    expect(rejected(state, { type: 'UpdateEvent', definition: vip }).message).toContain('vip');
    const std = patchDefinition(state.layout.definition, { categories: [{ id: 'std', price: 1 }, { id: 'vip', name: 'Gold' }] });
    expect(run(state, { type: 'UpdateEvent', definition: std })).toHaveLength(1);
  });

  it('given a sold area place, then its category price is fixed too', () => {
    const state = given();
    run(state, { type: 'HoldArea', userId: 'u1', newHoldId: 'h1', areaId: 'floor', count: 1 });
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    run(state, { type: 'ConfirmPurchase', holdId: 'h1' });
    const std = patchDefinition(state.layout.definition, { categories: [{ id: 'std', price: 5 }] });
    expect(rejected(state, { type: 'UpdateEvent', definition: std }).code).toBe('conflict');
  });

  it('given a draft, then nobody can hold; once published, holds are taken', () => {
    const state = given({}, {});
    const draft = patchDefinition(state.layout.definition, { draft: true });
    run(state, { type: 'UpdateEvent', definition: draft });
    expect(salesStatus(state, now)).toBe('draft');
    expect(rejected(state, { type: 'HoldSeats', userId: 'u1', newHoldId: 'h1', seats: ['A-1-1'] })).toMatchObject({ code: 'sales_closed' });
    run(state, { type: 'UpdateEvent', definition: patchDefinition(draft, { draft: false }) });
    expect(salesStatus(state, now)).toBe('on_sale');
    hold(state, 'u1', 'h1', ['A-1-1']);
  });
});

describe('ForceRelease', () => {
  it('given anybody\'s hold, when staff release it, then it is gone as revoked', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1', 'A-1-2']);
    expect(run(state, { type: 'ForceRelease', holdId: 'h1' })).toEqual([
      { type: 'SeatsReleased', holdId: 'h1', userId: 'u1', reason: 'revoked', seats: [0, 1], areas: {}, holdEnded: true },
    ]);
    expect(state.holds.size).toBe(0);
  });

  it('given a hold being bought or no hold, then conflict or hold_not_found', () => {
    const state = given();
    hold(state, 'u1', 'h1', ['A-1-1']);
    run(state, { type: 'StartPurchase', userId: 'u1', holdId: 'h1', orderId: 'o1' });
    expect(rejected(state, { type: 'ForceRelease', holdId: 'h1' }).code).toBe('conflict');
    expect(rejected(state, { type: 'ForceRelease', holdId: 'nope' }).code).toBe('hold_not_found');
  });
});
