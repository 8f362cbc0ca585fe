// TicketDesk over Postgres (pg or PGlite): codes are verified by their HMAC first (a forged or mistyped
// code costs no query), then the order is read by its primary key; check-in is one INSERT that reads the
// order's status in the same statement, keyed by the code, so parallel scans cannot both succeed; the same
// statement bumps the event's check-in count (event_checkin_counts).
import * as sql from './event-store-sql';
import type { StoredOrder } from './event-store';
import { toStoredOrder } from './order-rows';
import type { OrderRow } from './order-rows';
import type { SqlExecutor } from './sql-client';
import type { TicketCodes, TicketClaim } from './ticket-code';
import type { CheckIn, TicketDesk, TicketView } from './ticket-desk';

type TicketRow = OrderRow & { used_at: string | null };

/** Whether the order has the place the code names (a code is only good for what was bought). */
function orderHas(row: OrderRow, claim: TicketClaim): boolean {
  const { place } = claim;
  if (place.kind === 'seat') return row.seats.includes(place.seatId);
  return place.index < (row.areas[place.areaId] ?? 0);
}

/** Reads and checks tickets in with one SQL client and the deployment's ticket secret. */
export class PostgresTicketDesk implements TicketDesk {
  constructor(
    private readonly db: SqlExecutor,
    private readonly codes: TicketCodes,
  ) {}

  async ordersOf(eventId: string, userId: string): Promise<StoredOrder[]> {
    const rows = await this.db.query<OrderRow>(sql.SELECT_USER_ORDERS, [eventId, userId]);
    return rows.map((row) => toStoredOrder(row, this.codes));
  }

  async lookup(code: string): Promise<TicketView | null> {
    const claim = this.codes.verify(code);
    if (!claim) return null;
    const [row] = await this.db.query<TicketRow>(sql.SELECT_TICKET_ORDER, [claim.orderId, code]);
    if (!row || !orderHas(row, claim)) return null;
    const status = row.status === 'cancelled' ? 'void' : row.used_at ? 'used' : 'valid';
    const place = claim.place.kind === 'seat' ? { seatId: claim.place.seatId } : { areaId: claim.place.areaId };
    return { code, eventId: row.event_id, orderId: row.id, ...place, status, ...(row.used_at && { usedAt: row.used_at }) };
  }

  async checkIn(code: string, staffId: string): Promise<CheckIn | null> {
    const ticket = await this.lookup(code);
    if (!ticket) return null;
    if (ticket.status !== 'valid') return { ok: false, reason: ticket.status, ticket };
    const [inserted] = await this.db.query<{ used_at: string; checked_in: number }>(sql.INSERT_CHECKIN, [code, ticket.orderId, staffId]);
    if (inserted) return { ok: true, ticket: { ...ticket, status: 'used', usedAt: inserted.used_at }, checkedIn: Number(inserted.checked_in) };
    // Another scan or a cancellation came first: answer with what the ticket is now.
    const now = await this.lookup(code);
    if (!now || now.status === 'valid') return { ok: false, reason: 'used', ticket: now ?? ticket };
    return { ok: false, reason: now.status, ticket: now };
  }

  async checkedIn(eventId: string): Promise<number> {
    const [row] = await this.db.query<{ checked_in: number }>(sql.SELECT_CHECKIN_COUNT, [eventId]);
    return row ? Number(row.checked_in) : 0;
  }
}
