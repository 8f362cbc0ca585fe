// The room journal writer over the in-process journal: one write per I/O turn, order kept through a
// failed write, a lost journal replaced by a whole save, a newer owner fencing it, saves trimming it.
import { describe, expect, it } from 'vitest';
import type { RoomChange } from '../domain';
import { LocalQueueJournal } from '../cluster/local-queue-journal';
import { systemClock } from './clock';
import type { QueueJournal, RoomChanges } from './queue-journal';
import { QueueReplicator } from './queue-replicator';

/** The in-process journal, counting writes, failing them on demand, and losable (a Redis restart). */
class TestJournal implements QueueJournal {
  inner = new LocalQueueJournal();
  writes = 0;
  failing = false;
  claim(eventId: string, epoch: number): ReturnType<QueueJournal['claim']> {
    return this.inner.claim(eventId, epoch);
  }
  async write(eventId: string, epoch: number, batch: RoomChanges): Promise<boolean> {
    this.writes += 1;
    if (this.failing) throw new Error('redis is away');
    return this.inner.write(eventId, epoch, batch);
  }
}

const join = (seq: number): RoomChange => ({ seq, kind: 'line', userId: `u${seq}` });

async function setUp(): Promise<{ journal: TestJournal; replicator: QueueReplicator; saves: number[]; errors: unknown[]; seq: { now: number } }> {
  const journal = new TestJournal();
  await journal.claim('e', 1);
  const saves: number[] = [];
  const errors: unknown[] = [];
  const seq = { now: 0 };
  const replicator = new QueueReplicator({
    journal,
    eventId: 'e',
    epoch: 1,
    clock: systemClock,
    onError: (error) => errors.push(error),
    saveRoom: async () => {
      saves.push(seq.now);
      return seq.now;
    },
  });
  return { journal, replicator, saves, errors, seq };
}

describe('QueueReplicator', () => {
  it('given a thousand joins in one turn, when replicated, then they go out in one write, in order', async () => {
    const { journal, replicator } = await setUp();
    for (let i = 1; i <= 1000; i++) replicator.add(join(i));
    expect(await replicator.barrier()).toBe('ok');
    expect(journal.writes).toBe(1);
    const claimed = await journal.claim('e', 1);
    expect(claimed.ok && claimed.changes.map((c) => c.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('given a failed write, when the journal is back, then the changes are written before newer ones and none is lost', async () => {
    const { journal, replicator, errors } = await setUp();
    journal.failing = true;
    replicator.add(join(1));
    replicator.add(join(2));
    expect(await replicator.barrier()).toBe('unavailable');
    expect(errors).toHaveLength(1);
    journal.failing = false;
    replicator.add(join(3));
    expect(await replicator.barrier()).toBe('ok');
    expect(await journal.claim('e', 1)).toEqual({ ok: true, changes: [join(1), join(2), join(3)] });
  });

  it('given the journal was lost, when a write is refused, then it is claimed again and the room saved whole instead', async () => {
    const { journal, replicator, saves, seq } = await setUp();
    journal.inner = new LocalQueueJournal();
    replicator.add(join(1));
    replicator.add(join(2));
    seq.now = 2;
    expect(await replicator.barrier()).toBe('ok');
    expect(saves).toEqual([2]);
    // The save holds both changes; the reclaimed journal takes the next ones.
    replicator.add(join(3));
    expect(await replicator.barrier()).toBe('ok');
    expect(await journal.claim('e', 1)).toEqual({ ok: true, changes: [join(3)] });
  });

  it('given a newer owner claimed the journal, when writing, then the writer is fenced and writes nothing', async () => {
    const { journal, replicator, saves } = await setUp();
    await journal.claim('e', 2);
    replicator.add(join(1));
    expect(await replicator.barrier()).toBe('fenced');
    expect(saves).toEqual([]);
    expect(await journal.claim('e', 2)).toEqual({ ok: true, changes: [] });
  });

  it('given a committed save, when told, then the journal drops what it contains', async () => {
    const { journal, replicator } = await setUp();
    for (let i = 1; i <= 5; i++) replicator.add(join(i));
    await replicator.barrier();
    replicator.saved(3);
    replicator.add(join(6));
    expect(await replicator.barrier()).toBe('ok');
    expect(await journal.claim('e', 1)).toEqual({ ok: true, changes: [join(4), join(5), join(6)] });
  });
});
