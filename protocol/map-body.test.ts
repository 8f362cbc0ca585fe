import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compactMap, expandCompactMap } from './map-body';
import type { MapBody, MapSeat } from './map-body';
import { SeatLayout } from './map-layout';

const categories = [
  { id: 'a', name: 'A', price: 100 },
  { id: 'b', name: 'B', price: 50 },
];

/** Both forms as a client receives them: through JSON. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A curved row, as generated sections are: hundredths from sin and cos. */
function arcRow(section: string, row: number, seats: number, radius: number): MapSeat[] {
  return Array.from({ length: seats }, (_, k) => {
    const angle = (k - seats / 2) / radius;
    return {
      id: `${section}-${row}-${k + 1}`,
      section,
      row: String(row),
      number: k + 1,
      x: Math.round(radius * Math.sin(angle) * 100) / 100,
      y: Math.round(radius * Math.cos(angle) * 100) / 100,
      category: 'a',
      accessible: row === 1,
    };
  });
}

const seatArbitrary = fc.record({
  patterned: fc.boolean(),
  id: fc.string({ minLength: 1, maxLength: 6 }),
  section: fc.constantFrom('A', 'B', 'x-y', 'x'),
  row: fc.constantFrom('1', '2', 'AA', 'y-1'),
  number: fc.integer({ min: -3, max: 30 }),
  x: fc.oneof(fc.integer({ min: -5000, max: 5000 }).map((q) => q / 100), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
  y: fc.integer({ min: -5000, max: 5000 }).map((q) => q / 100),
  category: fc.constantFrom('a', 'b'),
  accessible: fc.boolean(),
  companion: fc.boolean(),
});

describe('the compact map', () => {
  it('given curved rows of a bowl, then each row is one run and expands to exactly the v1 seats', () => {
    const seats = [...arcRow('101', 1, 40, 30), ...arcRow('101', 2, 40, 31), ...arcRow('102', 1, 25, 30)];
    const body: MapBody = { id: 'e', categories, seats, areas: [], stage: { x: 0, y: -10, width: 8, height: 3, label: 'Stage' } };
    const compact = wire(compactMap(body));
    // Row 1 of 101 is accessible, row 2 is not: three runs.
    expect(compact.runs.map((r) => [r.s, r.r, r.k])).toEqual([['101', '1', 40], ['101', '2', 40], ['102', '1', 25]]);
    expect(expandCompactMap(compact)).toEqual(wire(body));
  });

  it('given straight rows, then a run stores its first position and one step', () => {
    const seats = Array.from({ length: 100 }, (_, k): MapSeat => ({
      id: `s-1-${k + 1}`, section: 's', row: '1', number: k + 1, x: 3 + k * 1.25, y: 7, category: 'b', accessible: false,
    }));
    const compact = compactMap({ id: 'e', categories, seats, areas: [] });
    expect(compact.runs).toEqual([{ s: 's', r: '1', c: 1, n: 1, k: 100, x: [300, 125], y: [700] }]);
    expect(expandCompactMap(wire(compact)).seats).toEqual(seats);
  });

  it('given any seat list (own ids, repeated labels, raw floats), then compact expands to exactly the v1 seats', () => {
    fc.assert(
      fc.property(fc.array(seatArbitrary, { maxLength: 60 }), (drawn) => {
        const body = bodyOf(drawn);
        expect(expandCompactMap(wire(compactMap(body)))).toEqual(wire(body));
      }),
      { numRuns: 300 },
    );
  });
});

/** A v1 body of drawn seats: patterned ids or ids of their own, one standing area. */
function bodyOf(drawn: Array<typeof seatArbitrary extends fc.Arbitrary<infer T> ? T : never>): MapBody {
  const seats: MapSeat[] = drawn.map(({ patterned, id, companion, ...fields }, i) => ({
    id: patterned ? `${fields.section}-${fields.row}-${fields.number}` : `${id}#${i}`,
    ...fields,
    ...(companion && { companion: true as const }),
  }));
  return { id: 'e', categories, seats, areas: [{ id: 'f', name: 'F', capacity: 3, category: 'a' }] };
}

describe('the compact map laid out in typed arrays (SeatLayout)', () => {
  it('given any compact map, then every seat, id lookup and field agrees with the v1 seat list', () => {
    fc.assert(
      fc.property(fc.array(seatArbitrary, { maxLength: 80 }), (drawn) => {
        const compact = wire(compactMap(bodyOf(drawn)));
        const seats = expandCompactMap(compact).seats;
        const layout = new SeatLayout(compact);
        expect(layout.count).toBe(seats.length);
        seats.forEach((seat, i) => {
          expect(layout.seat(i)).toEqual(seat);
          expect(layout.number(i)).toBe(seat.number);
          expect([layout.x[i], layout.y[i]]).toEqual([seat.x, seat.y]);
          expect(categories[layout.category[i]].id).toBe(seat.category);
          expect([layout.accessible[i], layout.companion[i]]).toEqual([seat.accessible ? 1 : 0, seat.companion ? 1 : 0]);
          // Drawn lists may repeat an id: the lookup finds a seat with that id, and the seat itself when unique.
          expect(seats[layout.indexOf(seat.id)]?.id).toBe(seat.id);
          if (seats.filter((s) => s.id === seat.id).length === 1) expect(layout.indexOf(seat.id)).toBe(i);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('given ids that name no seat, then indexOf is -1', () => {
    const seats = Array.from({ length: 10 }, (_, k): MapSeat => ({
      id: `A-1-${k + 1}`, section: 'A', row: '1', number: k + 1, x: k, y: 0, category: 'a', accessible: false,
    }));
    const layout = new SeatLayout(wire(compactMap({ id: 'e', categories, seats, areas: [] })));
    expect(layout.indexOf('A-1-10')).toBe(9);
    for (const id of ['A-1-0', 'A-1-11', 'A-1-01', 'A-1-1.0', 'A-1-', 'A-2-1', 'B-1-1', 'A1-1', '', '-', 'A-1--1']) expect(layout.indexOf(id)).toBe(-1);
  });
});
