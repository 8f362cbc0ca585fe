// How big a group commit may be and how many may be in flight, from the commit times measured.
// The batch that waits is the batch that fills: orders queue behind the transactions in flight and
// the next free slot takes them all, up to a limit learnt from how long full batches took to commit:
// one that committed well inside TARGET_COMMIT_MS lets the next be larger (at most twice), one that
// took longer makes it smaller (so one batch never grows into a latency spike). Only when batches are
// as large as the target allows and more orders still wait than one may take does one more transaction
// run; when what arrives during a commit (the orders waiting, times the transactions sharing them)
// would fit in one batch, one fewer runs. At low load this means one small transaction at a time,
// answered at once; at high load one large one, and several overlapping their round trips and WAL
// flushes only where one cannot keep up.
//
// Only commits that ran alone make batches smaller. A commit that overlapped others shares the
// database's CPU and locks with them and looks slower than one alone would be. The pacer used to learn a cost per
// order from every commit: overlapping commits made the batches smaller, so more orders waited, so
// more transactions ran, each slower again; on a machine whose database shares the CPU it settled at
// the most transactions in flight and the smallest batches, the slowest way to commit there. A cost per
// order also counted each transaction's fixed cost against its orders, so small batches looked dear.

/** A batch is sized to commit in about this long (ms): a few WAL flushes, well inside the buy p99 budget. */
export const TARGET_COMMIT_MS = 8;
/** The smallest batch limit: below it the fixed cost of a transaction dominates. */
const MIN_BATCH = 32;
/** Most a batch limit grows from one commit. */
const MAX_GROWTH = 2;
/** A full batch that commits within this share of the target leaves room to grow before a second transaction. */
const ROOM_SHARE = 0.75;

/** Batch size and transactions in flight for one committer; adapts to every measured commit. */
export class CommitPacer {
  private limit: number;
  /** Whether batches are as large as the target commit time allows (learnt from the last commit alone). */
  private atCeiling = false;
  private inFlight = 1;

  constructor(
    /** Upper bounds (configuration: COMMIT_MAX_BATCH, COMMIT_MAX_IN_FLIGHT). */
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {
    this.limit = Math.min(maxBatch, MIN_BATCH);
  }

  /** Most orders the next transaction may take. */
  get batchLimit(): number {
    return this.limit;
  }

  /** Most transactions that may run at once now. */
  get inFlightLimit(): number {
    return this.inFlight;
  }

  /**
   * A commit of `size` orders took `ms`; `waiting` orders were queued when it ended. `alone`: no other
   * transaction of this committer ran at any time during it.
   */
  committed(size: number, ms: number, waiting: number, alone = true): void {
    if (size > 0) this.learn(size, ms, alone);
    if (waiting >= this.limit && this.atCeiling) this.inFlight = Math.min(this.maxInFlight, this.inFlight + 1);
    else if (waiting * this.inFlight < this.limit) this.inFlight = Math.max(1, this.inFlight - 1);
  }

  private learn(size: number, ms: number, alone: boolean): void {
    // A full batch tells how a larger one would do; a smaller one only when it already took too long.
    if (size < this.limit && ms <= TARGET_COMMIT_MS) return;
    const scale = ms > 0 ? Math.min(MAX_GROWTH, TARGET_COMMIT_MS / ms) : MAX_GROWTH;
    const limit = Math.max(Math.min(this.maxBatch, MIN_BATCH), Math.min(this.maxBatch, Math.floor(size * scale)));
    // One that overlapped others may show room to grow (where overlapping costs nothing, as over a slow
    // network), never a reason to shrink.
    if (!alone && limit < this.limit) return;
    this.limit = limit;
    if (alone) this.atCeiling = limit === this.maxBatch || ms >= ROOM_SHARE * TARGET_COMMIT_MS;
  }
}
