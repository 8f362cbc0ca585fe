// The venue's rules and the customer's way back to a hold, decided by the core: hold keys, the
// orphan-seat rule (`orphans: "block"`), the accessible hold-back, and the user's list of holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSingle } from './orphan-rule';
import { createState, decide, getHold, handle, recallHold, userHolds } from './event-state';
import type { EventState } from './event-state';
import { expandDefinition } from './definition';
import { given, hold, now, rejected, run } from './test-scenario';
import type { SeatDefinition } from './types';
import type { HoldSeats } from './commands';
import { SeatStatus } from './types';

describe('hold keys', () => {
  it('given a hold made with a key, when the same request comes again, then it is recalled, not held again', () => {
    const state = given();
    run(state, { type: 'HoldSeats', userId: 'u', newHoldId: 'h1', holdKey: 'k', seats: ['B-1-1', 'B-1-2'] });
    const again: HoldSeats = { type: 'HoldSeats', userId: 'u', newHoldId: 'h2', holdKey: 'k', seats: ['B-1-2', 'B-1-1'] };
    expect(recallHold(state, again, now)).toEqual({ holdId: 'h1' });
    // Reaching decide anyway never takes more seats.
    expect(rejected(state, again).code).toBe('conflict');
    expect(state.holds.size).toBe(1);
  });

  it('given a used key, when another request uses it, then conflict; another user may use the same key', () => {
    const state = given();
    run(state, { type: 'HoldSeats', userId: 'u', newHoldId: 'h1', holdKey: 'k', seats: ['B-1-1'] });
    const other: HoldSeats = { type: 'HoldSeats', userId: 'u', newHoldId: 'h2', holdKey: 'k', seats: ['B-1-3'] };
    expect(recallHold(state, other, now)).toMatchObject({ code: 'conflict' });
    const stranger: HoldSeats = { type: 'HoldSeats', userId: 'v', newHoldId: 'h3', holdKey: 'k', seats: ['B-1-1'] };
    expect(recallHold(state, stranger, now)).toBeUndefined();
  });

  it('given a keyed hold, when it is released, then its key is forgotten and may name a new hold', () => {
    const state = given();
    const command: HoldSeats = { type: 'HoldSeats', userId: 'u', newHoldId: 'h1', holdKey: 'k', seats: ['B-1-1'] };
    run(state, command);
    run(state, { type: 'ReleaseHold', userId: 'u', holdId: 'h1' });
    expect(state.holdKeys.size).toBe(0);
    expect(recallHold(state, { ...command, newHoldId: 'h2' }, now)).toBeUndefined();
  });

  it('given a keyed hold past its expiry but not yet swept, then the key answers hold_expired', () => {
    const state = given();
    const command: HoldSeats = { type: 'HoldSeats', userId: 'u', newHoldId: 'h1', holdKey: 'k', seats: ['B-1-1'] };
    run(state, command);
    expect(recallHold(state, command, now + 600_000)).toMatchObject({ code: 'hold_expired' });
  });

  it('given a keyed hold, when it is restored from its snapshot, then the key still recalls it', () => {
    const state = given();
    const command: HoldSeats = { type: 'HoldSeats', userId: 'u', newHoldId: 'h1', holdKey: 'k', seats: ['B-1-1'] };
    run(state, command);
    const snapshot = getHold(state, 'h1')!;
    expect(snapshot.keys).toEqual([['k', expect.any(String)]]);
    const restored = createState({ definition: state.layout.definition, sales: 'open', blocked: [], orders: [], holds: [snapshot] });
    expect(recallHold(restored, command, now)).toEqual({ holdId: 'h1' });
  });

  it('given a bought hold of standing places still in the journal, when restored, then it is dropped and a live hold keeps its places', () => {
    const state = given();
    run(state, { type: 'HoldArea', userId: 'a', newHoldId: 'bought', areaId: 'floor', count: 2 });
    run(state, { type: 'HoldArea', userId: 'b', newHoldId: 'live', areaId: 'floor', count: 3 });
    const bought = getHold(state, 'bought')!;
    const live = getHold(state, 'live')!;
    // The owner died after the order committed but before the journal deleted the bought hold.
    const order = { orderId: 'o1', userId: 'a', holdId: 'bought', seats: [], areas: { floor: 2 }, total: 2000 };
    const restored = createState({ definition: state.layout.definition, sales: 'open', blocked: [], orders: [order], holds: [bought, live] });
    expect([...restored.holds.keys()]).toEqual(['live']);
    expect(restored.areaAvailable[0]).toBe(0);
  });
});

