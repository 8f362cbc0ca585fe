// Batches an actor's hold changes into the journal (Redis in a cluster) before they are acknowledged:
// every change marked during one I/O turn goes out in one write, and a `barrier()` taken after a
// command resolves once that command's changes are durable there (or definitely are not).
import type { HoldSnapshot } from '../domain/types';
import type { HoldChanges, HoldJournal } from './hold-journal';
import { deferOn, systemClock, type Clock } from './clock';

/**
 * Longest wait for one journal write: a stalled backend must not leave hold replies hanging. Past it
 * the changes are requeued (writes are idempotent upserts and deletes) and the waiters told
 * `unavailable`.
 */
export const WRITE_DEADLINE_MS = 2000;

/** `work`, or a rejection once it took longer than `ms` on `clock`. */
export function withDeadline<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = clock.setTimer(ms, () => reject(new Error(`journal write took longer than ${ms} ms`)));
    work.then(
      (value) => (timer.cancel(), resolve(value)),
      (error: unknown) => (timer.cancel(), reject(error)),
    );
  });
}

/** How a barrier ended. */
export type ReplicationOutcome = 'ok' | 'fenced' | 'unavailable';

interface Waiter {
  resolve: (outcome: ReplicationOutcome) => void;
}

/** The journal writer of one event's actor; one write in flight at a time. */
export class HoldReplicator {
  private upserts = new Map<string, HoldSnapshot>();
  private deletes = new Set<string>();
  private waiters: Waiter[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly journal: HoldJournal,
    private readonly eventId: string,
    private readonly epoch: number,
    private readonly onError: (error: unknown) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records the hold as it is now. */
  upsert(hold: HoldSnapshot): void {
    this.deletes.delete(hold.holdId);
    this.upserts.set(hold.holdId, hold);
    this.schedule();
  }

  /** Records that the hold ended. */
  delete(holdId: string): void {
    this.upserts.delete(holdId);
    this.deletes.add(holdId);
    this.schedule();
  }

  /** Resolves once every change recorded so far is written (or failed). */
  barrier(): Promise<ReplicationOutcome> {
    if (!this.writing && this.upserts.size === 0 && this.deletes.size === 0) return Promise.resolve('ok');
    return new Promise((resolve) => {
      this.waiters.push({ resolve });
      this.schedule();
    });
  }

  /** Writes every hold given, e.g. after the journal was lost and claimed again. */
  rewriteAll(holds: HoldSnapshot[]): Promise<ReplicationOutcome> {
    for (const hold of holds) this.upsert(hold);
    return this.barrier();
  }

  /** Puts a failed write's changes back, unless a newer change of the same hold superseded them. */
  private requeue(changes: HoldChanges): void {
    for (const hold of changes.upserts) {
      if (!this.upserts.has(hold.holdId) && !this.deletes.has(hold.holdId)) this.upserts.set(hold.holdId, hold);
    }
    for (const holdId of changes.deletes) {
      if (!this.upserts.has(holdId)) this.deletes.add(holdId);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate: every command decided in this I/O turn joins the write.
    deferOn(this.clock, () => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    if (this.upserts.size === 0 && this.deletes.size === 0) {
      for (const w of this.waiters.splice(0)) w.resolve('ok');
      return;
    }
    const changes: HoldChanges = { upserts: [...this.upserts.values()], deletes: [...this.deletes] };
    const waiters = this.waiters.splice(0);
    this.upserts = new Map();
    this.deletes = new Set();
    this.writing = true;
    let outcome: ReplicationOutcome;
    try {
      outcome = (await withDeadline(this.journal.write(this.eventId, this.epoch, changes), WRITE_DEADLINE_MS, this.clock)) ? 'ok' : 'fenced';
    } catch (error) {
      this.onError(error);
      outcome = 'unavailable';
    }
    this.writing = false;
    if (outcome === 'unavailable') this.requeue(changes);
    for (const w of waiters) w.resolve(outcome);
    // After a failure, requeued changes wait for the next command (or `barrier`) rather than spin.
    if (this.waiters.length > 0 || (outcome === 'ok' && (this.upserts.size > 0 || this.deletes.size > 0))) this.schedule();
  }
}
