// The outbox and the schedules' bookkeeping, in domain terms. Rows are written in the transaction
// that makes the fact true (group commit, cancel, sales change) and taken from here by a relay (to
// BullMQ) or by the in-process runner; nothing here knows about queues or HTTP.
// Deliberately left out: reading delivered rows back (the outbox is not an event log) and deleting
// rows (retention is an operator's job).
import type { SalesState } from '../domain/types';

/** One outbox row as a consumer sees it. */
export interface OutboxMessage {
  /** The outbox id (bigint, as text): stable across retries, so receivers deduplicate by it. */
  id: string;
  eventId: string;
  /** `order.confirmed`, `event.sales_opened`, `hold.created`, … */
  type: string;
  payload: Record<string, unknown>;
  /** When the row was written (ISO 8601, UTC, ms). */
  createdAt: string;
  /** Failed delivery attempts so far (in-process runner). */
  attempts: number;
}

/** A row to write. `dedupeKey`: at most one row ever has it (later writes are dropped). */
export interface NewOutboxMessage {
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
  dedupeKey?: string;
}

/** A message whose last delivery attempt failed. */
export interface DeadLetter extends OutboxMessage {
  /** ISO 8601. */
  deadAt: string;
  lastError: string | null;
}

/** A dead letter sent again. */
export interface ResentLetter {
  id: string;
  eventId: string;
  type: string;
}

/** Where a row stands, for the stuck-outbox sweep. */
export interface QueuedMessage {
  id: string;
  /** Epoch ms when it was handed to the queue. */
  relayedAt: number;
}

/** Counts for /metrics. */
export interface OutboxCounts {
  /** Not yet relayed or finished. */
  pending: number;
  /** Relayed to the queue, not yet delivered or dead. */
  queued: number;
  dead: number;
}

/** What the jobs need of Postgres for the outbox. All times are epoch ms from the caller's clock. */
export interface OutboxStore {
  /** Writes rows; rows whose dedupeKey exists are skipped. Returns how many were written. */
  append(messages: NewOutboxMessage[]): Promise<number>;
  /**
   * Persists staff's pause/resume and, only if the stored state changed, an `event.sales_closed` /
   * `event.sales_opened` row, in one statement. Returns whether it changed.
   */
  setSales(eventId: string, sales: SalesState): Promise<boolean>;
  /**
   * Writes `event.sales_opened` for every event whose salesOpenAt passed (and salesCloseAt did not),
   * and `event.sales_closed` for every event whose salesCloseAt passed, once each (dedupe keys), for
   * times within `lookbackMs` of `now`. Returns the rows written.
   */
  announceSalesWindows(now: number, lookbackMs: number): Promise<number>;
  /** Takes up to `limit` pending rows that are due at `now`, leasing them until `leaseUntil`; oldest first. */
  claimPending(limit: number, now: number, leaseUntil: number): Promise<OutboxMessage[]>;
  /** The rows were handed to the queue (BullMQ mode). */
  markRelayed(ids: string[], now: number): Promise<void>;
  /** Nobody subscribes to these rows' types: done without delivery. */
  markSkipped(ids: string[], now: number): Promise<void>;
  /** The receiver acknowledged these rows. */
  markDelivered(ids: string[], now: number): Promise<void>;
  /** An attempt failed: counts it, keeps the row pending and due again at `retryAt`. */
  recordFailure(id: string, error: string, retryAt: number): Promise<void>;
  /** The last attempt failed: the row is a dead letter. */
  markDead(id: string, error: string, attempts: number, now: number): Promise<void>;
  /** Rows relayed before `relayedBefore` and neither delivered nor dead, oldest first. */
  findQueued(relayedBefore: number, limit: number): Promise<QueuedMessage[]>;
  /** Puts rows back to pending (their queue job was lost), keeping their attempt count. */
  requeue(ids: string[]): Promise<void>;
  /** Makes the dead letters among `ids` pending again with a fresh attempt count; returns those. */
  resendDead(ids: string[]): Promise<ResentLetter[]>;
  /** Dead letters, newest first; `beforeId` pages on. */
  listDead(limit: number, beforeId?: string): Promise<DeadLetter[]>;
  /** Row counts by state. */
  counts(): Promise<OutboxCounts>;
}

/** Sold seats and GA places of one event, as Postgres records them. */
export interface SoldCounts {
  seats: number;
  places: number;
}

/** What the schedules need of Postgres. */
export interface ScheduleStore {
  /**
   * Claims the run of `name` at cron slot `slot` for `nodeId`, leased until `leaseUntil`: true only
   * for one caller per slot in the whole cluster, and only once the previous run's lease is over.
   * Never waits for another node (pg_try_advisory_xact_lock).
   */
  claimRun(name: string, slot: number, nodeId: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Ends the lease of the run claimed for `slot`, so the next slot need not wait for it. */
  finishRun(name: string, slot: number, now: number): Promise<void>;
  /** Sold seats and places of each event named, from confirmed orders (absent events: zeros). */
  soldCounts(eventIds: string[]): Promise<Map<string, SoldCounts>>;
}
