// Replicated holds: the owner writes every change of a hold here before acknowledging it, so a
// successor can restore holds after a crash. Writes carry the writer's epoch and are refused once a
// newer epoch has claimed the event, so a paused zombie cannot overwrite its successor's holds.
import type { HoldSnapshot } from '../domain/types';

/** One batch of hold changes of one event. */
export interface HoldChanges {
  /** Holds as they are now (created, added to, extended, pending or back to held). */
  upserts: HoldSnapshot[];
  /** Hold ids that ended (released, expired, bought). */
  deletes: string[];
}

/** Where holds are replicated. */
export interface HoldJournal {
  /**
   * Makes `epoch` the event's current epoch in the journal (refusing if a newer one is there) and
   * returns the holds written under earlier epochs, for restoring. Called on activation.
   */
  claim(eventId: string, epoch: number): Promise<{ ok: true; holds: HoldSnapshot[] } | { ok: false; currentEpoch: number }>;
  /** Applies `changes` if `epoch` is still the event's current epoch; false when fenced. */
  write(eventId: string, epoch: number, changes: HoldChanges): Promise<boolean>;
}
