import { describe, expect, it } from 'vitest';
import { heldBackSeats, holdBackActive } from './accessible-hold-back';
import { findBestSeats } from './best-available';
import type { BestFilter } from './best-available';
import { expandDefinition } from './definition';
import type { EventDefinitionInput } from './definition';
import { EventLayout } from './layout';
import { SeatStatus } from './types';

const startsAt = '2030-01-01T20:00:00Z';
const start = Date.parse(startsAt);

/**
 * Section S, 3 rows × 6: row 1 has accessible seats 3 and 4 with companion seats 2 and 5 beside them;
 * rows 2 and 3 are general. Held back until 24 hours before the start.
 */
function venue(overrides: Partial<EventDefinitionInput> = {}): EventLayout {
  const seats = [];
  for (let row = 1; row <= 3; row++) {
    for (let number = 1; number <= 6; number++) {
      seats.push({
        id: `S-${row}-${number}`,
        section: 'S',
        row,
        number,
        x: number,
        y: row,
        category: 'std',
        accessible: row === 1 && (number === 3 || number === 4),
        companion: row === 1 && (number === 2 || number === 5),
      });
    }
  }
  return EventLayout.fromDefinition(
    expandDefinition({
      id: 'gala',
      name: 'Gala',
      startsAt,
      categories: [{ id: 'std', name: 'Standard', price: 1 }],
      seats,
      accessibleHoldBack: { hoursBeforeStart: 24 },
      ...overrides,
    }),
  );
}

const during = start - 48 * 3_600_000;
const after = start - 12 * 3_600_000;

function ids(layout: EventLayout, seats: readonly number[] | undefined): string[] | undefined {
  return seats?.map((seat) => layout.seatId(seat));
}

function best(layout: EventLayout, status: Uint8Array, filter: Partial<BestFilter>): string[] | undefined {
  const rowAvailable = new Int32Array(layout.rowCount);
  for (let r = 0; r < layout.rowCount; r++) {
    for (let p = layout.rowStart[r]; p < layout.rowStart[r + 1]; p++) {
      if (status[layout.rowSeats[p]] === SeatStatus.Available) rowAvailable[r]++;
    }
  }
  return ids(layout, findBestSeats(layout, status, rowAvailable, { count: 1, category: -1, section: -1, accessible: -1, ...filter }));
}

describe('accessible hold-back', () => {
  it('given hoursBeforeStart, then it is on until that many hours before the start, and off after', () => {
    const layout = venue();
    expect(holdBackActive(layout, during)).toBe(true);
    expect(holdBackActive(layout, start - 24 * 3_600_000)).toBe(false);
    expect(holdBackActive(layout, after)).toBe(false);
    expect(holdBackActive(venue({ accessibleHoldBack: { until: '2029-12-30T00:00:00Z' } }), Date.parse('2029-12-29T23:59:59Z'))).toBe(true);
    expect(holdBackActive(venue({ accessibleHoldBack: undefined }), during)).toBe(false);
  });

  it('given the hold-back, when a manual hold takes a companion seat without an accessible one, then that seat is refused', () => {
    const layout = venue();
    const seat = (id: string): number => layout.seatIndex(id);
    expect(ids(layout, heldBackSeats(layout, during, [seat('S-1-1'), seat('S-1-2')], []))).toEqual(['S-1-2']);
    expect(heldBackSeats(layout, during, [seat('S-1-2'), seat('S-1-3')], [])).toEqual([]);
    // Adding a companion to a hold that already has the accessible seat is asking for it.
    expect(heldBackSeats(layout, during, [seat('S-1-2')], [seat('S-1-3')])).toEqual([]);
    expect(heldBackSeats(layout, after, [seat('S-1-2')], [])).toEqual([]);
  });

  it('given the hold-back, when best-available does not ask for accessible seats, then it never returns them or companions', () => {
    const layout = venue();
    const status = new Uint8Array(layout.seatCount);
    // Rows 2 and 3 full: only row 1 is left, whose middle four seats are held back.
    for (let i = 0; i < layout.seatCount; i++) if (layout.seatRow[i] > 0) status[i] = SeatStatus.Sold;
    expect(best(layout, status, { count: 2, holdBack: true })).toEqual(['S-1-1', 'S-1-6']);
    expect(best(layout, status, { count: 3, holdBack: true })).toBeUndefined();
    expect(best(layout, status, { count: 3, holdBack: true, accessible: 0 })).toBeUndefined();
    // After the hold-back they are general seats again.
    expect(best(layout, status, { count: 3 })).toEqual(['S-1-1', 'S-1-2', 'S-1-3']);
  });

  it('given a party of three asking for accessible seats, then it gets an accessible seat with companions beside it', () => {
    const layout = venue();
    const status = new Uint8Array(layout.seatCount);
    const seats = best(layout, status, { count: 3, accessible: 1, holdBack: true })!;
    expect(seats).toHaveLength(3);
    expect(seats.some((id) => layout.seatAccessible[layout.seatIndex(id)] === 1)).toBe(true);
    expect(seats.every((id) => ['S-1-2', 'S-1-3', 'S-1-4', 'S-1-5'].includes(id))).toBe(true);
    // Only companion seats left: no accessible seat, so nothing.
    status[layout.seatIndex('S-1-3')] = SeatStatus.Sold;
    status[layout.seatIndex('S-1-4')] = SeatStatus.Sold;
    expect(best(layout, status, { count: 1, accessible: 1, holdBack: true })).toBeUndefined();
  });

  it('given a hold in a row, when adding seats with near, then the block touches the hold', () => {
    const layout = venue({ accessibleHoldBack: undefined });
    const status = new Uint8Array(layout.seatCount);
    const mine = [layout.seatIndex('S-3-1'), layout.seatIndex('S-3-2')];
    for (const seat of mine) status[seat] = SeatStatus.Held;
    expect(best(layout, status, { count: 2, near: mine })).toEqual(['S-3-3', 'S-3-4']);
  });
});
