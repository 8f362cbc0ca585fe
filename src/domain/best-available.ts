// Best-available seat selection (CONTRACT.md "hold … best"): `count` adjacent seats in one row where
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
  /** 1: accessible seats only, 0: non-accessible seats only, −1: any. */
  accessible: -1 | 0 | 1;
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
  const { rowStart, rowSeats, rowCentre, rowSection, seatX, seatCategory, seatAccessible } = layout;
  const { count, category, section, accessible } = filter;
  const matches = (seat: number): boolean =>
    status[seat] === AVAILABLE &&
    (category < 0 || seatCategory[seat] === category) &&
    (accessible < 0 || seatAccessible[seat] === accessible);
  const free = (p: number): boolean => status[rowSeats[p]] === AVAILABLE;

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
    for (let p = first; p < end; p++) {
      if (!matches(rowSeats[p])) {
        run = 0;
        continue;
      }
      if (++run < count) continue;
      const start = p - count + 1;
      const distance = Math.abs((seatX[rowSeats[start]] + seatX[rowSeats[p]]) / 2 - centre);
      // A single free seat is orphaned when the seat beyond it is taken or the row ends there.
      const orphanLeft = start - 1 >= first && free(start - 1) && (start - 2 < first || !free(start - 2));
      const orphanRight = p + 1 < end && free(p + 1) && (p + 2 >= end || !free(p + 2));
      if (!orphanLeft && !orphanRight && distance < cleanDistance) {
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
  return picked.length === count ? picked : undefined;
}

function block(rowSeats: Int32Array, start: number, count: number): number[] {
  return Array.from(rowSeats.subarray(start, start + count));
}
