// Replicated waiting rooms without Redis: an in-memory map with the same rules as
// queue-journal-claim.lua and queue-journal-write.lua (equal claims allowed, a lower one refused; writes
// only with the current epoch; a change is kept once per number). Shared by the nodes of an in-process
// cluster (tests, the simulation); a single node has nobody to hand its room to and replicates nothing.
import type { RoomChange } from '../domain';
import type { QueueJournal, RoomChanges } from '../actor/queue-journal';

/** An in-memory QueueJournal; share one instance between the nodes of an in-process cluster. */
export class LocalQueueJournal implements QueueJournal {
  private readonly events = new Map<string, { epoch: number; changes: Map<number, RoomChange> }>();

  async claim(eventId: string, epoch: number): Promise<{ ok: true; changes: RoomChange[] } | { ok: false; currentEpoch: number }> {
    let journal = this.events.get(eventId);
    if (journal !== undefined && journal.epoch > epoch) return { ok: false, currentEpoch: journal.epoch };
    if (journal === undefined) {
      journal = { epoch, changes: new Map() };
      this.events.set(eventId, journal);
    }
    journal.epoch = epoch;
    // Copies, lowest number first, like a decoded Redis reply: the caller's objects never alias the journal's.
    const changes = [...journal.changes.values()].sort((a, b) => a.seq - b.seq);
    return { ok: true, changes: changes.map((change) => structuredClone(change)) };
  }

  async write(eventId: string, epoch: number, batch: RoomChanges): Promise<boolean> {
    const journal = this.events.get(eventId);
    if (journal === undefined || journal.epoch !== epoch) return false;
    for (const change of batch.changes) journal.changes.set(change.seq, structuredClone(change));
    const through = batch.savedThrough;
    if (through !== undefined) for (const seq of journal.changes.keys()) if (seq <= through) journal.changes.delete(seq);
    return true;
  }
}
