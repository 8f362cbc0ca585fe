// Collects items written from hot paths (an actor's applied events, a worker's acknowledgements) and
// writes them in batches: one statement per `flushMs`, never awaited by the caller. A failed write is
// retried with the next batch; items beyond `maxPending` are dropped (and counted) rather than
// buffered without bound while the database is away.
import type { Clock, TimerHandle } from '../actor/clock';

/** Longest wait before retrying a failed write (ms). */
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * The batching of the jobs' writers (announcements, delivered marks): 20 ms gathers well under a diff
 * tick; 1,000 rows make one statement of a few ms; 100,000 kept rows ride out a minute-long outage at
 * over a thousand writes per second.
 */
export const DEFAULT_BATCHING = { flushMs: 20, maxBatch: 1000, maxPending: 100_000 };

/** How a batch writer is tuned. */
export interface BatchWriterOptions<T> {
  write(items: T[]): Promise<void>;
  clock: Clock;
  /** How long items gather before one write (ms). */
  flushMs: number;
  /** Most items per write. */
  maxBatch: number;
  /** Items kept while writes fail; beyond that they are dropped (and counted). */
  maxPending: number;
  onError(error: unknown): void;
  onDropped?(count: number): void;
  /** After a batch was written. */
  onWritten?(items: T[]): void;
}

/** A buffer that writes itself out. */
export class BatchWriter<T> {
  private pending: T[] = [];
  private timer: TimerHandle | null = null;
  private writing: Promise<void> | null = null;
  /** Failed writes in a row: the next try waits longer (a database outage is not hammered). */
  private failures = 0;

  constructor(private readonly options: BatchWriterOptions<T>) {}

  /** Queues an item; it is written within about `flushMs`. */
  add(item: T): void {
    if (this.pending.length >= this.options.maxPending) {
      this.options.onDropped?.(1);
      return;
    }
    this.pending.push(item);
    this.schedule();
  }

  /** Writes everything queued so far (shutdown, tests); gives up at the first failed write. */
  async flush(): Promise<void> {
    while (this.writing || this.pending.length > 0) {
      if (this.writing) await this.writing;
      else if (!(await this.writeBatch())) return;
    }
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    const delay = Math.min(MAX_RETRY_DELAY_MS, this.options.flushMs * 2 ** this.failures);
    this.timer = this.options.clock.setTimer(delay, () => {
      this.timer = null;
      void this.writeBatch();
    });
  }

  /** Writes one batch; resolves whether it was written. */
  private async writeBatch(): Promise<boolean> {
    const batch = this.pending.splice(0, this.options.maxBatch);
    if (batch.length === 0) return true;
    let written = false;
    const writing = this.options.write(batch).then(
      () => {
        written = true;
        this.failures = 0;
        this.options.onWritten?.(batch);
      },
      (error: unknown) => {
        this.failures += 1;
        this.options.onError(error);
        // Back to the front, to be tried again with the next batch.
        const kept = batch.slice(0, Math.max(0, this.options.maxPending - this.pending.length));
        if (kept.length < batch.length) this.options.onDropped?.(batch.length - kept.length);
        this.pending.unshift(...kept);
      },
    );
    this.writing = writing;
    await writing;
    this.writing = null;
    if (this.pending.length > 0) this.schedule();
    return written;
  }
}
