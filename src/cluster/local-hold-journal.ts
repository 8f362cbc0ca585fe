// Replicated holds without Redis: an in-memory map with the same epoch rules as journal-claim.lua and
// journal-write.lua (equal claims allowed, a lower one refused; writes only with the current epoch).
// In single-node mode nothing survives a restart anyway; this keeps the actor's code path the same.
import type { HoldSnapshot } from '../domain/types';
import type { HoldChanges, HoldJournal } from '../actor/hold-journal';

/** An in-memory HoldJournal; share one instance between the nodes of an in-process cluster. */
export class LocalHoldJournal implements HoldJournal {
  private readonly events = new Map<string, { epoch: number; holds: Map<string, HoldSnapshot> }>();

  async claim(eventId: string, epoch: number): Promise<{ ok: true; holds: HoldSnapshot[] } | { ok: false; currentEpoch: number }> {
    let journal = this.events.get(eventId);
    if (journal !== undefined && journal.epoch > epoch) return { ok: false, currentEpoch: journal.epoch };
    if (journal === undefined) {
      journal = { epoch, holds: new Map() };
      this.events.set(eventId, journal);
    }
    journal.epoch = epoch;
    // Copies, like a decoded Redis reply: the caller's objects never alias the journal's.
    return { ok: true, holds: [...journal.holds.values()].map((hold) => structuredClone(hold)) };
  }

  async write(eventId: string, epoch: number, changes: HoldChanges): Promise<boolean> {
    const journal = this.events.get(eventId);
    if (journal === undefined || journal.epoch !== epoch) return false;
    for (const hold of changes.upserts) journal.holds.set(hold.holdId, structuredClone(hold));
    for (const holdId of changes.deletes) journal.holds.delete(holdId);
    return true;
  }
}
