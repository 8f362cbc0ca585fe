// EventStore over SQL (pg or PGlite through SqlClient). The hot path, commitOrders, is one statement
// per batch; everything else is rare (activation, staff actions, HTTP reads) and favours clarity.
import type { ConfirmedOrder, EventDefinition, EventRestore, SalesState } from '../domain/types';
import { InvalidCursorError } from './event-store';
import type {
  CommitResult,
  EventStore,
  EventSummary,
  NewOrder,
  OrderPage,
  Ownership,
  StoredOrder,
} from './event-store';
import * as sql from './event-store-sql';
import { migrate } from './migrator';
import type { Migration } from './migrator';
import { errorCode } from './sql-client';
import type { SqlClient } from './sql-client';
import { newTicketCode } from './ticket-code';

/** int8 columns arrive as strings from pg and as numbers from PGlite. */
type Int8 = string | number;

/** A row of the order statements (ORDER_SELECT in event-store-sql.ts). */
interface OrderRow {
  id: string;
  event_id: string;
  user_id: string;
  hold_id: string;
  total: Int8;
  status: 'confirmed' | 'cancelled';
  seq: Int8;
  created_at: string;
  seats: { seatId: string; code: string; voided: boolean }[];
  areas: Record<string, number>;
  area_tickets: { areaId: string; code: string; voided: boolean }[];
}

/**
 * A unique violation whose cause is gone when we look for it (the clashing order was cancelled in
 * between) is retried; more than this many times in a row is not a race any more but a bug.
 */
const MAX_COMMIT_ATTEMPTS = 3;

function toStoredOrder(row: OrderRow): StoredOrder {
  const tickets: StoredOrder['tickets'] = [];
  // Voided tickets (a cancelled order's) are no longer valid, so they are not shown.
  for (const seat of row.seats) if (!seat.voided) tickets.push({ seatId: seat.seatId, code: seat.code });
  for (const place of row.area_tickets) if (!place.voided) tickets.push({ areaId: place.areaId, code: place.code });
  return {
    orderId: row.id,
    eventId: row.event_id,
    userId: row.user_id,
    holdId: row.hold_id,
    seats: row.seats.map((seat) => seat.seatId),
    areas: row.areas,
    total: Number(row.total),
    status: row.status,
    createdAt: row.created_at,
    tickets,
  };
}

/** The outbox payload of an order event (CONTRACT.md, Webhooks: `data` of order events). */
function orderPayload(order: Pick<StoredOrder, 'orderId' | 'eventId' | 'userId' | 'seats' | 'areas' | 'total'>): string {
  const { orderId, eventId, userId, seats, areas, total } = order;
  return JSON.stringify({ orderId, eventId, userId, seats, areas, total });
}

function encodeCursor(seq: Int8): string {
  return Buffer.from(String(seq)).toString('base64url');
}

/** The seq a cursor stands for; anything this store did not hand out is an InvalidCursorError. */
function decodeCursor(cursor: string): string {
  const seq = Buffer.from(cursor, 'base64url').toString();
  if (!/^[1-9][0-9]{0,17}$/.test(seq) || encodeCursor(seq) !== cursor) throw new InvalidCursorError(cursor);
  return seq;
}

/** The parameters of COMMIT_ORDERS, in its order: the batch flattened into parallel arrays. */
function commitParams(eventId: string, epoch: number, orders: NewOrder[]): unknown[] {
  const o = { ids: [] as string[], users: [] as string[], holds: [] as string[], totals: [] as number[],
    keys: [] as (string | null)[], createdAt: [] as string[], payloads: [] as string[] };
  const s = { orders: [] as string[], seats: [] as string[], positions: [] as number[], codes: [] as string[] };
  const a = { orders: [] as string[], areas: [] as string[], places: [] as number[] };
  const t = { orders: [] as string[], areas: [] as string[], positions: [] as number[], codes: [] as string[] };
  for (const order of orders) {
    if (order.eventId !== eventId) throw new Error(`order ${order.orderId} is for ${order.eventId}, not ${eventId}`);
    o.ids.push(order.orderId);
    o.users.push(order.userId);
    o.holds.push(order.holdId);
    o.totals.push(order.total);
    o.keys.push(order.idempotencyKey);
    o.createdAt.push(new Date(order.createdAt).toISOString());
    o.payloads.push(orderPayload(order));
    order.seats.forEach((seatId, position) => {
      s.orders.push(order.orderId);
      s.seats.push(seatId);
      s.positions.push(position);
      s.codes.push(newTicketCode());
    });
    for (const [areaId, places] of Object.entries(order.areas)) {
      a.orders.push(order.orderId);
      a.areas.push(areaId);
      a.places.push(places);
      for (let position = 0; position < places; position++) {
        t.orders.push(order.orderId);
        t.areas.push(areaId);
        t.positions.push(position);
        t.codes.push(newTicketCode());
      }
    }
  }
  return [
    eventId, epoch,
    o.ids, o.users, o.holds, o.totals, o.keys, o.createdAt,
    s.orders, s.seats, s.positions, s.codes,
    a.orders, a.areas, a.places,
    t.orders, t.areas, t.positions, t.codes,
    o.payloads,
  ];
}

