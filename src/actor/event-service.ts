// What the gateway asks of an event, wherever its actor lives. The local implementation calls the
// actor in this process; the cluster's forwards to the owner node. Replies are outcomes, not throws:
// `seat_unavailable` is the common case of an on-sale, not an exception.
import type { ErrorCode, HoldView, QueuePush, SalesStats } from '../../protocol';
import type { EventPatch, OrderPricing, TierChoice } from '../domain';
import type { JoinView, QueueInfoView } from './queue-views';
import type { BestRequest, EventHeader, SeatCounts } from '../domain/types';

/** A failed request: a protocol error code, a message for people, and the seats concerned. */
export interface Failure {
  code: ErrorCode;
  message: string;
  seats?: string[];
  /**
   * Internal (never sent to clients): the owner tried and the epoch check refused the write, so this
   * `moved` is the answer itself, not a routing hiccup to retry behind the client's back.
   */
  fenced?: boolean;
}

/** Success with a value, or a failure that changed nothing. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Failure };

/**
 * What to hold: named seats, the best seats, or general-admission places (the gateway makes it from the
 * wire's HoldFrame, protocol/client-messages.ts); `holdKey` names the request
 * so a repeat gets the same hold back (docs/protocol.md, "Holds a user can find again").
 */
export type HoldRequest = (
  | { kind: 'seats'; seats: string[] }
  | { kind: 'best'; best: BestRequest }
  | { kind: 'area'; areaId: string; count: number }
) & { holdKey?: string };

/** What staff hold for the house (comps, house seats): seats, standing places and why. */
export interface StaffHoldRequest {
  seats: string[];
  /** areaId → places. */
  areas: Record<string, number>;
  note: string;
}

/** A whole hold, as the `held` reply describes it. */
export interface HeldView {
  holdId: string;
  seats: string[];
  areas: Record<string, number>;
  expiresAt: number;
}

/** What a release freed. */
export interface ReleasedView {
  holdId: string;
  seats: string[];
  areas: Record<string, number>;
}

/** A confirmed order, as the `order` reply describes it. */
export interface OrderView {
  orderId: string;
  holdId: string;
  seats: string[];
  areas: Record<string, number>;
  total: number;
  /** How the total was made up (tickets by tier, fees, currency); absent on orders from before tiers. */
  pricing?: OrderPricing;
  status: 'confirmed';
}

/** Availability at diff `seq` of `epoch`. `status` must not be modified by the caller. */
export interface SnapshotView {
  epoch: number;
  seq: number;
  status: Uint8Array;
  areas: Record<string, number>;
}

/** Live figures for staff: the `stats` message's figures but `viewers`, which each node adds for its own. */
export type StatsView = Omit<SalesStats, 'viewers'> & { queue?: { waiting: number; active: number } };

/** The live part of `GET /api/events/:id`. */
export interface LiveInfoView {
  status: 'on_sale' | 'paused' | 'closed' | 'sold_out' | 'draft';
  counts: SeatCounts;
  areas: Record<string, { capacity: number; available: number }>;
  owner: { nodeId: string; epoch: number };
}

/** An outcome now, or later: the seat commands answer at once when the event's actor is here and idle. */
export type OutcomeSoon<T> = Outcome<T> | Promise<Outcome<T>>;

/** Commands and queries on events, addressed by event id. */
export interface EventService {
  /** The seat commands may answer synchronously (a local actor's decision): callers `await` or test. */
  hold(eventId: string, userId: string, request: HoldRequest, holdId?: string): OutcomeSoon<HeldView>;
  release(
    eventId: string,
    userId: string,
    holdId: string,
    seats?: string[],
    areas?: Record<string, number>,
  ): OutcomeSoon<ReleasedView>;
  extend(eventId: string, userId: string, holdId: string): OutcomeSoon<HeldView>;
  /** The user's live holds in the event, oldest first. */
  holds(eventId: string, userId: string): Promise<Outcome<HeldView[]>>;
  /** Buys a hold; `tiers` names the price tier per seat and place (docs/protocol.md, price tiers). */
  buy(eventId: string, userId: string, holdId: string, idempotencyKey?: string, tiers?: TierChoice): OutcomeSoon<OrderView>;
  snapshot(eventId: string): Promise<Outcome<SnapshotView>>;
  stats(eventId: string): Promise<Outcome<StatsView>>;
  liveInfo(eventId: string): Promise<Outcome<LiveInfoView>>;
  setSales(eventId: string, open: boolean): Promise<Outcome<{ open: boolean }>>;
  block(eventId: string, seats: string[], blocked: boolean): Promise<Outcome<{ seats: string[] }>>;
  cancelOrder(eventId: string, orderId: string): Promise<Outcome<{ orderId: string }>>;
  /** Admin: edits the event (fields of EventPatch); the definition after the edit. */
  updateEvent(eventId: string, patch: EventPatch): Promise<Outcome<EventHeader>>;
  /** Staff: the live holds of the event. */
  staffHolds(eventId: string): Promise<Outcome<{ holds: HoldInfo[] }>>;
  /** Staff: releases anybody's hold; its owner is pushed `expired`. */
  forceRelease(eventId: string, holdId: string): Promise<Outcome<ReleasedView & { userId: string }>>;
  /** Staff: holds seats and places for the house (never expiring, stored with the event); made by `userId`. */
  placeStaffHold(eventId: string, userId: string, request: StaffHoldRequest): Promise<Outcome<HoldInfo>>;
  /** Staff: releases a staff hold; its seats and places go back on sale. */
  releaseStaffHold(eventId: string, holdId: string): Promise<Outcome<ReleasedView & { userId: string }>>;
  /** Waiting room: take or find the user's place. */
  join(eventId: string, userId: string): Promise<Outcome<JoinView>>;
  /** Waiting room: give the place up. */
  leave(eventId: string, userId: string): Promise<Outcome<Record<string, never>>>;
  /** Waiting room figures for staff. */
  queueInfo(eventId: string): Promise<Outcome<QueueInfoView>>;
}

/** Where an actor's pushes go: diffs to the event's viewers, expiries to the hold's owner. */
export interface EventFeed {
  diff(eventId: string, diff: DiffPush): void;
  expired(userId: string, eventId: string, holdId: string): void;
  /** Waiting-room pushes to the user (position, admitted, queue_closed); none: not delivered. */
  queue?(userId: string, message: QueuePush): void;
}

/** One coalesced diff, as docs/protocol.md's `diff` push carries it. */
export interface DiffPush {
  epoch: number;
  seq: number;
  changes: [number, number][];
  areas?: Record<string, number>;
  /** Set when the event itself was edited: its public fields as they are now (viewers update in place). */
  event?: EventInfo;
}

/** The public fields of an event that an edit may change, as viewers see them. */
export interface EventInfo {
  name: string;
  startsAt: string;
  status: LiveInfoView['status'];
  salesOpenAt: string | null;
  salesCloseAt: string | null;
  holdTtlSeconds: number;
  maxSeatsPerUser: number;
  categories: { id: string; name: string; price: number }[];
}

/** A live hold as staff see it (`GET /api/events/:id/holds`). */
export type HoldInfo = HoldView;
