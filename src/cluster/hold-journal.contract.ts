// The one contract every HoldJournal implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Tests use their own event ids, so they share one harness.
import { describe, expect, it } from 'vitest';
import type { HoldSnapshot } from '../domain/types';
import { randomEventId as eventId, twoNodes } from './cluster-test-support';
import type { NodesHarness } from './cluster-test-support';
import type { HoldJournal } from '../actor/hold-journal';

/** What the contract needs from an implementation's test file: the journal as several nodes see it. */
export type HoldJournalHarness = NodesHarness<HoldJournal>;

function hold(holdId: string, extra: Partial<HoldSnapshot> = {}): HoldSnapshot {
  return {
    holdId,
    userId: `user-${holdId}`,
    seats: [3, 4, 5],
    areas: { ga: 2 },
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_600_000,
    extensions: 0,
    ...extra,
  };
}

function byId(holds: HoldSnapshot[]): HoldSnapshot[] {
  return [...holds].sort((x, y) => (x.holdId < y.holdId ? -1 : 1));
}

/** Registers the HoldJournal contract tests. */
export function holdJournalContract(createHarness: () => Promise<HoldJournalHarness>): void {
  describe('HoldJournal contract', () => {
    const nodes = twoNodes(createHarness);

    it('claims an empty journal with no holds', async () => {
      const [owner] = nodes();
      expect(await owner.claim(eventId(), 1)).toEqual({ ok: true, holds: [] });
    });

    it('gives a later claim the holds written before, as written', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await owner.claim(event, 1);
      const big = hold('h-big', { seats: Array.from({ length: 500 }, (_, i) => i), areas: {}, extensions: 2 });
      expect(await owner.write(event, 1, { upserts: [hold('h-1'), big], deletes: [] })).toBe(true);
      const claimed = await successor.claim(event, 2);
      expect(claimed.ok).toBe(true);
      expect(claimed.ok && byId(claimed.holds)).toEqual([hold('h-1'), big]);
    });

    it('replaces upserted holds and removes deleted ones, in one batch', async () => {
      const [owner] = nodes();
      const event = eventId();
      await owner.claim(event, 5);
      await owner.write(event, 5, { upserts: [hold('h-1'), hold('h-2'), hold('h-3')], deletes: [] });
      const extended = hold('h-2', { expiresAt: 1_700_000_900_000, extensions: 1 });
      // A hold named in both upserts and deletes ends up deleted.
      expect(await owner.write(event, 5, { upserts: [extended, hold('h-4')], deletes: ['h-1', 'h-4', 'h-unknown'] })).toBe(true);
      const claimed = await owner.claim(event, 5);
      expect(claimed.ok && byId(claimed.holds)).toEqual([extended, hold('h-3')]);
    });

    it('refuses a write with a stale epoch after a newer claim, changing nothing', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await owner.claim(event, 1);
      await owner.write(event, 1, { upserts: [hold('h-1')], deletes: [] });
      await successor.claim(event, 2);
      expect(await owner.write(event, 1, { upserts: [hold('h-zombie')], deletes: ['h-1'] })).toBe(false);
      // An equal epoch may claim again (the same activation), and sees the journal unchanged.
      expect(await successor.claim(event, 2)).toEqual({ ok: true, holds: [hold('h-1')] });
      expect(await successor.write(event, 2, { upserts: [hold('h-2')], deletes: [] })).toBe(true);
    });

    it('refuses a claim lower than the current epoch, naming the current one', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await successor.claim(event, 7);
      expect(await owner.claim(event, 6)).toEqual({ ok: false, currentEpoch: 7 });
      expect(await successor.write(event, 7, { upserts: [hold('h-1')], deletes: [] })).toBe(true);
    });

    it('refuses a write to a journal nobody claimed', async () => {
      const [owner] = nodes();
      const event = eventId();
      expect(await owner.write(event, 1, { upserts: [hold('h-1')], deletes: [] })).toBe(false);
      expect(await owner.claim(event, 1)).toEqual({ ok: true, holds: [] });
    });

    it('keeps events apart', async () => {
      const [owner] = nodes();
      const [first, second] = [eventId(), eventId()];
      await owner.claim(first, 3);
      await owner.claim(second, 9);
      await owner.write(first, 3, { upserts: [hold('h-1')], deletes: [] });
      expect(await owner.write(second, 3, { upserts: [hold('h-2')], deletes: [] })).toBe(false);
      expect(await owner.claim(second, 9)).toEqual({ ok: true, holds: [] });
    });
  });
}
