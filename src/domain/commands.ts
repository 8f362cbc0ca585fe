// The messages of the pure seat core: commands (imperative), events (past tense) and rejections.
// Nothing here does I/O or reads the clock: time (`now`, epoch ms) and ids come in with each command.
import type { BestRequest, EventHeader, OrderPricing, TierChoice } from './types';

// ---------------------------------------------------------------- commands (imperative)

/** Hold specific seats by id, all or nothing; with `holdId`, add them to that hold. */
export interface HoldSeats {
  type: 'HoldSeats';
  userId: string;
  /** Id for a new hold (ignored when `holdId` is given). */
  newHoldId: string;
  holdId?: string;
  /** The client's name for this request: a repeat gets the same hold back (see hold-keys.ts). */
  holdKey?: string;
  seats: string[];
}
/** Hold the best `count` seats matching the request. */
export interface HoldBest {
  type: 'HoldBest';
  userId: string;
  newHoldId: string;
  holdId?: string;
  holdKey?: string;
  best: BestRequest;
}
/** Hold `count` places of a general-admission area. */
export interface HoldArea {
  type: 'HoldArea';
  userId: string;
  newHoldId: string;
  holdId?: string;
  holdKey?: string;
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
  /** The tier bought per seat and area place (absent: the categories' own prices). */
  tiers?: TierChoice;
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

/** Admins edit the event: `definition` is the next one (same layout), already checked (event-patch.ts). */
export interface UpdateEvent {
  type: 'UpdateEvent';
  definition: EventHeader;
}
/** Staff release someone's hold; its owner is told it expired. A hold being bought cannot be. */
export interface ForceRelease {
  type: 'ForceRelease';
  holdId: string;
}

/**
 * Staff hold seats and places for the house (comps, house seats): all or nothing, whatever the sales
 * state, the per-user limit or the seat rules; the hold never expires and only ReleaseStaffHold ends it.
 */
export interface PlaceStaffHold {
  type: 'PlaceStaffHold';
  /** The staff member making it. */
  userId: string;
  holdId: string;
  note: string;
  seats: string[];
  areas: Record<string, number>;
}
/** Staff release a staff hold: its seats and places go back on sale. */
export interface ReleaseStaffHold {
  type: 'ReleaseStaffHold';
  holdId: string;
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
  | BlockSeats
  | UpdateEvent
  | ForceRelease
  | PlaceStaffHold
  | ReleaseStaffHold;

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
  /** The request's hold key and fingerprint, recorded against the hold. */
  holdKey?: { key: string; fingerprint: string };
}
/** Seats and/or places left a hold; `holdEnded` when nothing remains of it. */
export interface SeatsReleased {
  type: 'SeatsReleased';
  holdId: string;
  userId: string;
  /** `revoked`: staff released it (its owner is told it expired). */
  reason: 'released' | 'expired' | 'revoked';
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
  /** How `total` was made up: tickets by tier, fees, currency. */
  pricing: OrderPricing;
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

/** The event's definition changed (name, dates, window, limits, prices, draft); the layout did not. */
export interface EventUpdated {
  type: 'EventUpdated';
  definition: EventHeader;
}

/** A staff hold was made (seats and places as indexes and counts). */
export interface StaffHoldPlaced {
  type: 'StaffHoldPlaced';
  holdId: string;
  userId: string;
  note: string;
  seats: number[];
  areas: Record<string, number>;
  createdAt: number;
}
/** A staff hold ended; its seats and places are available again. */
export interface StaffHoldReleased {
  type: 'StaffHoldReleased';
  holdId: string;
  userId: string;
  seats: number[];
  areas: Record<string, number>;
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
  | SeatsBlocked
  | EventUpdated
  | StaffHoldPlaced
  | StaffHoldReleased;

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
  | { code: 'orphan_seat'; message: string; seats: string[] }
  | { code: 'bad_request'; message: string };

/** The outcome of `decide`: the events to apply, or a rejection that changes nothing. */
export type Decision = { ok: true; events: DomainEvent[] } | { ok: false; rejection: Rejection };
