// EventStore over SQL (pg or PGlite through SqlClient). The hot path, commitOrders, is one statement
// per batch; everything else is rare (activation, staff actions, HTTP reads) and favours clarity.
import { SeatTable } from '../domain/seat-table';
import type { ConfirmedOrder, EventDefinition, EventHeader, SalesState, SeatDefinition } from '../domain/types';
import type { EventRestore } from '../domain/event-restore';
import type { RoomSnapshot } from '../domain/waiting-room';
import { UnknownEventError } from './event-store';
import type {
  CommitResult,
  EventStore,
  EventSummary,
  NewOrder,
  OrderPage,
  Ownership,
  StoredOrder,
  StoredStaffHold,
} from './event-store';
import * as admin from './event-admin-writes';
import type { FencedWrite, Lifecycle } from './event-admin-writes';
import * as sql from './event-store-sql';
import { decodeLayoutColumn, encodeLayoutColumn } from './layout-column';
import { migrate } from './migrator';
import { commitParams, decodeCursor, encodeCursor, orderPayload, overfullOrders, repeatedWithinBatch, toStoredOrder, union } from './order-rows';
import type { Int8, OrderRow } from './order-rows';
import type { Migration } from './migrator';
import { errorCode } from './sql-client';
import type { SqlClient, SqlSession } from './sql-client';
import { devTicketSecret, TicketCodes } from './ticket-code';

/**
 * A unique violation whose cause is gone when we look for it (the clashing order was cancelled in
 * between) is retried; more than this many times in a row is not a race any more but a bug.
 */
const MAX_COMMIT_ATTEMPTS = 3;

/** Postgres foreign_key_violation (SQLSTATE). */
const FOREIGN_KEY_VIOLATION = '23503';

/** The EventStore over a SqlClient; runs the same SQL on Postgres and PGlite. */
export class PostgresEventStore implements EventStore {
  readonly #db: SqlClient;
  readonly #migrations: Migration[] | undefined;
  readonly #codes: TicketCodes;
  readonly #announceOrders: boolean;