describe('userHolds', () => {
  it('lists the user\'s live holds, oldest first, without other users\' or expired ones', () => {
    const state = given();
    hold(state, 'u', 'h1', ['B-1-1']);
    hold(state, 'v', 'h2', ['B-1-3']);
    hold(state, 'u', 'h3', ['B-2-1'], now + 1000);
    expect(userHolds(state, 'u', now + 2000).map((h) => h.holdId)).toEqual(['h1', 'h3']);
    expect(userHolds(state, 'u', now + 600_500).map((h) => h.holdId)).toEqual(['h3']);
  });
});

/** One section R of `rows` rows × `perRow` seats, orphans blocked. */
function rowsVenue(rows: number, perRow: number): EventState {
  return given({
    maxSeatsPerUser: 100,
    orphans: 'block',
    sections: [{ id: 'R', category: 'std', rows, seatsPerRow: perRow }],
    areas: [],
  });
}

/** Seat indexes that are single free seats now. */
function singles(state: EventState): Set<number> {
  const found = new Set<number>();
  const free = (seat: number): boolean => state.status[seat] === SeatStatus.Available;
  for (let p = 0; p < state.layout.seatCount; p++) if (isSingle(state.layout, p, free)) found.add(state.layout.rowSeats[p]);
  return found;
}

