// The durable side of Aisle, in domain terms. Two implementations share one contract suite:
// Postgres through `pg` (DATABASE_URL) and embedded Postgres through PGlite (DATA_DIR).
import type { OrderPricing } from '../domain/pricing';
import type { EventDefinition, EventHeader, SalesState } from '../domain/types';
import type { RoomSnapshot } from '../domain/waiting-room';
import type { EventRestore } from '../domain/event-restore';
import type { FencedWrite, Lifecycle, StoredStaffHold } from './event-admin-writes';
import type { SqlSession } from './sql-client';
import type { OrderReply } from '../../protocol/ticket-replies';

export type { FencedWrite, Lifecycle, StoredStaffHold } from './event-admin-writes';

/** A purchase the actor wants made durable; seats are ids, not indexes (the table keys on ids). */
export interface NewOrder {
  orderId: string;
  eventId: string;
  userId: string;
  holdId: string;
  /** Seat ids. */
  seats: string[];
  /** areaId → places. */
  areas: Record<string, number>;
  total: number;
  /** How the total was made up (tiers, fees, currency); absent: not recorded (stores written directly). */
  pricing?: OrderPricing;
  idempotencyKey: string | null;
  /** Epoch ms, from the actor's clock. */
  createdAt: number;
}

/** Outcome of one group commit. */
export type CommitResult =
  | { ok: true }
  /** The event's epoch moved on: this node no longer owns it and wrote nothing. */
  | { ok: false; reason: 'fenced'; currentEpoch: number | null }
  /** A seat in `orderIds` is already sold (unique key): nothing of the batch was written. */
  | { ok: false; reason: 'seat_taken'; orderIds: string[] }
  /**
   * An order id, or a (user, idempotency key) pair of the event, in `orderIds` already exists (for
   * example a retried batch whose first commit did go through): nothing of the batch was written.
   */
  | { ok: false; reason: 'duplicate_key'; orderIds: string[] };

/** A row of `GET /api/events`. */
export interface EventSummary {
  id: string;
  name: string;
  startsAt: string;
  sales: SalesState;
  salesOpenAt: string | null;
  salesCloseAt: string | null;
  lifecycle: Lifecycle;
}

/** An order as the HTTP API shows it. */
export type StoredOrder = OrderReply;

/** A page of orders, oldest first; pass `next` as `after` for the following page. */
export interface OrderPage {
  orders: StoredOrder[];
  next: string | null;
}

/** Who owns an event, as recorded by the last activation. */
export interface Ownership {
  nodeId: string;
  epoch: number;
}

/** Raised when the database cannot be reached or refuses to work; nothing was changed. */
export class StoreUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Raised when the connection was lost after a statement was sent: it may or may not have committed.
 * `session` names the server session that ran it (SqlClient.endSession makes the outcome final).
 */
export class StoreInDoubtError extends StoreUnavailableError {
  constructor(
    message: string,
    readonly session: SqlSession,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreInDoubtError';
  }
}

/** An ownership claim named an event that does not exist. */
export class UnknownEventError extends Error {
  constructor(readonly eventId: string) {
    super(`no event '${eventId}'`);
    this.name = 'UnknownEventError';
  }
}

/** Raised by `listOrders` when `after` is not a cursor it handed out. */
export class InvalidCursorError extends Error {
  readonly code = 'bad_request';
  constructor(cursor: string) {
    super(`invalid cursor: ${JSON.stringify(cursor)}`);
    this.name = 'InvalidCursorError';
  }
}

