// A compact map body (protocol/map-body.ts) laid out in typed arrays: one number per seat and field,
// no object or string per seat. Seat objects and ids are made only when asked for (a hover, a click, the
// seat list), and a seat id is found from its runs, so laying out 100,000 seats allocates a few arrays
// instead of 100,000 objects, 100,000 strings and a 100,000-key Map. `seat(i)` and `indexOf(id)` agree
// exactly with `expandCompactMap` (the v1 seat list).
import type { CompactMapBody, MapRun, MapSeat } from './map-body';
import { decodeRunAxis } from './map-body';

/** The seats of a compact map body, one typed array per field. */
export class SeatLayout {
  /** Number of seats. */
  readonly count: number;
  /** Seat positions in map units, as in the v1 form. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Category index per seat (into `body.categories`). */
  readonly category: Uint16Array;
  /** 1 for a wheelchair place. */
  readonly accessible: Uint8Array;
  /** 1 for a companion seat (beside a wheelchair place). */
  readonly companion: Uint8Array;
  /** The index of each run's first seat, ascending; `runs[r]` is `body.runs[r]`. */
  readonly runStart: Int32Array;
  /** Runs by `"<section>-<row>"`: a patterned id is that prefix, a dash and a number within one of them. */
  private readonly runsByPrefix = new Map<string, number[]>();
  /** Seats whose id does not follow the pattern (a run of one). */
  private readonly ownIds = new Map<string, number>();

  constructor(readonly body: CompactMapBody) {
    const n = body.seatCount;
    this.count = n;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.category = new Uint16Array(n);
    this.accessible = new Uint8Array(n);
    this.companion = new Uint8Array(n);
    this.runStart = new Int32Array(body.runs.length);
    let start = 0;
    for (let r = 0; r < body.runs.length; r++) {
      const run = body.runs[r];
      this.runStart[r] = start;
      if (run.id !== undefined) this.ownIds.set(run.id, start);
      else {
        const prefix = `${run.s}-${run.r}`;
        const list = this.runsByPrefix.get(prefix);
        if (list) list.push(r);
        else this.runsByPrefix.set(prefix, [r]);
      }
      this.category.fill(run.c, start, start + run.k);
      if (run.a === 1) this.accessible.fill(1, start, start + run.k);
      if (run.m === 1) this.companion.fill(1, start, start + run.k);
      decodeRunAxis(run.x, run.k, body.scale, this.x, start);
      decodeRunAxis(run.y, run.k, body.scale, this.y, start);
      start += run.k;
    }
  }

  /** The run that seat `index` belongs to (an index into `body.runs`). */
  runOf(index: number): number {
    const starts = this.runStart;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The seat number of seat `index`. */
  number(index: number): number {
    const r = this.runOf(index);
    return this.body.runs[r].n + index - this.runStart[r];
  }

  /** Seat `index` as the v1 form lists it (a new object each call). */
  seat(index: number): MapSeat {
    const r = this.runOf(index);
    const run: MapRun = this.body.runs[r];
    const number = run.n + index - this.runStart[r];
    const seat: MapSeat = {
      id: run.id ?? `${run.s}-${run.r}-${number}`,
      section: run.s,
      row: run.r,
      number,
      x: this.x[index],
      y: this.y[index],
      category: this.body.categories[run.c]?.id ?? '',
      accessible: run.a === 1,
    };
    if (run.m === 1) seat.companion = true;
    return seat;
  }

  /** The index of the seat with this id, or -1. */
  indexOf(id: string): number {
    const own = this.ownIds.get(id);
    if (own !== undefined) return own;
    const dash = id.lastIndexOf('-');
    if (dash < 0) return -1;
    const digits = id.slice(dash + 1);
    const number = Number(digits);
    // Patterned ids spell the number as String(number) does: "7", never "07" or "7.0".
    if (digits === '' || String(number) !== digits) return -1;
    const found = this.inRuns(id.slice(0, dash), number);
    // A negative seat number: "<section>-<row>--3".
    return found < 0 && dash > 0 && id[dash - 1] === '-' ? this.inRuns(id.slice(0, dash - 1), -number) : found;
  }

  private inRuns(prefix: string, number: number): number {
    for (const r of this.runsByPrefix.get(prefix) ?? []) {
      const run = this.body.runs[r];
      if (number >= run.n && number < run.n + run.k) return this.runStart[r] + number - run.n;
    }
    return -1;
  }
}
