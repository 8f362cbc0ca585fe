// Messages between the bench and its viewer processes (IPC with advanced serialization). A process may
// hold at most 20,000 file descriptors here, so viewers live in child processes of their own.

/** Bench → viewer process. */
export type ToViewers =
  /** Open `count` more guest connections and subscribe each to `eventId`. */
  | { type: 'open'; host: string; port: number; eventId: string; count: number; localAddress?: string }
  /** Close every connection (letting the server close TCP first) and exit. */
  | { type: 'close' };

/** Viewer process → bench. */
export type FromViewers =
  /** Every connection is open and has its snapshot; `snapshotBytes` is the payload size of the last one. */
  | { type: 'opened'; total: number; snapshotBytes: number }
  /**
   * Every connection got the diff `seq`, at these times on the shared monotonic clock (ms); `gaps`:
   * diffs so far whose seq was not the connection's previous one + 1 (0 when every viewer got every diff in order).
   */
  | { type: 'diff'; seq: number; arrivals: Float64Array; gaps: number }
  | { type: 'failed'; message: string };
