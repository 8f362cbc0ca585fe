// The changes of a waiting room, one per step that moves a place: the live room makes every such change
// by applying one of these (and hands it to its recorder), and a new owner replays the recorded ones on
// top of the last save, so the two cannot disagree. Each change carries the room's sequence number: a
// save names the last one it contains, so replay applies exactly the ones after it.
import { drawLottery, seededRandom } from './lottery';
import type { QueueLine } from './queue-line';

/** Where the room is in its life. */
export type RoomStatus = 'open' | 'sold_out' | 'closed';

/** One change of a room, without its sequence number. */
export type RoomChangeBody =
  /** Joined before `openAt` (into the lottery), or after it (at the end of the line); or gave up. */
  | { kind: 'early' | 'line' | 'leave'; userId: string }
  /** Admitted `at` (epoch ms) until `expiresAt`, leaving the line or the lottery. */
  | { kind: 'admit'; userId: string; expiresAt: number; at: number }
  /** Bought `units` seats and places: the admission ends, the demand estimate learns. */
  | { kind: 'order'; userId: string; units: number }
  /** The lottery drawn with this seed: the same entrants in the same arrival order give the same line. */
  | { kind: 'draw'; seed: number }
  /** Sold out, open again, or closed for good (which drops every place and admission). */
  | { kind: 'status'; status: RoomStatus };

/** One change of a room, numbered from 1 in the order the room made them. */
export type RoomChange = RoomChangeBody & { seq: number };

/** The state of a room that changes move (its settings and pacing clock aside). */
export interface RoomParts {
  status: RoomStatus;
  drawn: boolean;
  /** Joined before `openAt`, in arrival order (a Set keeps insertion order). */
  early: Set<string>;
  line: QueueLine;
  admitted: Map<string, number>;
  /** Admission times, oldest first, trimmed to the last minute by the room. */
  recent: number[];
  orders: number;
  units: number;
  /** The sequence number of the last change applied. */
  seq: number;
}

/** Applies one change to the room's parts (live, or replaying a recorded one). */
export function applyChange(parts: RoomParts, change: RoomChange): void {
  switch (change.kind) {
    case 'early':
      // Only an undrawn room takes entrants: a room rebuilt after openAt learns here that it was not drawn.
      parts.drawn = false;
      parts.early.add(change.userId);
      break;
    case 'line':
      parts.line.append(change.userId);
      break;
    case 'leave':
      parts.admitted.delete(change.userId);
      if (!parts.early.delete(change.userId)) parts.line.remove(change.userId);
      break;
    case 'admit':
      if (!parts.early.delete(change.userId)) parts.line.remove(change.userId);
      parts.admitted.set(change.userId, change.expiresAt);
      parts.recent.push(change.at);
      break;
    case 'order':
      parts.admitted.delete(change.userId);
      parts.orders += 1;
      parts.units += change.units;
      break;
    case 'draw':
      parts.drawn = true;
      // Arrivals after openAt cannot exist before the draw, so the drawn order is the line's front.
      for (const userId of drawLottery([...parts.early], seededRandom(change.seed))) parts.line.append(userId);
      parts.early.clear();
      break;
    case 'status':
      parts.status = change.status;
      if (change.status === 'closed') {
        parts.early.clear();
        parts.line.clear();
        parts.admitted.clear();
      }
      break;
    default: {
      const never: never = change;
      throw new Error(`unknown room change ${JSON.stringify(never)}`);
    }
  }
  parts.seq = change.seq;
}
