import { describe, expect, it } from 'vitest';
import { DefinitionError, expandDefinition } from './definition';
import type { EventDefinitionInput, SectionInput } from './definition';
import { EventLayout } from './layout';

const base = (sections: SectionInput[], extra: Partial<EventDefinitionInput> = {}): EventDefinitionInput => ({
  id: 'geo',
  name: 'Geometry',
  startsAt: '2030-01-01T20:00:00Z',
  categories: [{ id: 'std', name: 'Standard', price: 100 }],
  sections,
  ...extra,
});

const section = (extra: Partial<SectionInput> = {}): SectionInput => ({ id: 'A', category: 'std', rows: 2, seatsPerRow: 3, ...extra });

function errorPath(input: EventDefinitionInput): string {
  try {
    expandDefinition(input);
  } catch (error) {
    if (error instanceof DefinitionError) return error.path;
    throw error;
  }
  throw new Error('expected a DefinitionError');
}

describe('placed sections', () => {
  it('given an origin and no rotation or curve, then rows are straight, centred on the origin and go back towards larger y', () => {
    const { seats } = expandDefinition(base([section({ origin: { x: 10, y: 5 }, seatPitch: 2, rowPitch: 1.5 })]));
    expect(seats.map((s) => [s.id, s.x, s.y])).toEqual([
      ['A-1-1', 8, 5], ['A-1-2', 10, 5], ['A-1-3', 12, 5],
      ['A-2-1', 8, 6.5], ['A-2-2', 10, 6.5], ['A-2-3', 12, 6.5],
    ]);
  });

  it('given a rotation of 90 degrees, then the section faces larger x and its rows go back towards smaller x', () => {
    const { seats } = expandDefinition(base([section({ origin: { x: 0, y: 0 }, rotation: 90 })]));
    expect(seats.map((s) => [s.x, s.y])).toEqual([[0, -1], [0, 0], [0, 1], [-1, -1], [-1, 0], [-1, 1]]);
  });

  it('given a curve, then every row is an arc around the point `curve` in front of the origin, the seats a hundredth exact', () => {
    const { seats } = expandDefinition(base([section({ origin: { x: 0, y: 10 }, curve: 10, rows: 3, seatsPerRow: 5 })]));
    for (const seat of seats) {
      const distance = Math.hypot(seat.x, seat.y);
      expect(Math.abs(distance - (10 + Number(seat.row) - 1))).toBeLessThan(0.01);
      expect(Math.round(seat.x * 100) / 100).toBe(seat.x);
      expect(Math.round(seat.y * 100) / 100).toBe(seat.y);
    }
    // Seat 3 of 5 is on the section's axis; seats 1 and 5 mirror each other.
    expect(seats[2]).toMatchObject({ x: 0, y: 10 });
    expect(seats[0].x).toBe(-seats[4].x);
    expect(seats[0].y).toBe(seats[4].y);
    expect(seats[0].y).toBeLessThan(10);
  });

  it('given sections with and without an origin, then the ones without keep the v1 strip layout', () => {
    const v1 = expandDefinition(base([section({ id: 'B' })])).seats;
    const mixed = expandDefinition(base([section({ origin: { x: 100, y: 100 } }), section({ id: 'B' })])).seats;
    expect(mixed.slice(6)).toEqual(v1);
  });

  it('given a stage, then rows rank by distance from the stage, so the row nearest it is first whatever its y', () => {
    // Section N faces the stage from above (rotated 180: rows go back towards smaller y), S from below.
    const definition = expandDefinition(
      base([section({ id: 'N', origin: { x: 0, y: -5 }, rotation: 180 }), section({ id: 'S', origin: { x: 0, y: 7 } })], {
        stage: { x: 0, y: 0, width: 4, height: 2 },
      }),
    );
    const layout = EventLayout.fromDefinition(definition);
    const rowOf = (rank: number): string => definition.seats[layout.rowSeats[layout.rowStart[rank]]].id.split('-').slice(0, 2).join('-');
    expect([0, 1, 2, 3].map(rowOf)).toEqual(['N-1', 'N-2', 'S-1', 'S-2']);
  });

  it('given a stage and area shapes, then they are kept without extra keys', () => {
    const definition = expandDefinition({
      ...base([section()]),
      stage: { x: 1, y: 2, width: 3, height: 4, label: 'Main stage' },
      areas: [{ id: 'pit', name: 'Pit', capacity: 5, category: 'std', shape: { x: 0, y: 0, width: 6, height: 2, z: 1 } as never }],
    });
    expect(definition.stage).toEqual({ x: 1, y: 2, width: 3, height: 4, label: 'Main stage' });
    expect(definition.areas[0].shape).toEqual({ x: 0, y: 0, width: 6, height: 2 });
  });

  it('rejects placement without an origin, zero pitches, a negative curve and empty shapes, naming the field', () => {
    expect(errorPath(base([section({ rotation: 10 })]))).toBe('sections[0].origin');
    expect(errorPath(base([section({ origin: { x: 0, y: 0 }, seatPitch: 0 })]))).toBe('sections[0].seatPitch');
    expect(errorPath(base([section({ origin: { x: 0, y: 0 }, curve: -1 })]))).toBe('sections[0].curve');
    expect(errorPath(base([section({ origin: { x: Number.NaN, y: 0 } })]))).toBe('sections[0].origin.x');
    expect(errorPath(base([section()], { stage: { x: 0, y: 0, width: 0, height: 1 } }))).toBe('stage.width');
    expect(errorPath(base([section()], { areas: [{ id: 'a', name: 'A', capacity: 1, category: 'std', shape: { x: 0, y: 0, width: 1, height: 0 } }] }))).toBe(
      'areas[0].shape.height',
    );
  });
});
