// Batches a waiting room's changes into the room journal (Redis in a cluster) before the joins that made
// them are answered: every change made during one I/O turn goes out in one write, so the thousands of
// joins of a spike cost one round trip per turn, not one each. Changes stay in order: a failed batch is
// put back in front of newer ones, and rewriting one is harmless (each is keyed by its number).
import type { RoomChange } from '../domain';
import { deferOn, type Clock } from './clock';
import { withDeadline, WRITE_DEADLINE_MS, type ReplicationOutcome } from './hold-replicator';
import type { QueueJournal, RoomChanges } from './queue-journal';

/** Everything a queue replicator is built from. */
export interface QueueReplicatorDeps {
  journal: QueueJournal;
  eventId: string;
  epoch: number;
  clock: Clock;
  onError(error: unknown): void;
  /**
   * Saves the whole room now (to the store); the number of the last change the save contains, or null
   * when it failed. Used when the journal was found lost: its changes are gone, the save replaces them.
   */
  saveRoom(): Promise<number | null>;
}

interface Waiter {
  resolve: (outcome: ReplicationOutcome) => void;
}

/** The room journal writer of one event's actor; one write in flight at a time. */
export class QueueReplicator {
  private pending: RoomChange[] = [];
  /** A committed save's last change, to be trimmed from the journal with the next write. */
  private savedThrough: number | undefined;
  private waiters: Waiter[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly deps: QueueReplicatorDeps) {}

  /** Records one change of the room. */
  add(change: RoomChange): void {
    this.pending.push(change);
    this.schedule();
  }

  /** A save containing every change up to `seq` committed: the journal may drop them. */
  saved(seq: number): void {
    if (this.savedThrough !== undefined && this.savedThrough >= seq) return;
    this.savedThrough = seq;
    this.schedule();
  }

  /** Resolves once every change recorded so far is written (or definitely is not). */
  barrier(): Promise<ReplicationOutcome> {
    if (!this.writing && this.pending.length === 0) return Promise.resolve('ok');
    return new Promise((resolve) => {
      this.waiters.push({ resolve });
      this.schedule();
    });
  }

  /**
   * Claims the journal again with this actor's epoch: refused, a newer owner exists ('fenced');
   * granted, the journal had been lost (Redis restarted empty), so the room is saved whole in place of
   * the changes it held ('ok' once that save committed, else 'unavailable').
   */
  async reclaim(): Promise<ReplicationOutcome> {
    const { journal, eventId, epoch } = this.deps;
    const claimed = await journal.claim(eventId, epoch);
    if (!claimed.ok) return 'fenced';
    const through = await this.deps.saveRoom();
    if (through === null) return 'unavailable';
    this.pending = this.pending.filter((change) => change.seq > through);
    return 'ok';
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate: every join decided in this I/O turn joins the write.
    deferOn(this.deps.clock, () => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    if (this.pending.length === 0 && this.savedThrough === undefined) {
      for (const w of this.waiters.splice(0)) w.resolve('ok');
      return;
    }
    const batch: RoomChanges = { changes: this.pending, ...(this.savedThrough === undefined ? {} : { savedThrough: this.savedThrough }) };
    const waiters = this.waiters.splice(0);
    this.pending = [];
    this.writing = true;
    let outcome: ReplicationOutcome;
    try {
      const { journal, eventId, epoch, clock } = this.deps;
      const written = await withDeadline(journal.write(eventId, epoch, batch), WRITE_DEADLINE_MS, clock);
      outcome = written ? 'ok' : await this.reclaim();
    } catch (error) {
      this.deps.onError(error);
      outcome = 'unavailable';
    }
    this.writing = false;
    if (outcome === 'ok' && this.savedThrough === batch.savedThrough) this.savedThrough = undefined;
    // Not written: back in front of what came since, unless a save now contains them.
    if (outcome === 'unavailable') this.pending = [...batch.changes, ...this.pending];
    for (const w of waiters) w.resolve(outcome);
    // After a failure, requeued changes wait for the next join (or `barrier`) rather than spin.
    if (this.waiters.length > 0 || (outcome === 'ok' && (this.pending.length > 0 || this.savedThrough !== undefined))) this.schedule();
  }
}
