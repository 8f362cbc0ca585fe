// The orphan-seat rule (`orphans: "block"`): a manual hold or a partial release may not leave a single
// free seat between two taken seats, or between a taken seat and the row's end. Only seats this change
// strands count: a seat that was already single before (a blocked seat's neighbour, a cancellation) is
// not the customer's doing, so it never refuses their request.
import type { EventLayout } from './layout';
import { SeatStatus } from './types';

/** What a change does to its seats: they become taken (a hold) or free (a release). */
export interface SeatChange {
  seats: readonly number[];
  becomes: 'taken' | 'free';
}

/**
 * The seats the change would leave single that were not single before it, in row order; empty when
 * the change strands nothing. Costs O(seats changed).
 */
export function strandedSeats(layout: EventLayout, status: Uint8Array, change: SeatChange): number[] {
  const changed = new Set(change.seats);
  const takenAfterChange = change.becomes === 'taken';
  const freeBefore = (seat: number): boolean => status[seat] === SeatStatus.Available;
  const freeAfter = (seat: number): boolean => (changed.has(seat) ? !takenAfterChange : freeBefore(seat));

  const candidates = new Set<number>();
  for (const seat of changed) {
    const p = layout.seatPosition[seat];
    const row = layout.seatRow[seat];
    const first = layout.rowStart[row];
    const end = layout.rowStart[row + 1];
    for (let q = Math.max(first, p - 1); q <= Math.min(end - 1, p + 1); q++) candidates.add(q);
  }
  const stranded: number[] = [];
  for (const q of [...candidates].sort((a, b) => a - b)) {
    const seat = layout.rowSeats[q];
    if (isSingle(layout, q, freeAfter) && !isSingle(layout, q, freeBefore)) stranded.push(seat);
  }
  return stranded;
}

/**
 * Whether the seat at row position `p` is a single free seat: free, with each side taken or the row's
 * end, and at least one side taken (the only seat of a row is never an orphan).
 */
export function isSingle(layout: EventLayout, p: number, free: (seat: number) => boolean): boolean {
  const seat = layout.rowSeats[p];
  if (!free(seat)) return false;
  const row = layout.seatRow[seat];
  const first = layout.rowStart[row];
  const end = layout.rowStart[row + 1];
  const leftTaken = p > first && !free(layout.rowSeats[p - 1]);
  const rightTaken = p + 1 < end && !free(layout.rowSeats[p + 1]);
  const leftClosed = p === first || leftTaken;
  const rightClosed = p + 1 === end || rightTaken;
  return leftClosed && rightClosed && (leftTaken || rightTaken);
}
