// Best-available seat selection (docs/protocol.md "hold … best"): `count` adjacent seats in one row where
// possible, never leaving a single empty seat beside the block when another choice exists, front rows
// first, then nearest the row's centre. This is the only per-command walk over seats, so it stops at the
// first row that has a perfect block and skips rows with too few available seats.
import type { EventLayout } from './layout';
import { SeatStatus } from './types';

/** What best-available looks for, resolved to indexes; −1 means "any". */
export interface BestFilter {
  count: number;
  category: number;
  section: number;
  /**
   * 1: accessible seats (a block of several may fill up with companion seats, but holds at least one
   * accessible seat), 0: non-accessible seats only, −1: any.
   */
  accessible: -1 | 0 | 1;
  /** The accessible hold-back is on: unless `accessible` is 1, accessible and companion seats are skipped. */
  holdBack?: boolean;
  /** Seats of the hold being added to: a block touching them is preferred. */
  near?: readonly number[];
}

const AVAILABLE = SeatStatus.Available;

/**
 * Picks seats for `filter`, or undefined when fewer than `count` matching seats are available.
 * `rowAvailable[r]` must be the number of available seats (any category) in ranked row r.
 */
export function findBestSeats(
  layout: EventLayout,
  status: Uint8Array,
  rowAvailable: Int32Array,
  filter: BestFilter,
): number[] | undefined {
  const { rowStart, rowSeats, rowCentre, rowSection, seatX, seatCategory, seatAccessible, seatCompanion } = layout;
  const { count, category, section, accessible } = filter;
  const kind =
    accessible === 1
      ? (seat: number): boolean => seatAccessible[seat] === 1 || seatCompanion[seat] === 1
      : accessible === 0
        ? (seat: number): boolean => seatAccessible[seat] === 0 && !(filter.holdBack && seatCompanion[seat] === 1)
        : filter.holdBack
          ? (seat: number): boolean => seatAccessible[seat] === 0 && seatCompanion[seat] === 0
          : (): boolean => true;
  const matches = (seat: number): boolean =>
    status[seat] === AVAILABLE && (category < 0 || seatCategory[seat] === category) && kind(seat);
  const free = (p: number): boolean => status[rowSeats[p]] === AVAILABLE;
  // An accessible party needs at least one accessible seat; companions fill the rest of its block.
  const needsAccessible = accessible === 1;
  const orphanAround = (first: number, end: number, start: number, p: number): boolean =>
    (start - 1 >= first && free(start - 1) && (start - 2 < first || !free(start - 2))) ||
    (p + 1 < end && free(p + 1) && (p + 2 >= end || !free(p + 2)));

  if (filter.near && filter.near.length > 0) {
    const beside = blockBeside(layout, filter.near, count, section, matches, needsAccessible, orphanAround);
    if (beside !== undefined) return beside;
  }

  // Pass 2's answer (orphans allowed) is found on the way: the first row with any block, nearest centre.
  let fallbackStart = -1;
  for (let r = 0; r < layout.rowCount; r++) {
    if (rowAvailable[r] < count || (section >= 0 && rowSection[r] !== section)) continue;
    const first = rowStart[r];
    const end = rowStart[r + 1];
    const centre = rowCentre[r];
    let cleanStart = -1;
    let cleanDistance = Infinity;
    let anyStart = -1;
    let anyDistance = Infinity;
    let run = 0;
    let lastAccessible = -1;
    for (let p = first; p < end; p++) {
      if (!matches(rowSeats[p])) {
        run = 0;
        continue;
      }
      if (seatAccessible[rowSeats[p]] === 1) lastAccessible = p;
      if (++run < count) continue;
      const start = p - count + 1;
      if (needsAccessible && lastAccessible < start) continue;
      const distance = Math.abs((seatX[rowSeats[start]] + seatX[rowSeats[p]]) / 2 - centre);
      // A single free seat is orphaned when the seat beyond it is taken or the row ends there.
      if (!orphanAround(first, end, start, p) && distance < cleanDistance) {
        cleanStart = start;
        cleanDistance = distance;
      }
      if (distance < anyDistance) {
        anyStart = start;
        anyDistance = distance;
      }
    }
    if (cleanStart >= 0) return block(rowSeats, cleanStart, count);
    if (fallbackStart < 0 && anyStart >= 0) fallbackStart = anyStart;
  }
  if (fallbackStart >= 0) return block(rowSeats, fallbackStart, count);

  // Pass 3: no row has `count` adjacent matching seats; take the best singles, front rows first.
  const picked: number[] = [];
  for (let r = 0; r < layout.rowCount && picked.length < count; r++) {
    if (rowAvailable[r] === 0 || (section >= 0 && rowSection[r] !== section)) continue;
    const centre = rowCentre[r];
    const inRow: number[] = [];
    for (let p = rowStart[r]; p < rowStart[r + 1]; p++) {
      if (matches(rowSeats[p])) inRow.push(rowSeats[p]);
    }
    inRow.sort((a, b) => Math.abs(seatX[a] - centre) - Math.abs(seatX[b] - centre));
    for (const seat of inRow) {
      if (picked.length === count) break;
      picked.push(seat);
    }
  }
  if (needsAccessible && !picked.some((seat) => seatAccessible[seat] === 1)) return undefined;
  return picked.length === count ? picked : undefined;
}

/**
 * A block of `count` matching seats that touches a seat of `near` in the same row and strands no single
 * seat, or undefined. Rows of `near` only, so O(seats in those rows).
 */
function blockBeside(
  layout: EventLayout,
  near: readonly number[],
  count: number,
  section: number,
  matches: (seat: number) => boolean,
  needsAccessible: boolean,
  orphanAround: (first: number, end: number, start: number, p: number) => boolean,
): number[] | undefined {
  const { rowStart, rowSeats, rowSection, seatRow, seatPosition, seatAccessible } = layout;
  const mine = new Set(near.map((seat) => seatPosition[seat]));
  const rows = [...new Set(near.map((seat) => seatRow[seat]))].sort((a, b) => a - b);
  for (const r of rows) {
    if (section >= 0 && rowSection[r] !== section) continue;
    const first = rowStart[r];
    const end = rowStart[r + 1];
    for (let start = first; start + count <= end; start++) {
      const last = start + count - 1;
      if (!mine.has(start - 1) && !mine.has(last + 1)) continue;
      let fits = true;
      let accessibleSeat = false;
      for (let p = start; p <= last && fits; p++) {
        fits = matches(rowSeats[p]);
        if (seatAccessible[rowSeats[p]] === 1) accessibleSeat = true;
      }
      if (fits && (!needsAccessible || accessibleSeat) && !orphanAround(first, end, start, last)) {
        return block(rowSeats, start, count);
      }
    }
  }
  return undefined;
}

function block(rowSeats: Int32Array, start: number, count: number): number[] {
  return Array.from(rowSeats.subarray(start, start + count));
}
