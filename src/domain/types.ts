// The vocabulary of the pure seat core: definitions, commands, events and rejections.
// Nothing here does I/O or reads the clock: time (`now`, epoch ms) and ids come in with each command.

/** Seat status codes, as sent on the wire (CONTRACT.md: 0 available, 1 held, 2 sold, 3 blocked). */
export const SeatStatus = { Available: 0, Held: 1, Sold: 2, Blocked: 3 } as const;
/** One of the four seat status codes. */
export type SeatStatusCode = (typeof SeatStatus)[keyof typeof SeatStatus];

/** A price category; prices are integers in the smallest currency unit. */
export interface Category {
  id: string;
  name: string;
  price: number;
}

/** One seat of the static layout; its position in `EventDefinition.seats` is its index. */
export interface SeatDefinition {
  id: string;
  section: string;
  row: string;
  number: number;
  x: number;
  y: number;
  category: string;
  accessible: boolean;
}

/** A general-admission area: `capacity` interchangeable places of one category. */
export interface AreaDefinition {
  id: string;
  name: string;
  capacity: number;
  category: string;
}

/** A fully expanded event definition (sections already generated into seats). */
export interface EventDefinition {
  id: string;
  name: string;
  /** ISO 8601 start time, as given. */
  startsAt: string;
  holdTtlSeconds: number;
  maxSeatsPerUser: number;
  salesOpenAt?: string;
  salesCloseAt?: string;
  categories: Category[];
  seats: SeatDefinition[];
  areas: AreaDefinition[];
}

/** Whether staff have sales open; `sold_out` and `closed` are derived for display. */
export type SalesState = 'open' | 'paused';

/** Counts of seats per status (areas are counted separately). */
export interface SeatCounts {
  available: number;
  held: number;
  sold: number;
  blocked: number;
}

/** What the store knows about an event when its actor is activated. */
export interface EventRestore {
  definition: EventDefinition;
  sales: SalesState;
  /** Indexes of blocked seats. */
  blocked: number[];
  /** Confirmed, not cancelled orders of this event. */
  orders: ConfirmedOrder[];
  /** Holds to restore (cluster failover); empty in single-node mode. */
  holds: HoldSnapshot[];
}

/** A confirmed order as the core tracks it (for limits and cancellation). */
export interface ConfirmedOrder {
  orderId: string;
  userId: string;
  /** Seat indexes. */
  seats: number[];
  /** areaId → places. */
  areas: Record<string, number>;
  total: number;
}

/** A hold as it can be replicated and restored. */
export interface HoldSnapshot {
  holdId: string;
  userId: string;
  seats: number[];
  areas: Record<string, number>;
  createdAt: number;
  expiresAt: number;
  extensions: number;
}

/** Narrowing for best-available. */
export interface BestRequest {
  count: number;
  category?: string;
  section?: string;
  accessible?: boolean;
}

// ---------------------------------------------------------------- commands (imperative)

/** Hold specific seats by id, all or nothing; with `holdId`, add them to that hold. */
export interface HoldSeats {
  type: 'HoldSeats';
  userId: string;
  /** Id for a new hold (ignored when `holdId` is given). */
  newHoldId: string;
  holdId?: string;
  seats: string[];
}
/** Hold the best `count` seats matching the request. */
export interface HoldBest {
  type: 'HoldBest';
  userId: string;
  newHoldId: string;
  holdId?: string;
  best: BestRequest;
}
/** Hold `count` places of a general-admission area. */
export interface HoldArea {
  type: 'HoldArea';
  userId: string;
  newHoldId: string;
  holdId?: string;
  areaId: string;
  count: number;
}
/** Release part of a hold (named seats and area places) or, with nothing named, all of it. */
export interface ReleaseHold {
  type: 'ReleaseHold';
  userId: string;
  holdId: string;
  seats?: string[];
  areas?: Record<string, number>;
}
/** Push a hold's expiry out: min(now + ttl, createdAt + 2 × ttl); at most 3 times. */
export interface ExtendHold {
  type: 'ExtendHold';
  userId: string;
  holdId: string;
}
/** Expire every hold whose `expiresAt <= now` (pending purchases are not expired). */
export interface ExpireHolds {
  type: 'ExpireHolds';
}
/** Start buying a hold: it becomes pending (frozen) until the commit is confirmed or fails. */
export interface StartPurchase {
  type: 'StartPurchase';
  userId: string;
  holdId: string;
  orderId: string;
}
/** The purchase's transaction committed: its seats become sold. */
export interface ConfirmPurchase {
  type: 'ConfirmPurchase';
  holdId: string;
}
/** The purchase's transaction did not commit: the hold is held again, as before. */
export interface FailPurchase {
  type: 'FailPurchase';
  holdId: string;
}
/** Staff cancel a confirmed order: its seats and places become available. */
export interface CancelOrder {
  type: 'CancelOrder';
  orderId: string;
}
/** Staff pause or resume sales. */
export interface SetSales {
  type: 'SetSales';
  open: boolean;
}
/** Staff take seats off sale or put them back (held or sold seats: conflict). */
export interface BlockSeats {
  type: 'BlockSeats';
  seats: string[];
  blocked: boolean;
}

