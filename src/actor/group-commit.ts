// Group commit: purchases of one event are collected and made durable in one transaction per batch.
// A batch starts as soon as a transaction slot is free, so under light load an order waits for no
// timer, and under heavy load orders pile up behind the transactions in flight and share the next
// one; CommitPacer sizes batches and slots from the measured commit times.
//
// No guessed answers: a batch whose connection was lost mid-statement may have committed. It is
// answered only after the store has ended that session and looked its orders up by id: stored ones
// are `committed`; the others were provably not written and go on like any order that was never sent
// (retried until their deadline, then `unavailable`, which therefore always means nothing was written).
import { deferOn, elapsedOn, type Clock } from './clock';
import { CommitPacer } from './commit-pacer';
import type { CommitResult, NewOrder } from '../store/event-store';
import { StoreInDoubtError, StoreUnavailableError } from '../store/event-store';
import type { SqlSession } from '../store/sql-client';

/** How one order's commit ended. */
export type CommitOutcome = 'committed' | 'unavailable' | 'fenced' | 'seat_taken' | 'duplicate_key' | 'internal';

/** What the committer needs from the store. */
export interface CommitPort {
  commitOrders(orders: NewOrder[]): Promise<CommitResult>;
  /** Of these order ids, the stored ones; with `lost`, only after that server session has ended. */
  storedAmong(orderIds: string[], lost?: SqlSession): Promise<Set<string>>;
}

/** Sizing and patience of one committer. */
export interface GroupCommitOptions {
  /** Upper bounds; the pacer picks what is used below them. */
  maxBatch: number;
  maxInFlight: number;
  /** How long an order may wait through database outages before it fails with `unavailable`. */
  retryForMs: number;
  clock: Clock;
  onBatch?: (size: number, ms: number) => void;
  onError?: (error: unknown) => void;
  /** A batch of `size` orders was refused by the epoch check. */
  onFenced?: (size: number) => void;
}

interface Pending {
  order: NewOrder;
  deadline: number;
  resolve: (outcome: CommitOutcome) => void;
}

/** Retry delays after an outage, in ms (short first: most blips are a reconnect). */
const BACKOFF_MS = [20, 50, 100, 200, 400, 800];

