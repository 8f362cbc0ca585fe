// Group commit: purchases of one event are collected and made durable in one transaction per batch.
// A batch starts as soon as a transaction slot is free, so under light load an order waits for no
// timer, and under heavy load orders pile up behind the transaction in flight and share the next one.
import type { Clock } from './clock';
import type { CommitResult, NewOrder } from '../store/event-store';
import { StoreUnavailableError } from '../store/event-store';

/** How one order's commit ended. */
export type CommitOutcome = 'committed' | 'unavailable' | 'fenced' | 'seat_taken' | 'duplicate_key' | 'internal';

/** What the committer needs from the store. */
export interface CommitPort {
  commitOrders(orders: NewOrder[]): Promise<CommitResult>;
  /** Of these order ids, the ones that are durably stored (resolves doubt after a lost connection). */
  committedAmong(orderIds: string[]): Promise<Set<string>>;
}

/** Sizing and patience of one committer. */
export interface GroupCommitOptions {
  maxBatch: number;
  maxInFlight: number;
  /** How long an order may wait through database outages before it fails with `unavailable`. */
  retryForMs: number;
  clock: Clock;
  onBatch?: (size: number, ms: number) => void;
  onError?: (error: unknown) => void;
}

interface Pending {
  order: NewOrder;
  deadline: number;
  /** Set once a transaction carrying this order failed in a way that may have committed it. */
  inDoubt: boolean;
  resolve: (outcome: CommitOutcome) => void;
}

/** Retry delays after an outage, in ms (short first: most blips are a reconnect). */
const BACKOFF_MS = [20, 50, 100, 200, 400, 800];

/** Batches orders into transactions; at most `maxInFlight` transactions at once. */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private failures = 0;
  private retryTimer: { cancel(): void } | null = null;
  private closed = false;

  constructor(
    private readonly port: CommitPort,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Orders waiting or being committed. */
  get depth(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues an order; resolves when it is durable or has definitely failed. */
  submit(order: NewOrder): Promise<CommitOutcome> {
    if (this.closed) return Promise.resolve('fenced');
    return new Promise((resolve) => {
      this.queue.push({ order, deadline: this.options.clock.now() + this.options.retryForMs, inDoubt: false, resolve });
      this.schedule();
    });
  }

  /** Fails everything still queued (ownership lost); transactions in flight finish on their own. */
  close(outcome: CommitOutcome): void {
    this.closed = true;
    this.retryTimer?.cancel();
    for (const p of this.queue.splice(0)) p.resolve(outcome);
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    // setImmediate: let every frame that arrived in this I/O turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight && !this.retryTimer) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const started = performance.now();
    let result: CommitResult;
    try {
      result = await this.port.commitOrders(batch.map((p) => p.order));
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.retryLater(batch);
      this.options.onError?.(error);
      for (const p of batch) p.resolve('internal');
      return;
    }
    this.failures = 0;
    this.options.onBatch?.(batch.length, performance.now() - started);
    if (result.ok) {
      for (const p of batch) p.resolve('committed');
      return;
    }
    if (result.reason === 'fenced') {
      for (const p of batch) p.resolve('fenced');
      return;
    }
    // A key conflict wrote nothing. Orders that were in doubt may be conflicting with themselves.
    // A rejected order may be our own earlier attempt that did commit before a connection dropped.
    const rejected = new Set(result.orderIds);
    const suspects = batch.filter((p) => p.inDoubt || rejected.has(p.order.orderId)).map((p) => p.order.orderId);
    const alreadyDone = await this.safeCommittedAmong(suspects);
    const retry: Pending[] = [];
    for (const p of batch) {
      if (alreadyDone.has(p.order.orderId)) p.resolve('committed');
      else if (rejected.has(p.order.orderId)) p.resolve(result.reason);
      else retry.push(p);
    }
    // The innocent rest of the batch goes again, first in line.
    this.queue.unshift(...retry);
  }

  private async safeCommittedAmong(orderIds: string[]): Promise<Set<string>> {
    try {
      return await this.port.committedAmong(orderIds);
    } catch {
      return new Set();
    }
  }

  private retryLater(batch: Pending[]): void {
    const now = this.options.clock.now();
    const keep: Pending[] = [];
    for (const p of batch) {
      p.inDoubt = true;
      if (p.deadline <= now) p.resolve('unavailable');
      else keep.push(p);
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
