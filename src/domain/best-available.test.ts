import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBestSeats } from './best-available';
import type { BestFilter } from './best-available';
import { EventLayout } from './layout';
import { given, hold, run } from './test-scenario';
import type { EventState } from './event-state';
import type { EventDefinition, SeatDefinition, SeatStatusCode } from './types';
import { SeatStatus } from './types';

/** One section S, 3 rows × 8 std seats; row 1 is accessible. Seats S-<row>-<n>, x = n, so each row's centre is 4.5. */
function venue(): EventState {
  return given({
    maxSeatsPerUser: 30,
    sections: [{ id: 'S', category: 'std', rows: 3, seatsPerRow: 8, accessibleRows: [1] }],
  });
}

/** Blocks every seat of `row` except the numbers in `free`. */
function leaveFree(state: EventState, row: number, free: number[]): void {
  const taken: string[] = [];
  for (let n = 1; n <= 8; n++) if (!free.includes(n)) taken.push(`S-${row}-${n}`);
  if (taken.length > 0) run(state, { type: 'BlockSeats', seats: taken, blocked: true });
}

function best(state: EventState, count: number, extra: Partial<BestFilter> = {}): string[] | undefined {
  const seats = findBestSeats(state.layout, state.status, state.rowAvailable, {
    count,
    category: -1,
    section: -1,
    accessible: -1,
    ...extra,
  });
  return seats?.map((seat) => state.layout.seatId(seat));
}

