// Orders between the store and SQL: order rows as StoredOrders, page cursors, the parameters of the
// group-commit statement and the conflict checks that name which orders of a batch cannot be stored.
import type { OrderWebhookData } from '../../protocol';
import type { OrderPricing, PricedItem } from '../domain/pricing';
import { InvalidCursorError } from './event-store';
import type { NewOrder, StoredOrder } from './event-store';
import type { TicketCodes } from './ticket-code';

/** int8 columns arrive as strings from pg and as numbers from PGlite. */
export type Int8 = string | number;

/** A row of the order statements (ORDER_SELECT in event-store-sql.ts). */
export interface OrderRow {
  id: string;
  event_id: string;
  user_id: string;
  hold_id: string;
  total: Int8;
  status: 'confirmed' | 'cancelled';
  seq: Int8;
  created_at: string;
  seats: string[];
  areas: Record<string, number>;
  /** null for orders from before tiers and fees. */
  pricing: OrderPricing | null;
}

/** A StoredOrder of an order row, with its tickets' codes. */
export function toStoredOrder(row: OrderRow, codes: TicketCodes): StoredOrder {
  const tickets: StoredOrder['tickets'] = [];
  // A cancelled order's tickets are void, so none are shown.
  if (row.status === 'confirmed') {
    const tierOf = ticketTiers(row.pricing);
    for (const seatId of row.seats) {
      tickets.push(withTier({ seatId, code: codes.code(row.id, { kind: 'seat', seatId }) }, tierOf.seat(seatId)));
    }
    for (const areaId of Object.keys(row.areas).sort()) {
      for (let index = 0; index < row.areas[areaId]; index++) {
        tickets.push(withTier({ areaId, code: codes.code(row.id, { kind: 'area', areaId, index }) }, tierOf.place(areaId, index)));
      }
    }
  }
  return {
    orderId: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    holdId: row.hold_id,
    seats: row.seats,
    areas: row.areas,
    total: Number(row.total),
    ...(row.pricing ? { pricing: row.pricing } : {}),
    status: row.status,
    createdAt: row.created_at,
    tickets,
  };
}

/**
 * The outbox payload of an order event: the `data` of order.confirmed and order.cancelled webhooks;
 * with `pricing` when the order has one (its tiers, fees and currency).
 */
export function orderPayload(order: Pick<StoredOrder, 'orderId' | 'eventId' | 'userId' | 'seats' | 'areas' | 'total' | 'pricing'>): string {
  const { orderId, eventId, userId, seats, areas, total, pricing } = order;
  const data: OrderWebhookData = { orderId, eventId, userId, seats, areas, total };
  if (pricing) data.pricing = pricing;
  return JSON.stringify(data);
}

/** Finds the priced item of each seat and standing place of an order (null: not recorded). */
export interface PricedTickets {
  seat(seatId: string): PricedItem | null;
  /** Place `index` (from 0) of the order's places in `areaId`, in the order of the pricing's items. */
  place(areaId: string, index: number): PricedItem | null;
}

/** The tickets of an order stored before tiers and fees: nothing recorded. */
const UNPRICED: PricedTickets = { seat: () => null, place: () => null };

/** The items of an order's pricing, by seat and by standing place. */
export function pricedTickets(pricing: OrderPricing | null | undefined): PricedTickets {
  if (!pricing) return UNPRICED;
  const seats = new Map<string, PricedItem>();
  const areaRuns = new Map<string, PricedItem[]>();
  for (const item of pricing.items) {
    if (item.seatId !== undefined) seats.set(item.seatId, item);
    else if (item.areaId !== undefined) {
      const runs = areaRuns.get(item.areaId) ?? [];
      runs.push(item);
      areaRuns.set(item.areaId, runs);
    }
  }
  return {
    seat: (seatId) => seats.get(seatId) ?? null,
    place: (areaId, index) => {
      let rest = index;
      for (const run of areaRuns.get(areaId) ?? []) {
        if (rest < run.count) return run;
        rest -= run.count;
      }
      return null;
    },
  };
}

/** The tier of each seat and standing place of an order. */
function ticketTiers(pricing: OrderPricing | null): { seat(seatId: string): string | null; place(areaId: string, index: number): string | null } {
  const priced = pricedTickets(pricing);
  return {
    seat: (seatId) => priced.seat(seatId)?.tier ?? null,
    place: (areaId, index) => priced.place(areaId, index)?.tier ?? null,
  };
}

function withTier<T extends { code: string }>(ticket: T, tier: string | null): T & { tier?: string } {
  return tier === null ? ticket : { ...ticket, tier };
}

/** The page cursor after an order of `seq`. */
export function encodeCursor(seq: Int8): string {
  return Buffer.from(String(seq)).toString('base64url');
}

/** The seq a cursor stands for; anything this store did not hand out is an InvalidCursorError. */
export function decodeCursor(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString();
  if (!/^[1-9][0-9]{0,17}$/.test(seq) || encodeCursor(seq) !== cursor) throw new InvalidCursorError(cursor);
  return seq;
}

/** A row of COMMIT_ORDERS's JSON document: its keys are the statement's column names. */
interface CommitRow {
  id: string;
  user_id: string;
  hold_id: string;
  total: number;
  idempotency_key: string | null;
  created_at: string;
  seats: string[];
  areas: Record<string, number>;
  pricing: OrderPricing | null;
}

/** The parameters of COMMIT_ORDERS, in its order: the batch as one JSON document, and its announcements. */
export function commitParams(eventId: string, epoch: number, orders: NewOrder[], announce = true): unknown[] {
  const n = orders.length;
  const rows = new Array<CommitRow>(n);
  const payloads = new Array<string>(announce ? n : 0);
  for (let i = 0; i < n; i++) {
    const order = orders[i];
    if (order.eventId !== eventId) throw new Error(`order ${order.orderId} is for ${order.eventId}, not ${eventId}`);
    rows[i] = {
      id: order.orderId,
      user_id: order.userId,
      hold_id: order.holdId,
      total: order.total,
      idempotency_key: order.idempotencyKey,
      created_at: new Date(order.createdAt).toISOString(),
      seats: order.seats,
      areas: order.areas,
      pricing: order.pricing ?? null,
    };
    if (announce) payloads[i] = orderPayload(order);
  }
  return [eventId, epoch, JSON.stringify(rows), payloads];
}

/** Orders of the batch that do not fit the standing areas' room, taken in batch order. */
export function overfullOrders(orders: NewOrder[], room: Map<string, number>): string[] {
  const over: string[] = [];
  for (const order of orders) {
    let fits = true;
    for (const areaId in order.areas) if (order.areas[areaId] > (room.get(areaId) ?? 0)) fits = false;
    if (!fits) {
      over.push(order.orderId);
      continue;
    }
    for (const areaId in order.areas) room.set(areaId, (room.get(areaId) ?? 0) - order.areas[areaId]);
  }
  return over;
}

/** Ids of the orders that repeat a key of an earlier order, or their own (`keysOf` gives each order's keys). */
export function repeatedWithinBatch(orders: NewOrder[], keysOf: (order: NewOrder) => string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const order of orders) {
    for (const key of keysOf(order)) {
      if (seen.has(key)) repeated.add(order.orderId);
      seen.add(key);
    }
  }
  return [...repeated];
}

/** The ids of `a` and then those of `b` not in `a`. */
export function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
