// The durable side of Aisle, in domain terms. Two implementations share one contract suite:
// Postgres through `pg` (DATABASE_URL) and embedded Postgres through PGlite (DATA_DIR).
import type { EventDefinition, EventRestore, SalesState } from '../domain/types';

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
}

/** An order as the HTTP API shows it. */
export interface StoredOrder {
  orderId: string;
  eventId: string;
  userId: string;
  holdId: string;
  seats: string[];
  areas: Record<string, number>;
  total: number;
  status: 'confirmed' | 'cancelled';
  createdAt: string;
  tickets: { seatId?: string; areaId?: string; code: string }[];
}

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
  /** What an actor needs to start: definition, sales state, blocked seats, live orders. */
  loadEvent(eventId: string): Promise<EventRestore | null>;
  /** Bumps the event's ownership epoch for `nodeId` and returns the new epoch. */
  claimOwnership(eventId: string, nodeId: string): Promise<number>;
  /** The current owner row, or null if never activated. */
  getOwnership(eventId: string): Promise<Ownership | null>;
  /**
   * Makes a batch of orders durable in one transaction, only if `epoch` is still the event's epoch.
   * Writes orders, their seats (unique per event among live orders), area places and an
   * `order.confirmed` outbox row per order. All or nothing.
   */
  commitOrders(eventId: string, epoch: number, orders: NewOrder[]): Promise<CommitResult>;
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
  /** Closes connections (or the embedded database). */
  close(): Promise<void>;
}
