// What the gateway asks of an event, wherever its actor lives. The local implementation calls the
// actor in this process; the cluster's forwards to the owner node. Replies are outcomes, not throws:
// `seat_unavailable` is the common case of an on-sale, not an exception.
import type { ErrorCode, SalesStats } from '../../protocol';
import type { BestRequest, SeatCounts } from '../domain/types';

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

/** What to hold: named seats, the best seats, or general-admission places. */
export type HoldRequest =
  | { kind: 'seats'; seats: string[] }
  | { kind: 'best'; best: BestRequest }
  | { kind: 'area'; areaId: string; count: number };

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
export type StatsView = Omit<SalesStats, 'viewers'>;

/** The live part of `GET /api/events/:id`. */
export interface LiveInfoView {
  status: 'on_sale' | 'paused' | 'closed' | 'sold_out';
  counts: SeatCounts;
  areas: Record<string, { capacity: number; available: number }>;
  owner: { nodeId: string; epoch: number };
}

/** Commands and queries on events, addressed by event id. */
export interface EventService {
  hold(eventId: string, userId: string, request: HoldRequest, holdId?: string): Promise<Outcome<HeldView>>;
  release(
    eventId: string,
    userId: string,
    holdId: string,
    seats?: string[],
    areas?: Record<string, number>,
  ): Promise<Outcome<ReleasedView>>;
  extend(eventId: string, userId: string, holdId: string): Promise<Outcome<HeldView>>;
  buy(eventId: string, userId: string, holdId: string, idempotencyKey?: string): Promise<Outcome<OrderView>>;
  snapshot(eventId: string): Promise<Outcome<SnapshotView>>;
  stats(eventId: string): Promise<Outcome<StatsView>>;
  liveInfo(eventId: string): Promise<Outcome<LiveInfoView>>;
  setSales(eventId: string, open: boolean): Promise<Outcome<{ open: boolean }>>;
  block(eventId: string, seats: string[], blocked: boolean): Promise<Outcome<{ seats: string[] }>>;
  cancelOrder(eventId: string, orderId: string): Promise<Outcome<{ orderId: string }>>;
}

/** Where an actor's pushes go: diffs to the event's viewers, expiries to the hold's owner. */
export interface EventFeed {
  diff(eventId: string, diff: DiffPush): void;
  expired(userId: string, eventId: string, holdId: string): void;
}

/** One coalesced diff, as CONTRACT.md's `diff` push carries it. */
export interface DiffPush {
  epoch: number;
  seq: number;
  changes: [number, number][];
  areas?: Record<string, number>;
}
