import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandDefinition } from './definition';
import { EventLayout } from './layout';
import { isSingle, strandedSeats } from './orphan-rule';
import { SeatStatus } from './types';

/** One row of `seats` seats, R-1-1 … R-1-n. */
function row(seats: number): EventLayout {
  return EventLayout.fromDefinition(
    expandDefinition({
      id: 'row',
      name: 'Row',
      startsAt: '2030-01-01T20:00:00Z',
      categories: [{ id: 'std', name: 'Standard', price: 1 }],
      sections: [{ id: 'R', category: 'std', rows: 1, seatsPerRow: seats }],
    }),
  );
}

/** Statuses from a picture: `x` taken, `.` free. */
function statuses(picture: string): Uint8Array {
  return Uint8Array.from([...picture], (c) => (c === 'x' ? SeatStatus.Sold : SeatStatus.Available));
}

function numbers(layout: EventLayout, seats: number[]): number[] {
  return seats.map((seat) => layout.seats.number[seat]);
}

describe('strandedSeats', () => {
  it('given three free seats after a taken one, when the middle one is taken, then both sides are stranded', () => {
    const layout = row(4);
    expect(numbers(layout, strandedSeats(layout, statuses('x...'), { seats: [2], becomes: 'taken' }))).toEqual([2, 4]);
  });

  it('given a free row, when all but the last seat are taken, then the last seat (row end) is stranded', () => {
    const layout = row(4);
    expect(numbers(layout, strandedSeats(layout, statuses('....'), { seats: [0, 1, 2], becomes: 'taken' }))).toEqual([4]);
  });

  it('given a free row, when a block leaves two free seats on each side, then nothing is stranded', () => {
    const layout = row(6);
    expect(strandedSeats(layout, statuses('......'), { seats: [2, 3], becomes: 'taken' })).toEqual([]);
  });

  it('given a seat already single (blocked around), when a hold elsewhere is made, then it does not count', () => {
    const layout = row(6);
    expect(strandedSeats(layout, statuses('x.x...'), { seats: [3, 4, 5], becomes: 'taken' })).toEqual([]);
  });

  it('given a held block of three, when its middle seat is released, then that seat is stranded', () => {
    const layout = row(5);
    expect(numbers(layout, strandedSeats(layout, statuses('xxxxx'), { seats: [2], becomes: 'free' }))).toEqual([3]);
  });

  it('given a one-seat row, when nothing is around it, then it is never an orphan', () => {
    const layout = row(1);
    expect(isSingle(layout, 0, () => true)).toBe(false);
  });

  it('property: after a change it accepts, no seat of the row is single that was not single before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            taken: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            picks: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n }),
          }),
        ),
        ({ n, taken, picks }) => {
          const layout = row(n);
          const status = Uint8Array.from(taken, (t) => (t ? SeatStatus.Held : SeatStatus.Available));
          const free = (s: Uint8Array) => (seat: number) => s[seat] === SeatStatus.Available;
          // A hold names free seats, a release taken ones: split the picks accordingly.
          for (const becomes of ['taken', 'free'] as const) {
            const seats = picks.filter((seat) => (becomes === 'taken') === (status[seat] === SeatStatus.Available));
            if (seats.length === 0) continue;
            const after = status.slice();
            for (const seat of seats) after[seat] = becomes === 'taken' ? SeatStatus.Held : SeatStatus.Available;
            const newSingles: number[] = [];
            for (let p = 0; p < n; p++) {
              if (isSingle(layout, p, free(after)) && !isSingle(layout, p, free(status))) newSingles.push(layout.rowSeats[p]);
            }
            // The rule finds exactly the seats a full scan of the row finds.
            expect(strandedSeats(layout, status, { seats, becomes }).sort()).toEqual(newSingles.sort());
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
