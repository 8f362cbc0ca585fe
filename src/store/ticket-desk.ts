// What the box office and the gate ask of the orders after a sale: a customer's own orders, a ticket by
// its code, and checking a ticket in (once: two gates scanning one ticket get one success).
import type { TicketView } from '../../protocol/ticket-replies';
import type { StoredOrder } from './event-store';

export type { TicketView };

/** How a check-in ended: this scan let the holder in, or it is refused (already used, or void). */
export type CheckIn =
  /** `checkedIn`: the event's tickets checked in so far, this one included. */
  | { ok: true; ticket: TicketView; checkedIn: number }
  | { ok: false; reason: 'used' | 'void'; ticket: TicketView };

/** Orders and tickets after the sale. */
export interface TicketDesk {
  /** The user's orders in the event, oldest first, with their tickets. */
  ordersOf(eventId: string, userId: string): Promise<StoredOrder[]>;
  /** The ticket of a code, or null when the code is not genuine or names nothing that was sold. */
  lookup(code: string): Promise<TicketView | null>;
  /** Checks the ticket in as `staffId`; null when `lookup` would be. */
  checkIn(code: string, staffId: string): Promise<CheckIn | null>;
  /** How many tickets of the event have been checked in (one row read, not a count). */
  checkedIn(eventId: string): Promise<number>;
}