  /**
   * `ticketSecret` signs the ticket codes of orders read back (config TICKET_SECRET; tests may leave it
   * out and get a fixed development secret). `migrations` overrides the repo's `migrations/` folder.
   * `announceOrders: false` leaves out the `order.confirmed` outbox rows of commitOrders: for a node whose
   * webhooks do not carry that type, whose relay would only settle each row as skipped.
   */
  constructor(db: SqlClient, options: { migrations?: Migration[]; ticketSecret?: string; announceOrders?: boolean } = {}) {
    this.#db = db;
    this.#migrations = options.migrations;
    this.#announceOrders = options.announceOrders ?? true;
    this.#codes = new TicketCodes(options.ticketSecret ?? devTicketSecret('unconfigured'));
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
      encodeLayoutColumn(SeatTable.fromSeats(definition.seats, definition.categories)),
    ]);
    return rows.length > 0 ? 'created' : 'exists';
  }

  async listEvents(): Promise<EventSummary[]> {
    const rows = await this.#db.query<{
      id: string; name: string; starts_at: string; sales: SalesState;
      sales_open_at: string | null; sales_close_at: string | null; lifecycle: Lifecycle;
    }>(sql.LIST_EVENTS);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      startsAt: row.starts_at,
      sales: row.sales,
      salesOpenAt: row.sales_open_at,
      salesCloseAt: row.sales_close_at,
      lifecycle: row.lifecycle,
    }));
  }

  async getDefinition(eventId: string): Promise<EventDefinition | null> {
    const [row] = await this.#db.query<{ definition: EventDefinition }>(sql.SELECT_DEFINITION, [eventId]);
    return row?.definition ?? null;
  }

  async loadEvent(eventId: string): Promise<EventRestore | null> {
    let built: SeatTable | null = null;
    // One snapshot for the event, its blocked seats, its orders and its staff holds.
    const restore = await this.#db.transaction(async (tx): Promise<EventRestore | null> => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const [event] = await tx.query<{ definition: EventHeader; sales: SalesState; layout: Uint8Array | null }>(sql.SELECT_EVENT, [eventId]);
      if (!event) return null;
      let seats: SeatTable;
      if (event.layout) {
        seats = decodeLayoutColumn(event.layout);
      } else {
        const [row] = await tx.query<{ seats: SeatDefinition[] | null }>(sql.SELECT_SEATS, [eventId]);
        seats = built = SeatTable.fromSeats(row.seats ?? [], event.definition.categories);
      }
      const blocked = await tx.query<{ seat_id: string }>(sql.SELECT_BLOCKED, [eventId]);
      const staffHolds = await admin.readStaffHolds(tx, eventId);
      const orders = await tx.query<{
        id: string; user_id: string; hold_id: string; total: Int8; seats: string[]; areas: Record<string, number>; created_ms: number;
      }>(sql.SELECT_LIVE_ORDERS, [eventId]);
      // Seat ids come from the definition, which never changes, so every id has an index.
      const toIndexes = (ids: string[]): number[] => {
        const indexes: number[] = [];
        for (const id of ids) {
          const index = seats.indexOf(id);
          if (index >= 0) indexes.push(index);
        }
        return indexes;
      };
      return {
        definition: event.definition,
        seats,
        sales: event.sales,
        blocked: toIndexes(blocked.map((row) => row.seat_id)),
        orders: orders.map((row): ConfirmedOrder => ({
          orderId: row.id,
          userId: row.user_id,
          holdId: row.hold_id,
          seats: toIndexes(row.seats),
          areas: row.areas,
          total: Number(row.total),
          confirmedAt: Number(row.created_ms),
        })),
        holds: [],
        staffHolds: staffHolds.map((hold) => ({ ...hold, seats: toIndexes(hold.seats) })),
        queue: await admin.readQueue(tx, eventId),
      };
    });
    // An event from before layouts were stored: keep the one just built for the next activation.
    if (built) await this.#db.query(sql.UPDATE_LAYOUT, [eventId, encodeLayoutColumn(built)]);
    return restore;
  }

  async claimOwnership(eventId: string, nodeId: string): Promise<number> {
    try {
      const [row] = await this.#db.query<{ epoch: Int8 }>(sql.CLAIM_OWNERSHIP, [eventId, nodeId]);
      return Number(row.epoch);
    } catch (error) {
      // foreign_key_violation: the claim named an event that does not exist.
      if (errorCode(error) === FOREIGN_KEY_VIOLATION) throw new UnknownEventError(eventId);
      throw error;
    }
  }

  async eventExists(eventId: string): Promise<boolean> {
    return (await this.#db.query(sql.SELECT_EVENT_EXISTS, [eventId])).length > 0;
  }

  async getOwnership(eventId: string): Promise<Ownership | null> {
    const [row] = await this.#db.query<{ node_id: string; epoch: Int8 }>(sql.SELECT_OWNERSHIP, [eventId]);
    return row ? { nodeId: row.node_id, epoch: Number(row.epoch) } : null;
  }

  async commitOrders(eventId: string, epoch: number, orders: NewOrder[]): Promise<CommitResult> {
    if (orders.length === 0) return { ok: true };
    for (let attempt = 1; ; attempt++) {
      try {
        // Prepared: one plan serves every batch (an insert from parallel arrays), and each batch sends
        // its parameters only instead of the statement to parse and plan again.
        const [row] = await this.#db.query<{ owned: boolean }>(sql.COMMIT_ORDERS, commitParams(eventId, epoch, orders, this.#announceOrders), {
          prepared: true,
        });
        if (row.owned) return { ok: true };
        // The refusal is final; who owns the event now is only a hint, and failing to learn it must not
        // turn a definite `fenced` into a retry.
        const owner = await this.getOwnership(eventId).catch(() => null);
        return { ok: false, reason: 'fenced', currentEpoch: owner?.epoch ?? null };
      } catch (error) {
        const code = errorCode(error);
        if ((code !== '23505' && code !== '23514') || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
        if (code === '23514') {
          // A standing area would go over its capacity (area_sales): name the orders that do not fit.
          const over = await this.#areaConflicts(eventId, orders);
          if (over.length > 0) return { ok: false, reason: 'seat_taken', orderIds: over };
          continue;
        }
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

  /** Orders of the batch that do not fit in what is left of their standing areas. */
  async #areaConflicts(eventId: string, orders: NewOrder[]): Promise<string[]> {
    const rows = await this.#db.query<{ area_id: string; room: number }>(sql.SELECT_AREA_ROOM, [eventId]);
    return overfullOrders(orders, new Map(rows.map((row) => [row.area_id, Number(row.room)])));
  }

  async storedAmong(orderIds: string[], lost?: SqlSession): Promise<Set<string>> {
    if (lost) await this.#db.endSession(lost);
    if (orderIds.length === 0) return new Set();
    const rows = await this.#db.query<{ id: string }>(sql.SELECT_STORED_ORDER_IDS, [orderIds]);
    return new Set(rows.map((row) => row.id));
  }

  async boughtHolds(eventId: string, holdIds: string[]): Promise<Set<string>> {
    if (holdIds.length === 0) return new Set();
    const rows = await this.#db.query<{ hold_id: string }>(sql.SELECT_BOUGHT_HOLDS, [eventId, holdIds]);
    return new Set(rows.map((row) => row.hold_id));
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
    return row ? toStoredOrder(row, this.#codes) : null;
  }

  async getOrder(orderId: string): Promise<StoredOrder | null> {
    const [row] = await this.#db.query<OrderRow>(sql.SELECT_ORDER, [orderId]);
    return row ? toStoredOrder(row, this.#codes) : null;
  }

  async listOrders(eventId: string, after: string | null, limit: number): Promise<OrderPage> {
    const afterSeq = after === null ? '0' : decodeCursor(after);
    // One row more than asked tells whether another page follows.
    const rows = await this.#db.query<OrderRow>(sql.SELECT_ORDER_PAGE, [eventId, afterSeq, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      orders: page.map((row) => toStoredOrder(row, this.#codes)),
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
      await tx.query(sql.CANCEL_ORDER, [orderId, orderPayload(toStoredOrder(row, this.#codes))]);
      return 'cancelled';
    });
  }

  async setSales(eventId: string, sales: SalesState): Promise<void> {
    await this.#db.query(sql.UPDATE_SALES, [eventId, sales]);
  }

  async setBlocked(eventId: string, seatIds: string[], blocked: boolean): Promise<void> {
    await this.#db.query(blocked ? sql.INSERT_BLOCKED : sql.DELETE_BLOCKED, [eventId, seatIds]);
  }

  updateDefinition(epoch: number | null, definition: EventHeader): Promise<FencedWrite | 'not_found'> {
    return admin.writeDefinition(this.#db, epoch, definition);
  }

  setArchived(eventId: string, archived: boolean): Promise<Lifecycle | null> {
    return admin.writeArchived(this.#db, eventId, archived);
  }

  getRevision(eventId: string): Promise<number | null> {
    return admin.readRevision(this.#db, eventId);
  }

  writeBlocked(eventId: string, epoch: number, seatIds: string[], blocked: boolean): Promise<FencedWrite> {
    return admin.writeBlocked(this.#db, eventId, epoch, seatIds, blocked);
  }

  writeStaffHold(eventId: string, epoch: number, hold: StoredStaffHold): Promise<FencedWrite> {
    return admin.writeStaffHold(this.#db, eventId, epoch, hold);
  }

  deleteStaffHold(eventId: string, epoch: number, holdId: string): Promise<FencedWrite> {
    return admin.deleteStaffHold(this.#db, eventId, epoch, holdId);
  }

  writeQueue(eventId: string, epoch: number, room: RoomSnapshot): Promise<FencedWrite> {
    return admin.writeQueue(this.#db, eventId, epoch, room);
  }

  writeSales(eventId: string, epoch: number, sales: SalesState): Promise<FencedWrite> {
    return admin.writeSales(this.#db, eventId, epoch, sales);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