describe('orphans: "block"', () => {
  it('given a row of 6, when a pick leaves one seat at the row end, then orphan_seat names it', () => {
    const state = rowsVenue(1, 6);
    const rejection = rejected(state, { type: 'HoldSeats', userId: 'u', newHoldId: 'h', seats: ['R-1-1', 'R-1-2', 'R-1-3', 'R-1-4', 'R-1-5'] });
    expect(rejection).toMatchObject({ code: 'orphan_seat', seats: ['R-1-6'] });
    hold(state, 'u', 'h', ['R-1-1', 'R-1-2', 'R-1-3', 'R-1-4']);
  });

  it('given a held block of three, when its middle seat is released, then orphan_seat; the whole hold may go', () => {
    const state = rowsVenue(1, 6);
    hold(state, 'u', 'h', ['R-1-1', 'R-1-2', 'R-1-3']);
    expect(rejected(state, { type: 'ReleaseHold', userId: 'u', holdId: 'h', seats: ['R-1-2'] })).toMatchObject({ code: 'orphan_seat', seats: ['R-1-2'] });
    run(state, { type: 'ReleaseHold', userId: 'u', holdId: 'h' });
  });

  it('given orphans allowed (the default), then the same pick is held', () => {
    const state = given({ sections: [{ id: 'R', category: 'std', rows: 1, seatsPerRow: 6 }], areas: [] });
    hold(state, 'u', 'h', ['R-1-1', 'R-1-2', 'R-1-3', 'R-1-4', 'R-1-5']);
  });

  it('property: no accepted manual hold or partial release leaves a new single free seat', () => {
    fc.assert(
      fc.property(
        fc.record({ rows: fc.integer({ min: 1, max: 3 }), perRow: fc.integer({ min: 1, max: 9 }) }).chain(({ rows, perRow }) =>
          fc.record({
            rows: fc.constant(rows),
            perRow: fc.constant(perRow),
            steps: fc.array(
              fc.record({
                release: fc.boolean(),
                user: fc.constantFrom('a', 'b'),
                picks: fc.uniqueArray(fc.integer({ min: 0, max: rows * perRow - 1 }), { minLength: 1, maxLength: 4 }),
              }),
              { maxLength: 25 },
            ),
          }),
        ),
        ({ rows, perRow, steps }) => {
          const state = rowsVenue(rows, perRow);
          let next = 0;
          for (const step of steps) {
            const before = singles(state);
            const ids = step.picks.map((seat) => state.layout.seatId(seat));
            const mine = [...state.holds.values()].find((h) => h.userId === step.user);
            const decision = step.release && mine
              ? handle(state, { type: 'ReleaseHold', userId: step.user, holdId: mine.holdId, seats: ids.filter((id) => mine.seats.includes(state.layout.seatIndex(id))) }, now)
              : handle(state, { type: 'HoldSeats', userId: step.user, newHoldId: `h${next++}`, seats: ids }, now);
            if (!decision.ok) continue;
            const wholeRelease = decision.events.some((e) => e.type === 'SeatsReleased' && e.holdEnded);
            if (wholeRelease) continue; // letting go of a whole hold is always allowed
            for (const seat of singles(state)) expect(before.has(seat)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Row 1 of section S: seats 1–6, accessible 3 and 4, companions 2 and 5; rows 2–3 general. */
function accessibleVenue(): EventState {
  const seats: SeatDefinition[] = [];
  for (let row = 1; row <= 3; row++) {
    for (let number = 1; number <= 6; number++) {
      seats.push({
        id: `S-${row}-${number}`, section: 'S', row: String(row), number, x: number, y: row, category: 'std',
        accessible: row === 1 && (number === 3 || number === 4),
        ...(row === 1 && (number === 2 || number === 5) ? { companion: true } : {}),
      });
    }
  }
  const definition = expandDefinition({
    id: 'gala', name: 'Gala', startsAt: '2030-01-01T20:00:00Z', maxSeatsPerUser: 100,
    categories: [{ id: 'std', name: 'Standard', price: 1 }],
    seats: seats.map((s) => ({ ...s })),
    accessibleHoldBack: { until: new Date(now + 3_600_000).toISOString() },
  });
  return createState({ definition, sales: 'open', blocked: [], orders: [], holds: [] });
}

describe('accessible hold-back', () => {
  it('given the hold-back, when a manual hold takes only a companion seat, then seat_unavailable names it', () => {
    const state = accessibleVenue();
    expect(rejected(state, { type: 'HoldSeats', userId: 'u', newHoldId: 'h', seats: ['S-1-1', 'S-1-2'] })).toMatchObject({
      code: 'seat_unavailable',
      seats: ['S-1-2'],
    });
    hold(state, 'u', 'h', ['S-1-2', 'S-1-3']);
  });

  it('given the hold-back is over, then companion and accessible seats are general seats', () => {
    const state = accessibleVenue();
    hold(state, 'u', 'h', ['S-1-1', 'S-1-2'], now + 3_600_000);
  });

  it('property: before the hold-back ends, no hold gets accessible or companion seats without asking', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('seats' as const), picks: fc.uniqueArray(fc.integer({ min: 0, max: 17 }), { minLength: 1, maxLength: 4 }) }),
            fc.record({ kind: fc.constant('best' as const), count: fc.integer({ min: 1, max: 4 }), accessible: fc.option(fc.boolean(), { nil: undefined }) }),
          ),
          { maxLength: 20 },
        ),
        (steps) => {
          const state = accessibleVenue();
          const { layout } = state;
          const reserved = (seat: number): boolean => layout.seatAccessible[seat] === 1 || layout.seatCompanion[seat] === 1;
          steps.forEach((step, i) => {
            const command =
              step.kind === 'seats'
                ? { type: 'HoldSeats' as const, userId: 'u', newHoldId: `h${i}`, seats: step.picks.map((s) => layout.seatId(s)) }
                : { type: 'HoldBest' as const, userId: 'u', newHoldId: `h${i}`, best: { count: step.count, accessible: step.accessible } };
            const decision = decide(state, command, now);
            if (!decision.ok) return;
            handle(state, command, now);
            const got = getHold(state, `h${i}`)!.seats;
            const asked = step.kind === 'best' ? step.accessible === true : got.some((s) => layout.seatAccessible[s] === 1);
            if (!asked) expect(got.filter(reserved)).toEqual([]);
            if (got.some(reserved)) expect(got.some((s) => layout.seatAccessible[s] === 1)).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
