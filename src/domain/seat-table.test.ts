import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandDefinition } from './definition';
import { EventLayout } from './layout';
import { SeatTable } from './seat-table';
import { testDefinition } from './test-scenario';
import type { Category, SeatDefinition } from './types';

const categories: Category[] = [
  { id: 'std', name: 'Standard', price: 1000 },
  { id: 'vip', name: 'VIP', price: 2500 },
];

/** Explicit seats with ids of any allowed text (no controls), rows shared between sections. */
const explicitSeats: fc.Arbitrary<SeatDefinition[]> = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((id) => !/[\u0000-\u001f\u007f]/.test(id)), { maxLength: 80 })
  .chain((ids) =>
    fc.tuple(
      ...ids.map((id) =>
        fc.record({
          id: fc.constant(id),
          section: fc.constantFrom('A', 'B', 'Ω'),
          row: fc.constantFrom('1', '2', 'AA', ''),
          number: fc.double({ noNaN: true, noDefaultInfinity: true }),
          x: fc.double({ noNaN: true, noDefaultInfinity: true }),
          y: fc.integer({ min: -5, max: 5 }),
          category: fc.constantFrom('std', 'vip'),
          accessible: fc.boolean(),
          companion: fc.constantFrom(true, undefined),
        }, { requiredKeys: ['id', 'section', 'row', 'number', 'x', 'y', 'category', 'accessible'] }),
      ),
    ),
  );

function seatsOf(table: SeatTable): SeatDefinition[] {
  return Array.from({ length: table.count }, (_, i) => table.seat(i, categories));
}

describe('SeatTable', () => {
  it('keeps every seat as given, through encode and decode, and finds each by id', () => {
    fc.assert(
      fc.property(explicitSeats, (seats) => {
        const table = SeatTable.fromSeats(seats, categories);
        const decoded = SeatTable.decode(table.encode());
        for (const t of [table, decoded]) {
          expect(seatsOf(t)).toEqual(seats);
          seats.forEach((seat, i) => expect(t.indexOf(seat.id)).toBe(i));
          expect(t.indexOf('\n')).toBe(-1);
        }
      }),
    );
  });

  it('tells ids apart that are prefixes of each other, and unknown ids', () => {
    const table = SeatTable.fromSeats(expandDefinition(testDefinition({ sections: [{ id: 's', category: 'std', rows: 2, seatsPerRow: 12 }] })).seats, categories);
    expect(table.indexOf('s-1-1')).toBe(0);
    expect(table.indexOf('s-1-10')).toBe(9);
    expect(table.indexOf('s-1-1 ')).toBe(-1);
    expect(table.indexOf('')).toBe(-1);
    expect(table.id(23)).toBe('s-2-12');
    expect(SeatTable.fromSeats([], categories).indexOf('a')).toBe(-1);
  });

  it('refuses bytes that are not a whole table', () => {
    const bytes = SeatTable.fromSeats(expandDefinition(testDefinition()).seats, categories).encode();
    expect(() => SeatTable.decode(bytes.subarray(0, bytes.length - 9))).toThrow(/truncated/);
    const foreign = bytes.slice();
    foreign[0] ^= 1;
    expect(() => SeatTable.decode(foreign)).toThrow(/not a seat table/);
    // Views at an odd offset are copied before their columns are read in place.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(SeatTable.decode(shifted.subarray(1)).count).toBe(36);
  });

  it('gives an EventLayout equal to the one of the definition', () => {
    const definition = expandDefinition(testDefinition());
    const fromDefinition = EventLayout.fromDefinition(definition);
    const { seats: _seats, ...header } = definition;
    const fromBytes = new EventLayout(header, SeatTable.decode(SeatTable.fromSeats(definition.seats, definition.categories).encode()));
    for (const key of ['seatCategory', 'seatPrice', 'seatSection', 'seatAccessible', 'seatCompanion', 'seatPosition', 'seatX', 'seatRow', 'rowStart', 'rowSeats', 'rowSection', 'rowCentre'] as const) {
      expect(Array.from(fromBytes[key]), key).toEqual(Array.from(fromDefinition[key]));
    }
    expect(fromBytes.sectionIds).toEqual(['A', 'B']);
  });
});
