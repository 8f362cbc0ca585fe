import { describe, expect, it } from 'vitest';
import { DefinitionError, expandDefinition, MAX_SEATS } from './definition';
import type { EventDefinitionInput, SeatInput } from './definition';
import { testDefinition } from './test-scenario';

function errorOf(input: EventDefinitionInput): DefinitionError {
  try {
    expandDefinition(input);
  } catch (error) {
    if (error instanceof DefinitionError) return error;
    throw error;
  }
  throw new Error('expected a DefinitionError');
}

const seat = (id: string, row: string | number, number: number, x: number, y: number): SeatInput => ({
  id,
  section: 'S',
  row,
  number,
  x,
  y,
  category: 'std',
});

describe('expandDefinition', () => {
  it('given no holdTtlSeconds or maxSeatsPerUser, then the contract defaults apply', () => {
    const { holdTtlSeconds, maxSeatsPerUser, ...input } = testDefinition();
    const definition = expandDefinition(input);
    expect(definition.holdTtlSeconds).toBe(600);
    expect(definition.maxSeatsPerUser).toBe(10);
    expect(holdTtlSeconds).toBe(600);
    expect(maxSeatsPerUser).toBe(6);
  });

  it('given sections, then seats get ids "<section>-<row>-<number>" in row-major order', () => {
    const definition = expandDefinition(testDefinition());
    expect(definition.seats).toHaveLength(2 * 6 + 3 * 8);
    expect(definition.seats.slice(0, 7).map((s) => s.id)).toEqual([
      'A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5', 'A-1-6', 'A-2-1',
    ]);
    expect(definition.seats[12]).toEqual({
      id: 'B-1-1', section: 'B', row: '1', number: 1, x: 9, y: 1, category: 'std', accessible: false,
    });
  });

  it('given sections, then row 1 is the front (smallest y) and sections sit side by side without overlap', () => {
    const { seats } = expandDefinition(testDefinition());
    const a = seats.filter((s) => s.section === 'A');
    const b = seats.filter((s) => s.section === 'B');
    expect(Math.max(...a.map((s) => s.x))).toBeLessThan(Math.min(...b.map((s) => s.x)));
    expect(seats.find((s) => s.id === 'B-1-4')?.y).toBeLessThan(seats.find((s) => s.id === 'B-2-4')?.y ?? 0);
    const positions = new Set(seats.map((s) => `${s.x},${s.y}`));
    expect(positions.size).toBe(seats.length);
  });

  it('given accessibleRows, then exactly the seats of those rows are accessible', () => {
    const { seats } = expandDefinition(testDefinition());
    expect(seats.filter((s) => s.accessible).map((s) => s.id)).toEqual([
      'A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5', 'A-1-6',
    ]);
  });

  it('given explicit seats, then they pass through with row as a string and accessible defaulting to false', () => {
    const definition = expandDefinition(
      testDefinition({ sections: undefined, seats: [seat('s1', 3, 1, 0, 0), { ...seat('s2', 'C', 2, 1, 0), accessible: true }] }),
    );
    expect(definition.seats).toEqual([
      { id: 's1', section: 'S', row: '3', number: 1, x: 0, y: 0, category: 'std', accessible: false },
      { id: 's2', section: 'S', row: 'C', number: 2, x: 1, y: 0, category: 'std', accessible: true },
    ]);
  });

  it('given only areas, then the event has no seats', () => {
    const definition = expandDefinition(testDefinition({ sections: undefined }));
    expect(definition.seats).toEqual([]);
    expect(definition.areas).toEqual([{ id: 'floor', name: 'Floor', capacity: 5, category: 'std' }]);
  });

  it('given sales times, then they are kept as given', () => {
    const definition = expandDefinition(
      testDefinition({ salesOpenAt: '2029-01-01T00:00:00Z', salesCloseAt: '2030-01-01T18:00:00Z' }),
    );
    expect(definition.salesOpenAt).toBe('2029-01-01T00:00:00Z');
    expect(definition.salesCloseAt).toBe('2030-01-01T18:00:00Z');
  });

  describe('rejects with bad_request naming the field', () => {
    const cases: [string, Partial<EventDefinitionInput>, string][] = [
      ['unknown section category', { sections: [{ id: 'A', category: 'gold', rows: 1, seatsPerRow: 1 }] }, 'sections[0].category'],
      ['unknown seat category', { sections: undefined, seats: [{ ...seat('s1', 1, 1, 0, 0), category: 'gold' }] }, 'seats[0].category'],
      ['unknown area category', { areas: [{ id: 'ga', name: 'GA', capacity: 1, category: 'gold' }] }, 'areas[0].category'],
      ['duplicate seat id', { sections: undefined, seats: [seat('s1', 1, 1, 0, 0), seat('s1', 1, 2, 1, 0)] }, 'seats[1].id'],
      ['duplicate seat position', { sections: undefined, seats: [seat('s1', 1, 1, 0, 0), seat('s2', '1', 1, 1, 0)] }, 'seats[1].number'],
      ['non-finite coordinate', { sections: undefined, seats: [seat('s1', 1, 1, Number.NaN, 0)] }, 'seats[0].x'],
      [
        'duplicate area id',
        { areas: [{ id: 'ga', name: 'GA', capacity: 1, category: 'std' }, { id: 'ga', name: 'GA2', capacity: 1, category: 'std' }] },
        'areas[1].id',
      ],
      [
        'duplicate category id',
        { categories: [{ id: 'std', name: 'S', price: 1 }, { id: 'std', name: 'T', price: 2 }] },
        'categories[1].id',
      ],
      ['negative price', { categories: [{ id: 'std', name: 'S', price: -1 }, { id: 'vip', name: 'V', price: 1 }] }, 'categories[0].price'],
      [
        'duplicate section id',
        { sections: [{ id: 'A', category: 'std', rows: 1, seatsPerRow: 1 }, { id: 'A', category: 'std', rows: 1, seatsPerRow: 1 }] },
        'sections[1].id',
      ],
      ['both seats and sections', { seats: [seat('s1', 1, 1, 0, 0)] }, 'seats'],
      ['neither seats nor sections nor areas', { sections: undefined, areas: undefined }, 'sections'],
      ['no seats at all and no areas', { sections: [], areas: [] }, 'sections'],
      ['capacity < 1', { areas: [{ id: 'ga', name: 'GA', capacity: 0, category: 'std' }] }, 'areas[0].capacity'],
      ['rows < 1', { sections: [{ id: 'A', category: 'std', rows: 0, seatsPerRow: 1 }] }, 'sections[0].rows'],
      ['seatsPerRow not an integer', { sections: [{ id: 'A', category: 'std', rows: 1, seatsPerRow: 1.5 }] }, 'sections[0].seatsPerRow'],
      [
        'accessible row outside the section',
        { sections: [{ id: 'A', category: 'std', rows: 2, seatsPerRow: 1, accessibleRows: [1, 3] }] },
        'sections[0].accessibleRows[1]',
      ],
      [
        'more than 200,000 seats',
        { sections: [{ id: 'A', category: 'std', rows: 400, seatsPerRow: 400 }, { id: 'B', category: 'std', rows: 400, seatsPerRow: 101 }] },
        'sections',
      ],
      ['holdTtlSeconds < 1', { holdTtlSeconds: 0 }, 'holdTtlSeconds'],
      ['maxSeatsPerUser < 1', { maxSeatsPerUser: 0 }, 'maxSeatsPerUser'],
      ['unparseable startsAt', { startsAt: 'tomorrow' }, 'startsAt'],
      ['unparseable salesOpenAt', { salesOpenAt: 'soon' }, 'salesOpenAt'],
      ['sales closing before they open', { salesOpenAt: '2030-01-02T00:00:00Z', salesCloseAt: '2030-01-01T00:00:00Z' }, 'salesCloseAt'],
    ];
    it.each(cases)('%s', (_name, overrides, path) => {
      const error = errorOf(testDefinition(overrides));
      expect(error.code).toBe('bad_request');
      expect(error.path).toBe(path);
      expect(error.message.startsWith(`${path}: `)).toBe(true);
    });
  });

  it('given exactly MAX_SEATS seats, then it is accepted', () => {
    const definition = expandDefinition(
      testDefinition({ sections: [{ id: 'A', category: 'std', rows: 400, seatsPerRow: MAX_SEATS / 400 }] }),
    );
    expect(definition.seats).toHaveLength(MAX_SEATS);
  });

  it('given companion rows, orphans and a hold-back, then they are kept; bad ones name their field', () => {
    const definition = expandDefinition(
      testDefinition({
        sections: [{ id: 'A', category: 'std', rows: 3, seatsPerRow: 4, accessibleRows: [1], companionRows: [2] }],
        orphans: 'block',
        accessibleHoldBack: { hoursBeforeStart: 48 },
      }),
    );
    expect(definition.seats.filter((s) => s.companion).map((s) => s.row)).toEqual(['2', '2', '2', '2']);
    expect(definition.orphans).toBe('block');
    expect(definition.accessibleHoldBack).toEqual({ hoursBeforeStart: 48 });
    expect(expandDefinition(testDefinition()).orphans).toBeUndefined();
    expect(errorOf(testDefinition({ accessibleHoldBack: {} })).path).toBe('accessibleHoldBack');
    expect(errorOf(testDefinition({ accessibleHoldBack: { until: 'soon' } })).path).toBe('accessibleHoldBack.until');
    expect(
      errorOf(testDefinition({ sections: [{ id: 'A', category: 'std', rows: 2, seatsPerRow: 2, accessibleRows: [1], companionRows: [1] }] })).path,
    ).toBe('sections[0].companionRows[0]');
    expect(errorOf(testDefinition({ sections: undefined, seats: [{ ...seat('a', 1, 1, 1, 1), accessible: true, companion: true }] })).path).toBe(
      'seats[0].companion',
    );
  });
});