/** Batches orders into transactions; at most `maxInFlight` transactions at once. */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Transactions started so far: a commit ran alone when none started while it ran. */
  private started = 0;
  private scheduled = false;
  private failures = 0;
  private retryTimer: { cancel(): void } | null = null;
  /** Set by close: what queued orders are answered; in-doubt ones are still looked up first. */
  private closedWith: CommitOutcome | null = null;
  /** Batches whose commit may or may not have happened, with the session that ran it. */
  private readonly doubts: { batch: Pending[]; session: SqlSession }[] = [];
  private resolving = false;
  private readonly pacer: CommitPacer;

  constructor(
    private readonly port: CommitPort,
    private readonly options: GroupCommitOptions,
  ) {
    this.pacer = new CommitPacer(options.maxBatch, options.maxInFlight);
  }

  /** Orders waiting, being committed, or in doubt. */
  get depth(): number {
    let doubtful = 0;
    for (const doubt of this.doubts) doubtful += doubt.batch.length;
    return this.queue.length + this.inFlight + doubtful;
  }

  /** The batch size and transactions in flight the pacer allows now (metrics, tests). */
  get limits(): { batch: number; inFlight: number } {
    return { batch: this.pacer.batchLimit, inFlight: this.pacer.inFlightLimit };
  }

  /** Queues an order; resolves when it is durable or has definitely failed. */
  submit(order: NewOrder): Promise<CommitOutcome> {
    if (this.closedWith) return Promise.resolve(this.closedWith);
    return new Promise((resolve) => {
      this.queue.push({ order, deadline: this.options.clock.now() + this.options.retryForMs, resolve });
      this.schedule();
    });
  }

  /**
   * Fails everything still queued with `outcome` (ownership lost); transactions in flight finish on
   * their own, and batches in doubt are looked up before they are answered.
   */
  close(outcome: CommitOutcome): void {
    this.closedWith = outcome;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    for (const p of this.queue.splice(0)) p.resolve(outcome);
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer || this.closedWith) return;
    this.scheduled = true;
    // setImmediate: let every frame that arrived in this I/O turn join the batch.
    deferOn(this.options.clock, () => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.pacer.inFlightLimit && !this.retryTimer && !this.closedWith) {
      const batch = this.queue.splice(0, this.pacer.batchLimit);
      this.inFlight++;
      this.started++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const started = elapsedOn(this.options.clock);
    // Alone so far: no other transaction is running. Still alone at the end if none started meanwhile.
    const startsAtBegin = this.inFlight === 1 ? this.started : -1;
    let result: CommitResult;
    try {
      result = await this.port.commitOrders(batch.map((p) => p.order));
    } catch (error) {
      if (error instanceof StoreInDoubtError) return this.doubt(batch, error.session);
      if (error instanceof StoreUnavailableError) return this.retryLater(batch);
      this.options.onError?.(error);
      for (const p of batch) p.resolve('internal');
      return;
    }
    const ms = elapsedOn(this.options.clock) - started;
    this.failures = 0;
    this.pacer.committed(batch.length, ms, this.queue.length, startsAtBegin === this.started);
    this.options.onBatch?.(batch.length, ms);
    if (result.ok) {
      for (const p of batch) p.resolve('committed');
      return;
    }
    if (result.reason === 'fenced') {
      this.options.onFenced?.(batch.length);
      for (const p of batch) p.resolve('fenced');
      return;
    }
    // A key conflict wrote nothing: the named orders fail, the innocent rest goes again, first in line.
    const rejected = new Set(result.orderIds);
    const retry: Pending[] = [];
    for (const p of batch) {
      if (rejected.has(p.order.orderId)) p.resolve(result.reason);
      else retry.push(p);
    }
    this.requeue(retry);
  }

  /** The batch's outcome is unknown: nothing about it is answered until the store has looked. */
  private doubt(batch: Pending[], session: SqlSession): void {
    this.doubts.push({ batch, session });
    void this.resolveDoubts();
  }

  private async resolveDoubts(): Promise<void> {
    if (this.resolving) return;
    this.resolving = true;
    let attempt = 0;
    while (this.doubts.length > 0) {
      const { batch, session } = this.doubts[0];
      let stored: Set<string>;
      try {
        stored = await this.port.storedAmong(batch.map((p) => p.order.orderId), session);
      } catch (error) {
        // Cannot look now: keep waiting, however long; a guess could tell a buyer the wrong thing.
        if (!(error instanceof StoreUnavailableError)) this.options.onError?.(error);
        const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
        await new Promise<void>((resolve) => this.options.clock.setTimer(delay, resolve));
        continue;
      }
      attempt = 0;
      this.doubts.shift();
      const notWritten: Pending[] = [];
      for (const p of batch) {
        if (stored.has(p.order.orderId)) p.resolve('committed');
        else notWritten.push(p);
      }
      if (this.closedWith) for (const p of notWritten) p.resolve(this.closedWith);
      else this.retryLater(notWritten);
    }
    this.resolving = false;
  }

  /** Puts orders back at the front of the queue, in their order. */
  private requeue(pending: Pending[]): void {
    if (pending.length === 0) return;
    if (this.closedWith) {
      for (const p of pending) p.resolve(this.closedWith);
      return;
    }
    this.queue.unshift(...pending);
    this.schedule();
  }

  /** Nothing of `batch` was written: answer those past their deadline, retry the rest after a pause. */
  private retryLater(batch: Pending[]): void {
    const now = this.options.clock.now();
    const keep: Pending[] = [];
    for (const p of batch) {
      if (p.deadline <= now) p.resolve('unavailable');
      else keep.push(p);
    }
    if (this.closedWith) {
      for (const p of keep) p.resolve(this.closedWith);
      return;
    }
    this.queue.unshift(...keep);
    if (this.queue.length === 0 || this.retryTimer) return;
    const delay = BACKOFF_MS[Math.min(this.failures++, BACKOFF_MS.length - 1)];
    this.retryTimer = this.options.clock.setTimer(delay, () => {
      this.retryTimer = null;
      // Give up on whatever waited past its deadline while the database was away.
      const at = this.options.clock.now();
      this.queue = this.queue.filter((p) => (p.deadline <= at ? (p.resolve('unavailable'), false) : true));
      this.pump();
    });
  }
}
