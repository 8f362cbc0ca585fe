import { describe, expect, it } from 'vitest';
import { expandDefinition } from './definition';
import type { SeatInput } from './definition';
import { EventLayout } from './layout';
import { testDefinition } from './test-scenario';

function rowIds(layout: EventLayout, rank: number): string[] {
  const ids: string[] = [];
  for (let p = layout.rowStart[rank]; p < layout.rowStart[rank + 1]; p++) ids.push(layout.seatId(layout.rowSeats[p]));
  return ids;
}

describe('EventLayout', () => {
  const layout = EventLayout.fromDefinition(expandDefinition(testDefinition()));

  it('given seat ids, then seatIndex finds their position in the definition and -1 for unknown ids', () => {
    expect(layout.seatCount).toBe(36);
    expect(layout.seatIndex('A-1-1')).toBe(0);
    expect(layout.seatIndex('B-1-1')).toBe(12);
    expect(layout.seatIndex('Z-9-9')).toBe(-1);
    expect(layout.seatId(13)).toBe('B-1-2');
  });

  it('given categories, then each seat carries its category index and price', () => {
    expect(layout.seatCategory[0]).toBe(layout.categoryIndex('vip'));
    expect(layout.seatPrice[0]).toBe(2500);
    expect(layout.seatCategory[12]).toBe(layout.categoryIndex('std'));
    expect(layout.seatPrice[12]).toBe(1000);
    expect(layout.categoryIndex('gold')).toBe(-1);
  });

  it('given areas, then areaIndex, capacity and price are known', () => {
    expect(layout.areaCount).toBe(1);
    expect(layout.areaIndex('floor')).toBe(0);
    expect(layout.areaIndex('balcony')).toBe(-1);
    expect(layout.areaCapacity[0]).toBe(5);
    expect(layout.areaPrice[0]).toBe(1000);
  });

  it('given sections, then section and accessible flags are per seat', () => {
    expect(layout.sectionIds).toEqual(['A', 'B']);
    expect(layout.seatSection[layout.seatIndex('B-2-3')]).toBe(layout.sectionIndex('B'));
    expect(layout.seatAccessible[layout.seatIndex('A-1-3')]).toBe(1);
    expect(layout.seatAccessible[layout.seatIndex('A-2-3')]).toBe(0);
  });

  it('given two sections, then rows rank front first and equal fronts keep definition order', () => {
    expect(layout.rowCount).toBe(5);
    expect([0, 1, 2, 3, 4].map((r) => rowIds(layout, r)[0])).toEqual(['A-1-1', 'B-1-1', 'A-2-1', 'B-2-1', 'B-3-1']);
    expect(layout.seatRow[layout.seatIndex('B-2-5')]).toBe(3);
    expect(layout.rowSection[1]).toBe(layout.sectionIndex('B'));
  });

  it('given a row, then its centre x is midway between its outermost seats', () => {
    expect(layout.rowCentre[0]).toBe(3.5);
    expect(layout.rowCentre[1]).toBe(9 + 3.5);
  });

  it('given explicit seats out of order, then each row is sorted by number and ranked by its smallest y', () => {
    const s = (id: string, row: string, number: number, x: number, y: number): SeatInput => ({
      id, section: 'S', row, number, x, y, category: 'std',
    });
    const explicit = EventLayout.fromDefinition(
      expandDefinition(
        testDefinition({
          sections: undefined,
          // Row "B" is curved: its middle seat is nearer the stage than row "A".
          seats: [s('a3', 'A', 3, 3, 5), s('a1', 'A', 1, 1, 5), s('a2', 'A', 2, 2, 5), s('b2', 'B', 2, 2, 4), s('b1', 'B', 1, 1, 6)],
        }),
      ),
    );
    expect(rowIds(explicit, 0)).toEqual(['b1', 'b2']);
    expect(rowIds(explicit, 1)).toEqual(['a1', 'a2', 'a3']);
    expect(explicit.rowCentre[1]).toBe(2);
  });

  it('given sales times, then they are parsed to epoch ms', () => {
    const timed = EventLayout.fromDefinition(expandDefinition(testDefinition({ salesOpenAt: '2030-01-01T00:00:00Z' })));
    expect(timed.salesOpenAt).toBe(Date.UTC(2030, 0, 1));
    expect(timed.salesCloseAt).toBeUndefined();
    expect(timed.holdTtlMs).toBe(600_000);
  });
});