describe('findBestSeats', () => {
  it('given an empty venue, when asking for 2, then the centre of the front row', () => {
    expect(best(venue(), 2)).toEqual(['S-1-4', 'S-1-5']);
  });

  it('given a front row with a clean block only at its edge, then the front row still wins over the centre of row 2', () => {
    const state = venue();
    leaveFree(state, 1, [7, 8]);
    expect(best(state, 2)).toEqual(['S-1-7', 'S-1-8']);
  });

  it('given the centre block would strand a single seat, then a block that strands none is chosen in the same row', () => {
    const state = venue();
    leaveFree(state, 1, [3, 4, 5, 6, 7, 8]);
    // (4,5) is nearest the centre but would leave seat 3 alone next to the taken seat 2.
    expect(best(state, 2)).toEqual(['S-1-3', 'S-1-4']);
  });

  it('given every block of the front row strands a seat, then a clean block further back wins', () => {
    const state = venue();
    leaveFree(state, 1, [1, 2, 3]);
    expect(best(state, 2)).toEqual(['S-2-4', 'S-2-5']);
  });

  it('given a single seat left between the block and the row end, then that counts as stranding it', () => {
    const state = venue();
    leaveFree(state, 1, [6, 7, 8]);
    leaveFree(state, 2, [1, 2, 3, 4]);
    // Row 1: (6,7) strands 8 at the row end, (7,8) strands 6 beside a taken seat. Row 2: (2,3) would
    // strand 1 at the row start; (3,4) is the clean block nearest the centre.
    expect(best(state, 2)).toEqual(['S-2-3', 'S-2-4']);
  });

  it('given every block anywhere strands a seat (pass 2), then the front row block nearest its centre', () => {
    const state = venue();
    for (const row of [1, 2, 3]) leaveFree(state, row, [1, 2, 3]);
    expect(best(state, 2)).toEqual(['S-1-2', 'S-1-3']);
  });

  it('given no adjacent block anywhere (pass 3), then the best single seats front first', () => {
    const state = venue();
    for (const row of [1, 2, 3]) leaveFree(state, row, [1, 3, 5, 7]);
    expect(best(state, 2)).toEqual(['S-1-5', 'S-1-3']);
    expect(best(state, 5)).toEqual(['S-1-5', 'S-1-3', 'S-1-7', 'S-1-1', 'S-2-5']);
  });

  it('given fewer matching seats than asked, then nothing', () => {
    const state = venue();
    for (const row of [1, 2, 3]) leaveFree(state, row, [1]);
    expect(best(state, 4)).toBeUndefined();
    expect(best(state, 3)).toEqual(['S-1-1', 'S-2-1', 'S-3-1']);
  });

  it('given the accessible filter, then only accessible (true) or only other (false) seats', () => {
    const state = venue();
    expect(best(state, 3, { accessible: 1 })).toEqual(['S-1-3', 'S-1-4', 'S-1-5']);
    expect(best(state, 3, { accessible: 0 })).toEqual(['S-2-3', 'S-2-4', 'S-2-5']);
  });

  it('given category and section filters, then only matching seats', () => {
    const state = given();
    const std = state.layout.categoryIndex('std');
    expect(best(state, 2, { category: std })).toEqual(['B-1-4', 'B-1-5']);
    expect(best(state, 2, { section: state.layout.sectionIndex('A') })).toEqual(['A-1-3', 'A-1-4']);
    expect(best(state, 2, { section: state.layout.sectionIndex('A'), category: std })).toBeUndefined();
  });

  it('given a row mixing categories, then a free seat of another category is not a stranded seat', () => {
    const seats: SeatDefinition[] = [];
    for (let n = 1; n <= 8; n++) {
      seats.push({ id: `s${n}`, section: 'S', row: '1', number: n, x: n, y: 1, category: n <= 4 ? 'vip' : 'std', accessible: false });
    }
    const state = given({ sections: undefined, seats });
    hold(state, 'u1', 'h1', ['s8']);
    // std seats 5, 6, 7 are free. (5,6) strands 7 beside the held 8. (6,7) leaves 5 free, but vip seats
    // 4, 3, … are free beyond it, so 5 is not a single empty seat: (6,7) is the clean choice.
    expect(best(state, 2, { category: state.layout.categoryIndex('std') })).toEqual(['s6', 's7']);
  });

  it('given random rows, then the choice matches the rules (model check)', () => {
    const statuses = fc.constantFrom<SeatStatusCode>(
      SeatStatus.Available, SeatStatus.Available, SeatStatus.Available, SeatStatus.Held, SeatStatus.Sold, SeatStatus.Blocked,
    );
    const seat = fc.record({ status: statuses, category: fc.integer({ min: 0, max: 1 }), accessible: fc.boolean() });
    const rows = fc.array(fc.array(seat, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        rows,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: -1, max: 1 }),
        fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
        (layoutRows, count, category, accessible) => {
          const { layout, status } = build(layoutRows);
          const rowAvailable = new Int32Array(layout.rowCount);
          for (let r = 0; r < layout.rowCount; r++) {
            for (let p = layout.rowStart[r]; p < layout.rowStart[r + 1]; p++) {
              if (status[layout.rowSeats[p]] === SeatStatus.Available) rowAvailable[r]++;
            }
          }
          const filter = { count, category, section: -1, accessible };
          expect(findBestSeats(layout, status, rowAvailable, filter)).toEqual(reference(layoutRows, filter));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

interface ModelSeat {
  status: SeatStatusCode;
  category: number;
  accessible: boolean;
}

/** Rows in front-to-back order; seat (r, n) is at x = n, y = r. */
function build(rows: ModelSeat[][]): { layout: EventLayout; status: Uint8Array } {
  const seats: SeatDefinition[] = [];
  const status: number[] = [];
  rows.forEach((row, r) =>
    row.forEach((seat, n) => {
      seats.push({
        id: `${r}-${n}`, section: 'S', row: String(r), number: n, x: n, y: r,
        category: seat.category === 0 ? 'a' : 'b', accessible: seat.accessible,
      });
      status.push(seat.status);
    }),
  );
  const definition: EventDefinition = {
    id: 'm', name: 'm', startsAt: '2030-01-01T00:00:00Z', holdTtlSeconds: 60, maxSeatsPerUser: 10,
    categories: [{ id: 'a', name: 'a', price: 1 }, { id: 'b', name: 'b', price: 2 }], seats, areas: [],
  };
  return { layout: EventLayout.fromDefinition(definition), status: Uint8Array.from(status) };
}

/** The rules of docs/protocol.md spelled out naively, over every candidate block. Returns seat indexes. */
function reference(rows: ModelSeat[][], filter: BestFilter): number[] | undefined {
  const { count, category, accessible } = filter;
  const firstIndex: number[] = [];
  let total = 0;
  for (const row of rows) {
    firstIndex.push(total);
    total += row.length;
  }
  const matches = (s: ModelSeat): boolean =>
    s.status === SeatStatus.Available &&
    (category < 0 || s.category === category) &&
    (accessible < 0 || (s.accessible ? 1 : 0) === accessible);
  const free = (row: ModelSeat[], n: number): boolean => n >= 0 && n < row.length && row[n].status === SeatStatus.Available;
  type Candidate = { r: number; start: number; distance: number; clean: boolean };
  const candidates: Candidate[] = [];
  rows.forEach((row, r) => {
    const centre = (row.length - 1) / 2;
    for (let start = 0; start + count <= row.length; start++) {
      if (!row.slice(start, start + count).every(matches)) continue;
      const end = start + count - 1;
      const strandsLeft = free(row, start - 1) && !free(row, start - 2);
      const strandsRight = free(row, end + 1) && !free(row, end + 2);
      candidates.push({ r, start, distance: Math.abs((start + end) / 2 - centre), clean: !strandsLeft && !strandsRight });
    }
  });
  const pick = (list: Candidate[]): number[] | undefined => {
    if (list.length === 0) return undefined;
    const front = Math.min(...list.map((c) => c.r));
    const inRow = list.filter((c) => c.r === front);
    const nearest = Math.min(...inRow.map((c) => c.distance));
    const chosen = inRow.find((c) => c.distance === nearest) as Candidate;
    return Array.from({ length: count }, (_, i) => firstIndex[chosen.r] + chosen.start + i);
  };
  const adjacent = pick(candidates.filter((c) => c.clean)) ?? pick(candidates);
  if (adjacent) return adjacent;
  const singles: number[] = [];
  rows.forEach((row, r) => {
    const centre = (row.length - 1) / 2;
    const ns = row.map((_, n) => n).filter((n) => matches(row[n]));
    ns.sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
    for (const n of ns) singles.push(firstIndex[r] + n);
  });
  return singles.length >= count ? singles.slice(0, count) : undefined;
}
