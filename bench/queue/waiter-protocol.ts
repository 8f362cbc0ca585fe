// Messages between the queue bench and its waiter processes (IPC with advanced serialization). A
// process may hold at most 20,000 file descriptors here, so waiting users live in child processes.

/** What a waiter process counted so far. */
export interface WaiterCounts {
  /** `queue` pushes (position updates) received. */
  positionPushes: number;
  /** A `queue` push whose position was higher than the user's last one (a place moved back). */
  positionRises: number;
  admitted: number;
  closed: number;
  /** Error replies or pushes, by code. */
  errors: Record<string, number>;
}

/** Bench → waiter process. */
export type ToWaiters =
  /** Open one authenticated connection per token (`/ws?token=`). */
  | { type: 'open'; host: string; port: number; tokens: string[]; localAddress?: string }
  /** Every connection sends `join` for `eventId` at once. */
  | { type: 'join'; eventId: string }
  /** Report the counts so far. */
  | { type: 'count' }
  /** Close every connection (letting the server close TCP first) and exit. */
  | { type: 'close' };

/** Waiter process → bench. */
export type FromWaiters =
  | { type: 'opened'; total: number }
  /**
   * Every join was answered: when the first was sent and the last answered (shared monotonic clock,
   * ms), how many were `queued` and how many `admitted` at once.
   */
  | { type: 'joined'; firstSentAt: number; lastReplyAt: number; queued: number; admitted: number; errors: Record<string, number> }
  /** One of this process's users got its `admitted` push, at `at` on the shared monotonic clock. */
  | { type: 'admitted'; at: number; lastPosition: number }
  | ({ type: 'counts' } & WaiterCounts)
  | { type: 'failed'; message: string };
