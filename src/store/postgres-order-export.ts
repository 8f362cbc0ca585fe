// OrderExport over SQL: keyset pages of orders, so memory stays at one page whatever the event's size.
import type { OrderPricing, PricedItem } from '../domain/pricing';
import type { ExportLine, OrderExport } from './order-export';
import { pricedTickets } from './order-rows';
import { SELECT_EXPORT_PAGE } from './order-export-sql';
import type { SqlExecutor } from './sql-client';

/** Orders per page by default: ~1,000 lines for typical orders, a few hundred KB. */
const DEFAULT_ORDERS_PER_PAGE = 500;

interface ExportRow {
  seq: string | number;
  id: string;
  user_id: string;
  status: 'confirmed' | 'cancelled';
  created_at: string;
  total: string | number;
  seats: string[];
  areas: Record<string, number>;
  pricing: OrderPricing | null;
}

/** One line per seat (in the order bought), then per standing place (areas in id order). */
function linesOf(row: ExportRow): ExportLine[] {
  const base = { orderId: row.id, userId: row.user_id, status: row.status, createdAt: row.created_at, orderTotal: Number(row.total) };
  // Orders from before tiers and fees have lines exactly as before (no `paid`): an export makes one
  // line per ticket, and the constant-memory test sees every extra allocation.
  const priced = row.pricing === null ? null : pricedTickets(row.pricing);
  const lines: ExportLine[] = row.seats.map((seatId, place) =>
    priced === null ? { ...base, seatId, areaId: null, place } : { ...base, seatId, areaId: null, place, paid: paidOf(priced.seat(seatId)) },
  );
  for (const areaId of Object.keys(row.areas).sort()) {
    for (let place = 0; place < row.areas[areaId]; place++) {
      lines.push(priced === null ? { ...base, seatId: null, areaId, place } : { ...base, seatId: null, areaId, place, paid: paidOf(priced.place(areaId, place)) });
    }
  }
  return lines;
}

/** What a priced ticket cost; an item missing from the pricing (not expected) as the category's own. */
function paidOf(item: PricedItem | null): ExportLine['paid'] {
  return item === null ? undefined : { tier: item.tier, price: item.price, fee: item.fee };
}

/** Reads orders for export from the tables the group commit writes. */
export class PostgresOrderExport implements OrderExport {
  constructor(private readonly db: SqlExecutor) {}

  async *lines(eventId: string, ordersPerPage = DEFAULT_ORDERS_PER_PAGE): AsyncIterable<ExportLine[]> {
    let after = '0';
    for (;;) {
      const rows = await this.db.query<ExportRow>(SELECT_EXPORT_PAGE, [eventId, after, ordersPerPage]);
      if (rows.length === 0) return;
      yield rows.flatMap(linesOf);
      after = String(rows[rows.length - 1].seq);
      if (rows.length < ordersPerPage) return;
    }
  }
}
