// Reading every order of an event back for exports and reports, in pages of bounded size, so an event
// of any size is read in constant memory. Kept apart from EventStore: nothing on the sale path uses it.

/** One ticket of one order: a seat, or one place of a general-admission area. */
export interface ExportLine {
  orderId: string;
  userId: string;
  status: 'confirmed' | 'cancelled';
  /** ISO 8601, UTC. */
  createdAt: string;
  /** The order's total, repeated on each of its lines. */
  orderTotal: number;
  seatId: string | null;
  areaId: string | null;
  /** For a standing place: which place of its area in this order (from 0); for a seat: its position. */
  place: number;
  /**
   * What this ticket cost, as recorded with its order: the tier bought (null: the category's own
   * price), its price and fee. Absent for orders from before tiers and fees.
   */
  paid?: { tier: string | null; price: number; fee: number };
}

/** Reads an event's orders oldest first, one line per seat or place. */
export interface OrderExport {
  /**
   * Yields the lines in pages of the lines of at most `ordersPerPage` orders; each page is read when
   * the consumer asks for it, so a slow consumer holds one page at most.
   */
  lines(eventId: string, ordersPerPage?: number): AsyncIterable<ExportLine[]>;
}