/** Ids of the orders that repeat a key of an earlier order, or their own (`keysOf` gives each order's keys). */
function repeatedWithinBatch(orders: NewOrder[], keysOf: (order: NewOrder) => string[]): string[] {
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

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** The EventStore over a SqlClient; runs the same SQL on Postgres and PGlite. */
export class PostgresEventStore implements EventStore {
  readonly #db: SqlClient;
  readonly #migrations: Migration[] | undefined;

  /** `migrations` overrides the repo's `migrations/` folder (tests). */
  constructor(db: SqlClient, options: { migrations?: Migration[] } = {}) {
    this.#db = db;
    this.#migrations = options.migrations;
  }

  async migrate(): Promise<void> {
    await migrate(this.#db, this.#migrations);
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  async createEvent(definition: EventDefinition): Promise<'created' | 'exists'> {
    const rows = await this.#db.query(sql.INSERT_EVENT, [
      JSON.stringify(definition),
      definition.id,
      definition.name,
      definition.startsAt,
      definition.salesOpenAt ?? null,
      definition.salesCloseAt ?? null,
    ]);
    return rows.length > 0 ? 'created' : 'exists';
  }

  async listEvents(): Promise<EventSummary[]> {
    const rows = await this.#db.query<{
      id: string; name: string; starts_at: string; sales: SalesState;
      sales_open_at: string | null; sales_close_at: string | null;
    }>(sql.LIST_EVENTS);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      startsAt: row.starts_at,
      sales: row.sales,
      salesOpenAt: row.sales_open_at,
      salesCloseAt: row.sales_close_at,
    }));
  }

  async getDefinition(eventId: string): Promise<EventDefinition | null> {
    const [row] = await this.#db.query<{ definition: EventDefinition }>(sql.SELECT_DEFINITION, [eventId]);
    return row?.definition ?? null;
  }

  loadEvent(eventId: string): Promise<EventRestore | null> {
    // One snapshot for the event, its blocked seats and its orders.
    return this.#db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [event] = await tx.query<{ definition: EventDefinition; sales: SalesState }>(sql.SELECT_EVENT, [eventId]);
      if (!event) return null;
      const blocked = await tx.query<{ seat_id: string }>(sql.SELECT_BLOCKED, [eventId]);
      const orders = await tx.query<{
        id: string; user_id: string; total: Int8; seats: string[]; areas: Record<string, number>;
      }>(sql.SELECT_LIVE_ORDERS, [eventId]);
      const index = new Map(event.definition.seats.map((seat, i) => [seat.id, i]));
      // Seat ids come from the definition, which never changes, so every id has an index.
      const toIndexes = (ids: string[]): number[] => ids.flatMap((id) => index.get(id) ?? []);
      return {
        definition: event.definition,
        sales: event.sales,
        blocked: toIndexes(blocked.map((row) => row.seat_id)),
        orders: orders.map((row): ConfirmedOrder => ({
          orderId: row.id,
          userId: row.user_id,
          seats: toIndexes(row.seats),
          areas: row.areas,
          total: Number(row.total),
        })),
        holds: [],
      };
    });
  }

  async claimOwnership(eventId: string, nodeId: string): Promise<number> {
    const [row] = await this.#db.query<{ epoch: Int8 }>(sql.CLAIM_OWNERSHIP, [eventId, nodeId]);
    return Number(row.epoch);
  }

  async getOwnership(eventId: string): Promise<Ownership | null> {
    const [row] = await this.#db.query<{ node_id: string; epoch: Int8 }>(sql.SELECT_OWNERSHIP, [eventId]);
    return row ? { nodeId: row.node_id, epoch: Number(row.epoch) } : null;
  }

  async commitOrders(eventId: string, epoch: number, orders: NewOrder[]): Promise<CommitResult> {
    if (orders.length === 0) return { ok: true };
    for (let attempt = 1; ; attempt++) {
      try {
        const [row] = await this.#db.query<{ owned: boolean }>(sql.COMMIT_ORDERS, commitParams(eventId, epoch, orders));
        if (row.owned) return { ok: true };
        const owner = await this.getOwnership(eventId);
        return { ok: false, reason: 'fenced', currentEpoch: owner?.epoch ?? null };
      } catch (error) {
        if (errorCode(error) !== '23505' || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
        // Which unique index fails first is up to the planner (the CTE's inserts run interleaved), so
        // look at the data rather than the constraint name. Ids and keys first: a retried batch that
        // did commit also clashes on its own seats, and must not be reported as seat_taken.
        const duplicates = await this.#keyConflicts(eventId, orders);
        if (duplicates.length > 0) return { ok: false, reason: 'duplicate_key', orderIds: duplicates };
        const taken = await this.#seatConflicts(eventId, orders);
        if (taken.length > 0) return { ok: false, reason: 'seat_taken', orderIds: taken };
        // Nothing clashes any more (the clashing order was cancelled meanwhile, or two fresh ticket
        // codes collided): try again with new codes.
      }
    }
  }

  /** Orders of the batch whose seats are sold already, or to an earlier order of the batch. */
  async #seatConflicts(eventId: string, orders: NewOrder[]): Promise<string[]> {
    const orderIds = orders.flatMap((order) => order.seats.map(() => order.orderId));
    const seatIds = orders.flatMap((order) => order.seats);
    const rows = await this.#db.query<{ order_id: string }>(sql.SELECT_SEAT_CONFLICTS, [eventId, orderIds, seatIds]);
    return union(rows.map((row) => row.order_id), repeatedWithinBatch(orders, (order) => order.seats));
  }

  /** Orders of the batch whose id or idempotency key exists already, or in an earlier order of the batch. */
  async #keyConflicts(eventId: string, orders: NewOrder[]): Promise<string[]> {
    const rows = await this.#db.query<{ order_id: string }>(sql.SELECT_KEY_CONFLICTS, [
      eventId,
      orders.map((order) => order.orderId),
      orders.map((order) => order.userId),
      orders.map((order) => order.idempotencyKey),
    ]);
    const keysOf = (order: NewOrder): string[] => [
      `id:${order.orderId}`,
      ...(order.idempotencyKey === null ? [] : [`key:${JSON.stringify([order.userId, order.idempotencyKey])}`]),
    ];
    return union(rows.map((row) => row.order_id), repeatedWithinBatch(orders, keysOf));
  }

  async findOrderByIdempotencyKey(eventId: string, userId: string, key: string): Promise<StoredOrder | null> {
    const [row] = await this.#db.query<OrderRow>(sql.SELECT_ORDER_BY_KEY, [eventId, userId, key]);
    return row ? toStoredOrder(row) : null;
  }

  async getOrder(orderId: string): Promise<StoredOrder | null> {
    const [row] = await this.#db.query<OrderRow>(sql.SELECT_ORDER, [orderId]);
    return row ? toStoredOrder(row) : null;
  }

  async listOrders(eventId: string, after: string | null, limit: number): Promise<OrderPage> {
    const afterSeq = after === null ? '0' : decodeCursor(after);
    // One row more than asked tells whether another page follows.
    const rows = await this.#db.query<OrderRow>(sql.SELECT_ORDER_PAGE, [eventId, afterSeq, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      orders: page.map(toStoredOrder),
      next: rows.length > limit && last ? encodeCursor(last.seq) : null,
    };
  }

  cancelOrder(
    eventId: string,
    epoch: number,
    orderId: string,
  ): Promise<'cancelled' | 'not_found' | 'already_cancelled' | 'fenced'> {
    return this.#db.transaction(async (tx) => {
      if ((await tx.query(sql.LOCK_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
      const [locked] = await tx.query<{ status: string }>(sql.LOCK_ORDER, [orderId, eventId]);
      if (!locked) return 'not_found';
      if (locked.status === 'cancelled') return 'already_cancelled';
      const [row] = await tx.query<OrderRow>(sql.SELECT_ORDER, [orderId]);
      await tx.query(sql.CANCEL_ORDER, [orderId, orderPayload(toStoredOrder(row))]);
      return 'cancelled';
    });
  }

  async setSales(eventId: string, sales: SalesState): Promise<void> {
    await this.#db.query(sql.UPDATE_SALES, [eventId, sales]);
  }

  async setBlocked(eventId: string, seatIds: string[], blocked: boolean): Promise<void> {
    await this.#db.query(blocked ? sql.INSERT_BLOCKED : sql.DELETE_BLOCKED, [eventId, seatIds]);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
