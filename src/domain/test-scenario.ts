// Test support for the domain's given/when/then tests (not part of the public API): a small event, a
// fixed clock, and helpers that run commands and compare the state before and after a rejection.
import { expect } from 'vitest';
import { expandDefinition } from './definition';
import type { EventDefinitionInput } from './definition';
import { createState, decide, handle } from './event-state';
import type { EventState } from './event-state';
import type { Command, DomainEvent, Rejection } from './commands';
import type { EventRestore } from './event-restore';
/** The fixed clock of every domain test. */
export const now = 1_700_000_000_000;

/**
 * Section A: vip, 2 rows × 6 (row 1 accessible); section B: std, 3 rows × 8; area `floor`: 5 places.
 * Hold TTL 600 s, at most 6 seats and places per user.
 */
export function testDefinition(overrides: Partial<EventDefinitionInput> = {}): EventDefinitionInput {
  return {
    id: 'concert',
    name: 'Concert',
    startsAt: '2030-01-01T20:00:00Z',
    holdTtlSeconds: 600,
    maxSeatsPerUser: 6,
    categories: [
      { id: 'std', name: 'Standard', price: 1000 },
      { id: 'vip', name: 'VIP', price: 2500 },
    ],
    sections: [
      { id: 'A', category: 'vip', rows: 2, seatsPerRow: 6, accessibleRows: [1] },
      { id: 'B', category: 'std', rows: 3, seatsPerRow: 8 },
    ],
    areas: [{ id: 'floor', name: 'Floor', capacity: 5, category: 'std' }],
    ...overrides,
  };
}

/** A fresh state of `testDefinition(overrides)` with sales open. */
export function given(overrides: Partial<EventDefinitionInput> = {}, restore: Partial<EventRestore> = {}): EventState {
  return createState({
    definition: expandDefinition(testDefinition(overrides)),
    sales: 'open',
    blocked: [],
    orders: [],
    holds: [],
    ...restore,
  });
}

/** Runs a command that must succeed and returns its events. */
export function run(state: EventState, command: Command, at = now): DomainEvent[] {
  const decision = handle(state, command, at);
  if (!decision.ok) throw new Error(`expected ${command.type} to succeed: ${JSON.stringify(decision.rejection)}`);
  return decision.events;
}

/** Runs a command that must be rejected, checks it changed nothing, and returns the rejection. */
export function rejected(state: EventState, command: Command, at = now): Rejection {
  const before = fingerprint(state);
  const decision = handle(state, command, at);
  if (decision.ok) throw new Error(`expected ${command.type} to be rejected: ${JSON.stringify(decision.events)}`);
  expect(fingerprint(state)).toBe(before);
  return decision.rejection;
}

/** Seat indexes of seat ids. */
export function indexes(state: EventState, ids: string[]): number[] {
  return ids.map((id) => state.layout.seatIndex(id));
}

/** Holds `seats` for `userId` as a new hold `holdId`. */
export function hold(state: EventState, userId: string, holdId: string, seats: string[], at = now): DomainEvent[] {
  return run(state, { type: 'HoldSeats', userId, newHoldId: holdId, seats }, at);
}

/** Everything observable about a state, as one string (cheap enough for small test events). */
export function fingerprint(state: EventState): string {
  const holds = [...state.holds.values()]
    .map((h) => [h.holdId, h.userId, h.seats, [...h.areas], h.createdAt, h.expiresAt, h.extensions, h.orderId, h.total, h.staffNote])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return JSON.stringify([
    Array.from(state.status),
    Array.from(state.seatHold),
    holds,
    Array.from(state.areaAvailable),
    [...state.userCounts].sort(),
    [...state.holdsPerUser].sort(),
    [...state.orders.keys()].sort(),
    state.sales,
    Array.from(state.statusCounts),
    Array.from(state.rowAvailable),
    state.staffHeldSeats,
    state.staffHolds,
  ]);
}
