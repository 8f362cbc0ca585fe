// Hold keys: a client names a hold request with `holdKey`, so a resend after a lost reply, a reload or
// a second tab gets the same hold back instead of taking more seats. A key lives as long as the hold
// it names (and leaves with it), so the index never grows past the live holds.
import type { HoldArea, HoldBest, HoldSeats } from './commands';

/** A hold-adding command. */
export type HoldCommand = HoldSeats | HoldBest | HoldArea;

/** What a used key points at: the hold it made or added to, and the request it was used with. */
export interface HoldKeyEntry {
  holdId: string;
  fingerprint: string;
}

/**
 * A canonical text of what a hold command asks for (seats as a set, the target hold), so a resend of
 * the same request matches and anything else under the same key does not.
 */
export function holdFingerprint(command: HoldCommand): string {
  const target = command.holdId ?? '';
  switch (command.type) {
    case 'HoldSeats':
      return JSON.stringify(['seats', target, [...command.seats].sort()]);
    case 'HoldBest': {
      const { count, category, section, accessible } = command.best;
      return JSON.stringify(['best', target, count, category ?? null, section ?? null, accessible ?? null]);
    }
    case 'HoldArea':
      return JSON.stringify(['area', target, command.areaId, command.count]);
  }
}

/** The keys of live holds, per user: `userId \0 holdKey` → entry. */
export class HoldKeyIndex {
  private readonly entries = new Map<string, HoldKeyEntry & { holdKey: string }>();
  /** holdId → its keys, so a hold's end removes them in O(its keys). */
  private readonly byHold = new Map<string, string[]>();

  /** The entry of a user's key, or undefined. */
  find(userId: string, holdKey: string): HoldKeyEntry | undefined {
    const entry = this.entries.get(indexKey(userId, holdKey));
    return entry && { holdId: entry.holdId, fingerprint: entry.fingerprint };
  }

  /** Records that `holdKey` made or added to `holdId` with `fingerprint`. */
  add(userId: string, holdKey: string, holdId: string, fingerprint: string): void {
    const key = indexKey(userId, holdKey);
    this.entries.set(key, { holdId, fingerprint, holdKey });
    const keys = this.byHold.get(holdId);
    if (keys) keys.push(key);
    else this.byHold.set(holdId, [key]);
  }

  /** Keys of one hold, as `[holdKey, fingerprint]` (for replication). */
  keysOf(holdId: string): [string, string][] {
    const keys = this.byHold.get(holdId) ?? [];
    return keys.flatMap((key) => {
      const entry = this.entries.get(key);
      return entry ? [[entry.holdKey, entry.fingerprint] as [string, string]] : [];
    });
  }

  /** Forgets every key of an ended hold. */
  dropHold(holdId: string): void {
    for (const key of this.byHold.get(holdId) ?? []) this.entries.delete(key);
    this.byHold.delete(holdId);
  }

  /** Number of live keys. */
  get size(): number {
    return this.entries.size;
  }
}

function indexKey(userId: string, holdKey: string): string {
  return `${userId}\u0000${holdKey}`;
}
