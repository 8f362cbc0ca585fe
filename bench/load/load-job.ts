// What the main thread asks a load worker to do, and what the worker reports back. Plain data only:
// it crosses the worker boundary by structured clone.

/** The closed-loop workloads a worker can drive. */
export type LoadKind = 'ping' | 'hold' | 'purchase';

/** Seats `from`..`to - 1` (seat indices) of a `sections`-generated event: section `section` with
 * `seatsPerRow` seats per row, whose seat ids are "<section>-<row>-<number>" (docs/protocol.md). */
export interface SeatRange {
  eventId: string;
  section: string;
  seatsPerRow: number;
  from: number;
  to: number;
}

/** One chain: a closed loop with at most one request in flight. Holds loop over `ranges[0].from`;
 * purchases walk through the ranges in order and stop when they run out. */
export interface ChainPlan {
  ranges: SeatRange[];
}

/** One connection: the user tokens it may authenticate as (the first on the upgrade URL, the next
 * ones by `auth` when a purchase chain reaches the event's per-user seat cap) and its chains, whose
 * count is the connection's pipeline depth. */
export interface ConnectionPlan {
  tokens: string[];
  chains: ChainPlan[];
}

/** Everything one worker needs. Times are on the shared monotonic clock (hrtime, in ms). */
export interface LoadJob {
  host: string;
  port: number;
  kind: LoadKind;
  connections: ConnectionPlan[];
  /** The per-user seat cap of the events (docs/protocol.md `maxSeatsPerUser`). */
  maxSeatsPerUser: number;
  warmupMs: number;
  durationMs: number;
}

/** Worker → main messages. */
export type WorkerReport =
  | { type: 'connected'; connections: number }
  | { type: 'failed'; message: string }
  | { type: 'done'; result: LoadResult };

/** Main → worker: start the loop now; the measured window is [startAt + warmupMs, + durationMs). */
export interface GoMessage {
  type: 'go';
  startAt: number;
}

/** What one worker measured inside the window. */
export interface LoadResult {
  /** Completed commands (ping/pong, hold, release) or purchases (hold + buy). */
  completed: number;
  /** Latency of each completed command in ms; for purchases, of the buy step. */
  latencies: Float64Array;
  /** Purchases only: hold sent → order received, in ms. */
  totalLatencies: Float64Array;
  /** Error replies by code, including outside the window. */
  errors: Record<string, number>;
  /** Purchase chains that ran out of seats or user tokens before the window ended. */
  exhaustedChains: number;
  /** Requests still unanswered when the worker gave up waiting after the window. */
  unanswered: number;
}

/** The seat id of seat index `index` in a range's section (rows and numbers count from 1). */
export function seatIdAt(range: SeatRange, index: number): string {
  const row = Math.floor(index / range.seatsPerRow) + 1;
  const number = (index % range.seatsPerRow) + 1;
  return `${range.section}-${row}-${number}`;
}

/** The shared monotonic clock in ms: hrtime is CLOCK_MONOTONIC, the same in every thread and process. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