/** Everything the server keeps in Postgres. */
export interface EventStore {
  /** Applies pending migrations under an advisory lock (idempotent, safe from many processes). */
  migrate(): Promise<void>;
  /** Cheap reachability check for /readyz. */
  ping(): Promise<void>;
  /** Stores a new event; `exists` when the id is taken (nothing changed). */
  createEvent(definition: EventDefinition): Promise<'created' | 'exists'>;
  /** All events, in creation order. */
  listEvents(): Promise<EventSummary[]>;
  /** The static definition, or null. */
  getDefinition(eventId: string): Promise<EventDefinition | null>;
  /** Whether the event exists: a read, so an unknown id costs no write (no claim, no lease). */
  eventExists(eventId: string): Promise<boolean>;
  /** What an actor needs to start: definition, sales state, blocked seats, live orders, staff holds. */
  loadEvent(eventId: string): Promise<EventRestore | null>;
  /** Bumps the event's ownership epoch for `nodeId` and returns the new epoch; UnknownEventError if there is no such event. */
  claimOwnership(eventId: string, nodeId: string): Promise<number>;
  /** The current owner row, or null if never activated. */
  getOwnership(eventId: string): Promise<Ownership | null>;
  /**
   * Makes a batch of orders durable in one transaction, only if `epoch` is still the event's epoch.
   * StoreUnavailableError: nothing was written. StoreInDoubtError: the connection was lost while the
   * statement ran; storedAmong(ids, error.session) tells what it did.
   * Writes orders, their seats (unique per event among live orders), their standing places (never
   * more than an area holds: a batch that would overfill one is `seat_taken`) and an
   * `order.confirmed` outbox row per order (unless the store was opened not to: no webhook carries
   * them). All or nothing.
   */
  commitOrders(eventId: string, epoch: number, orders: NewOrder[]): Promise<CommitResult>;
  /**
   * Of these order ids, the ones stored (confirmed or cancelled since). After a commitOrders that
   * threw StoreInDoubtError, pass its `session`: that session is ended first, so the answer is
   * final (a statement still running on it can no longer commit afterwards).
   */
  storedAmong(orderIds: string[], lost?: SqlSession): Promise<Set<string>>;
  /**
   * Of these hold ids, the ones an order of the event was bought from, whether that order is live or
   * cancelled since. A hold restored from the journal must not come back if it is among them.
   */
  boughtHolds(eventId: string, holdIds: string[]): Promise<Set<string>>;
  /** A live or cancelled order by the user's idempotency key for the event, or null. */
  findOrderByIdempotencyKey(eventId: string, userId: string, key: string): Promise<StoredOrder | null>;
  /** One order with tickets, or null. */
  getOrder(orderId: string): Promise<StoredOrder | null>;
  /** Orders of an event, oldest first. */
  listOrders(eventId: string, after: string | null, limit: number): Promise<OrderPage>;
  /**
   * Marks a confirmed order cancelled (frees its seats in the unique key, voids its tickets, writes an
   * `order.cancelled` outbox row) if `epoch` is still current. Nothing changes unless `cancelled`.
   */
  cancelOrder(eventId: string, epoch: number, orderId: string): Promise<'cancelled' | 'not_found' | 'already_cancelled' | 'fenced'>;
  /** Persists staff's pause/resume. */
  setSales(eventId: string, sales: SalesState): Promise<void>;
  /** Persists blocked seats (ids). */
  setBlocked(eventId: string, seatIds: string[], blocked: boolean): Promise<void>;
  /**
   * Stores an edited definition (same layout) if `epoch` is still the event's (null: no actor runs it);
   * bumps its revision.
   */
  updateDefinition(epoch: number | null, definition: EventHeader): Promise<FencedWrite | 'not_found'>;
  /** Archives an event or brings it back; its lifecycle after, or null if there is no such event. */
  setArchived(eventId: string, archived: boolean): Promise<Lifecycle | null>;
  /** The event's edit counter, or null if there is no such event (cheap: for definition caches). */
  getRevision(eventId: string): Promise<number | null>;
  /** Persists blocked seats (ids) if `epoch` is still the event's. */
  writeBlocked(eventId: string, epoch: number, seatIds: string[], blocked: boolean): Promise<FencedWrite>;
  /** Stores a new staff hold if `epoch` is still the event's. */
  writeStaffHold(eventId: string, epoch: number, hold: StoredStaffHold): Promise<FencedWrite>;
  /** Deletes a released staff hold if `epoch` is still the event's (none by that id: done). */
  deleteStaffHold(eventId: string, epoch: number, holdId: string): Promise<FencedWrite>;
  /** Saves the event's waiting room whole if `epoch` is still the event's. */
  writeQueue(eventId: string, epoch: number, room: RoomSnapshot): Promise<FencedWrite>;
  /** Persists staff's pause/resume if `epoch` is still the event's. */
  writeSales(eventId: string, epoch: number, sales: SalesState): Promise<FencedWrite>;
  /** Closes connections (or the embedded database). */
  close(): Promise<void>;
}
