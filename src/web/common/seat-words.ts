// Words for seats and their states, shared by the seat list, the tooltip and the announcements.
import type { MapSeat } from './venue-map';

/** The status name of a status code. */
export const STATUS_WORDS = ['available', 'held', 'sold', 'blocked'] as const;

/** "Section a, row 3, seat 12". */
export function seatName(seat: MapSeat): string {
  return `Section ${seat.section}, row ${seat.row}, seat ${seat.number}`;
}

/** What a person can do with a seat in this state, in words. */
export function stateWords(code: number, mine: boolean): string {
  if (mine) return 'held by you';
  switch (code) {
    case 0:
      return 'available';
    case 1:
      return 'held by someone else';
    case 2:
      return 'sold';
    default:
      return 'not on sale';
  }
}
