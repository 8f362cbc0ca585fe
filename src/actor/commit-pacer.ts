// How big a group commit may be and how many may be in flight, from the commit times measured.
// The batch that waits is the batch that fills: orders queue behind the transactions in flight and
// the next free slot takes them all, up to a size that commits within TARGET_COMMIT_MS at the
// measured cost per order (so one batch never grows into a latency spike). When orders still wait
// after a commit, the queue outgrew what one transaction at a time can carry: one more may run.
// When a commit finds nothing waiting, one fewer runs. At low load this means one small transaction
// at a time, answered at once; at high load several large ones overlapping their round trips and
// WAL flushes.

/** A batch is sized to commit in about this long (ms): a few WAL flushes, well inside the buy p99 budget. */
export const TARGET_COMMIT_MS = 8;
/** The smallest batch limit: below it the fixed cost of a transaction dominates. */
const MIN_BATCH = 32;
/** Weight of the newest sample in the moving average of the cost per order. */
const EWMA_WEIGHT = 0.2;

/** Batch size and transactions in flight for one committer; adapts to every measured commit. */
export class CommitPacer {
  /** Moving average of commit ms per order; null until the first commit. */
  private msPerOrder: number | null = null;
  private inFlight = 1;

  constructor(
    /** Upper bounds (configuration: COMMIT_MAX_BATCH, COMMIT_MAX_IN_FLIGHT). */
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  /** Most orders the next transaction may take. */
  get batchLimit(): number {
    if (this.msPerOrder === null) return Math.min(this.maxBatch, MIN_BATCH);
    const fits = Math.floor(TARGET_COMMIT_MS / this.msPerOrder);
    return Math.max(Math.min(MIN_BATCH, this.maxBatch), Math.min(this.maxBatch, fits));
  }

  /** Most transactions that may run at once now. */
  get inFlightLimit(): number {
    return this.inFlight;
  }

  /** A commit of `size` orders took `ms`; `waiting` orders were queued when it ended. */
  committed(size: number, ms: number, waiting: number): void {
    if (size > 0) {
      const sample = ms / size;
      this.msPerOrder = this.msPerOrder === null ? sample : this.msPerOrder + EWMA_WEIGHT * (sample - this.msPerOrder);
    }
    if (waiting >= this.batchLimit) this.inFlight = Math.min(this.maxInFlight, this.inFlight + 1);
    else if (waiting === 0) this.inFlight = Math.max(1, this.inFlight - 1);
  }
}