/** Every command the core decides on. */
export type Command =
  | HoldSeats
  | HoldBest
  | HoldArea
  | ReleaseHold
  | ExtendHold
  | ExpireHolds
  | StartPurchase
  | ConfirmPurchase
  | FailPurchase
  | CancelOrder
  | SetSales
  | BlockSeats;

// ---------------------------------------------------------------- events (past tense)

/** Seats and/or places were added to a hold (a new one when `created`). Lists only what was added. */
export interface SeatsHeld {
  type: 'SeatsHeld';
  holdId: string;
  userId: string;
  created: boolean;
  seats: number[];
  areas: Record<string, number>;
  createdAt: number;
  expiresAt: number;
}
/** Seats and/or places left a hold; `holdEnded` when nothing remains of it. */
export interface SeatsReleased {
  type: 'SeatsReleased';
  holdId: string;
  userId: string;
  reason: 'released' | 'expired';
  seats: number[];
  areas: Record<string, number>;
  holdEnded: boolean;
}
/** A hold's expiry moved. */
export interface HoldExtended {
  type: 'HoldExtended';
  holdId: string;
  expiresAt: number;
  extensions: number;
}
/** A hold is pending purchase under `orderId`. */
export interface PurchaseStarted {
  type: 'PurchaseStarted';
  holdId: string;
  userId: string;
  orderId: string;
  seats: number[];
  areas: Record<string, number>;
  total: number;
}
/** A pending purchase committed; the hold is gone and its seats are sold. */
export interface OrderConfirmed {
  type: 'OrderConfirmed';
  orderId: string;
  holdId: string;
  userId: string;
  seats: number[];
  areas: Record<string, number>;
  total: number;
}
/** A pending purchase failed; the hold is held again. */
export interface PurchaseFailed {
  type: 'PurchaseFailed';
  holdId: string;
  orderId: string;
}
/** A confirmed order was cancelled; its seats and places are available again. */
export interface OrderCancelled {
  type: 'OrderCancelled';
  orderId: string;
  userId: string;
  seats: number[];
  areas: Record<string, number>;
}
/** Sales were paused or resumed. */
export interface SalesChanged {
  type: 'SalesChanged';
  open: boolean;
}
/** Seats were blocked or unblocked. */
export interface SeatsBlocked {
  type: 'SeatsBlocked';
  seats: number[];
  blocked: boolean;
}

/** Every event the core emits. */
export type DomainEvent =
  | SeatsHeld
  | SeatsReleased
  | HoldExtended
  | PurchaseStarted
  | OrderConfirmed
  | PurchaseFailed
  | OrderCancelled
  | SalesChanged
  | SeatsBlocked;

// ---------------------------------------------------------------- rejections

/** Why the core refused a command; `code` is the protocol error code. */
export type Rejection =
  | { code: 'not_found'; message: string; seats?: string[] }
  | { code: 'seat_unavailable'; message: string; seats?: string[] }
  | { code: 'hold_not_found'; message: string }
  | { code: 'hold_expired'; message: string }
  | { code: 'limit_exceeded'; message: string }
  | { code: 'sales_closed'; message: string }
  | { code: 'conflict'; message: string; seats?: string[] }
  | { code: 'bad_request'; message: string };

/** The outcome of `decide`: the events to apply, or a rejection that changes nothing. */
export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; rejection: Rejection };
