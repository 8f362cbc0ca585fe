// The one contract every QueueJournal implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Tests use their own event ids, so they share one harness.
import { describe, expect, it } from 'vitest';
import type { RoomChange } from '../domain';
import { randomEventId as eventId, twoNodes } from './cluster-test-support';
import type { NodesHarness } from './cluster-test-support';
import type { QueueJournal } from '../actor/queue-journal';

/** What the contract needs from an implementation's test file: the journal as several nodes see it. */
export type QueueJournalHarness = NodesHarness<QueueJournal>;

/** Joins numbered `from`..`to`, one user each, into the line. */
function joins(from: number, to: number): RoomChange[] {
  const changes: RoomChange[] = [];
  for (let seq = from; seq <= to; seq++) changes.push({ seq, kind: 'line', userId: `user-${seq}` });
  return changes;
}

/** Registers the QueueJournal contract tests. */
export function queueJournalContract(createHarness: () => Promise<QueueJournalHarness>): void {
  describe('QueueJournal contract', () => {
    const nodes = twoNodes(createHarness);

    it('claims an empty journal with no changes', async () => {
      const [owner] = nodes();
      expect(await owner.claim(eventId(), 1)).toEqual({ ok: true, changes: [] });
    });

    it('gives a later claim every kind of change written before, as written, lowest number first', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await owner.claim(event, 1);
      const kinds: RoomChange[] = [
        { seq: 1, kind: 'early', userId: 'ann' },
        { seq: 2, kind: 'early', userId: 'bob' },
        { seq: 3, kind: 'draw', seed: 4_294_967_295 },
        { seq: 4, kind: 'line', userId: 'cat' },
        { seq: 5, kind: 'admit', userId: 'bob', expiresAt: 1_700_000_900_000, at: 1_700_000_000_000 },
        { seq: 6, kind: 'order', userId: 'bob', units: 3 },
        { seq: 7, kind: 'leave', userId: 'ann' },
        { seq: 8, kind: 'status', status: 'sold_out' },
      ];
      // Two batches, the later one written first: the journal orders by number, not by arrival.
      expect(await owner.write(event, 1, { changes: kinds.slice(4) })).toBe(true);
      expect(await owner.write(event, 1, { changes: kinds.slice(0, 4) })).toBe(true);
      expect(await successor.claim(event, 2)).toEqual({ ok: true, changes: kinds });
    });

    it('keeps a change written twice once, and a big batch whole', async () => {
      const [owner] = nodes();
      const event = eventId();
      await owner.claim(event, 3);
      const spike = joins(1, 5000);
      expect(await owner.write(event, 3, { changes: spike })).toBe(true);
      expect(await owner.write(event, 3, { changes: joins(4990, 5001) })).toBe(true);
      const claimed = await owner.claim(event, 3);
      expect(claimed.ok && claimed.changes).toEqual(joins(1, 5001));
    });

    it('drops the changes a save contains, and only those', async () => {
      const [owner] = nodes();
      const event = eventId();
      await owner.claim(event, 5);
      await owner.write(event, 5, { changes: joins(1, 10) });
      expect(await owner.write(event, 5, { changes: joins(11, 12), savedThrough: 7 })).toBe(true);
      expect(await owner.claim(event, 5)).toEqual({ ok: true, changes: joins(8, 12) });
      // A trim alone, and one past every change, leave an empty journal that still takes writes.
      expect(await owner.write(event, 5, { changes: [], savedThrough: 99 })).toBe(true);
      expect(await owner.claim(event, 5)).toEqual({ ok: true, changes: [] });
      expect(await owner.write(event, 5, { changes: joins(100, 100) })).toBe(true);
    });

    it('refuses a write with a stale epoch after a newer claim, changing nothing', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await owner.claim(event, 1);
      await owner.write(event, 1, { changes: joins(1, 2) });
      await successor.claim(event, 2);
      expect(await owner.write(event, 1, { changes: joins(3, 3), savedThrough: 2 })).toBe(false);
      // An equal epoch may claim again (the same activation), and sees the journal unchanged.
      expect(await successor.claim(event, 2)).toEqual({ ok: true, changes: joins(1, 2) });
      expect(await successor.write(event, 2, { changes: joins(3, 3) })).toBe(true);
    });

    it('refuses a claim lower than the current epoch, naming the current one', async () => {
      const [owner, successor] = nodes();
      const event = eventId();
      await successor.claim(event, 7);
      expect(await owner.claim(event, 6)).toEqual({ ok: false, currentEpoch: 7 });
      expect(await successor.write(event, 7, { changes: joins(1, 1) })).toBe(true);
    });

    it('refuses a write to a journal nobody claimed', async () => {
      const [owner] = nodes();
      const event = eventId();
      expect(await owner.write(event, 1, { changes: joins(1, 1) })).toBe(false);
      expect(await owner.claim(event, 1)).toEqual({ ok: true, changes: [] });
    });

    it('keeps events apart', async () => {
      const [owner] = nodes();
      const [first, second] = [eventId(), eventId()];
      await owner.claim(first, 3);
      await owner.claim(second, 9);
      await owner.write(first, 3, { changes: joins(1, 1) });
      expect(await owner.write(second, 3, { changes: joins(2, 2) })).toBe(false);
      expect(await owner.claim(second, 9)).toEqual({ ok: true, changes: [] });
    });
  });
}
