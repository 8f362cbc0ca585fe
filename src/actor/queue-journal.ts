// Replicated waiting rooms: the owner writes every change of a room here before it answers the join
// (or leave) that made it, so a successor replays them on the room's last save after a crash and every
// answered place keeps its order. Writes carry the writer's epoch and are refused once a newer epoch
// has claimed the event. Changes a save contains are trimmed, so the journal holds about a second of them.
import type { RoomChange } from '../domain';

/** One batch of one room's changes. */
export interface RoomChanges {
  /** New changes, numbered in the order the room made them. */
  changes: RoomChange[];
  /** Changes numbered up to this one are in a committed save and may be dropped. */
  savedThrough?: number;
}

/** Where waiting rooms are replicated. */
export interface QueueJournal {
  /**
   * Makes `epoch` the event's current epoch in the room journal (refusing if a newer one is there) and
   * returns the changes written under earlier epochs, in order, for replaying. Called on activation.
   */
  claim(eventId: string, epoch: number): Promise<{ ok: true; changes: RoomChange[] } | { ok: false; currentEpoch: number }>;
  /** Applies `batch` if `epoch` is still the event's current epoch; false when fenced (or the journal was lost). */
  write(eventId: string, epoch: number, batch: RoomChanges): Promise<boolean>;
}
