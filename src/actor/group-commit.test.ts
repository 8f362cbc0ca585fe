// The group committer's decisions, against a scripted store on a manual clock: an in-doubt batch is
// answered only from the store's lookup (however long the store stays away), `unavailable` only for
// orders that were provably not written, and the pacer's limits follow the measured commit times.
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';
import { CommitPacer, TARGET_COMMIT_MS } from './commit-pacer';
import { GroupCommitter } from './group-commit';
import type { CommitOutcome, CommitPort } from './group-commit';
import type { CommitResult, NewOrder } from '../store/event-store';
import { StoreInDoubtError, StoreUnavailableError } from '../store/event-store';
import type { SqlSession } from '../store/sql-client';

const session: SqlSession = { pid: 42, backendStart: '2030-01-01 00:00:00+00' };

function order(id: string): NewOrder {
  return { orderId: id, eventId: 'e', userId: 'u', holdId: `h-${id}`, seats: [id], areas: {}, total: 1, idempotencyKey: null, createdAt: 0 };
}

/** Lets queued setImmediate callbacks and promise continuations run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A store whose next answers the test scripts. */
class ScriptedPort implements CommitPort {
  commits: ((orders: NewOrder[]) => Promise<CommitResult>)[] = [];
  lookups: ((ids: string[], lost?: SqlSession) => Promise<Set<string>>)[] = [];
  looked: { ids: string[]; lost?: SqlSession }[] = [];

  commitOrders(orders: NewOrder[]): Promise<CommitResult> {
    const next = this.commits.shift();
    return next ? next(orders) : Promise.resolve({ ok: true });
  }

  storedAmong(ids: string[], lost?: SqlSession): Promise<Set<string>> {
    this.looked.push({ ids, lost });
    const next = this.lookups.shift();
    return next ? next(ids, lost) : Promise.resolve(new Set());
  }
}

function committer(port: CommitPort, clock: ManualClock, retryForMs = 0): GroupCommitter {
  return new GroupCommitter(port, { maxBatch: 100, maxInFlight: 4, retryForMs, clock });
}

describe('group commit, in doubt', () => {
  it('answers committed what the lookup finds and unavailable the rest, after ending the lost session', async () => {
    const clock = new ManualClock();
    const port = new ScriptedPort();
    port.commits.push(() => Promise.reject(new StoreInDoubtError('cut', session)));
    port.lookups.push(async () => new Set(['a']));
    const gc = committer(port, clock);
    const outcomes = Promise.all([gc.submit(order('a')), gc.submit(order('b'))]);
    await settle();
    expect(await outcomes).toEqual<CommitOutcome[]>(['committed', 'unavailable']);
    expect(port.looked).toEqual([{ ids: ['a', 'b'], lost: session }]);
  });

  it('waits through a store that cannot look, and never guesses', async () => {
    const clock = new ManualClock();
    const port = new ScriptedPort();
    port.commits.push(() => Promise.reject(new StoreInDoubtError('cut', session)));
    for (let i = 0; i < 20; i++) port.lookups.push(() => Promise.reject(new StoreUnavailableError('down')));
    port.lookups.push(async (ids) => new Set(ids));
    const gc = committer(port, clock);
    let outcome: CommitOutcome | null = null;
    void gc.submit(order('a')).then((o) => (outcome = o));
    for (let i = 0; i < 20; i++) {
      await settle();
      expect(outcome).toBeNull();
      expect(gc.depth).toBe(1);
      clock.advance(1000);
    }
    await settle();
    expect(outcome).toBe('committed');
    expect(gc.depth).toBe(0);
  });

  it('after close, still looks the batch up: committed stays committed, the rest gets the close outcome', async () => {
    const clock = new ManualClock();
    const port = new ScriptedPort();
    let cut!: () => void;
    port.commits.push(() => new Promise((_, reject) => (cut = () => reject(new StoreInDoubtError('cut', session)))));
    port.lookups.push(async () => new Set(['a']));
    const gc = committer(port, clock, 60_000);
    const outcomes = Promise.all([gc.submit(order('a')), gc.submit(order('b'))]);
    await settle();
    const queued = gc.submit(order('c'));
    gc.close('fenced');
    cut();
    await settle();
    expect(await outcomes).toEqual<CommitOutcome[]>(['committed', 'fenced']);
    expect(await queued).toBe('fenced');
  });

  it('retries a batch whose connection could not be had, until its deadline (nothing was sent)', async () => {
    const clock = new ManualClock();
    const port = new ScriptedPort();
    port.commits.push(() => Promise.reject(new StoreUnavailableError('refused')));
    const gc = committer(port, clock, 5_000);
    const outcome = gc.submit(order('a'));
    await settle();
    clock.advance(100);
    await settle();
    expect(await outcome).toBe('committed');
    expect(port.looked).toEqual([]);
  });
});

describe('commit pacer', () => {
  it('starts small with one transaction, sizes batches to the target commit time, bounded', () => {
    const pacer = new CommitPacer(500, 4);
    expect(pacer).toMatchObject({ batchLimit: 32, inFlightLimit: 1 });
    // 0.02 ms per order: 400 fit in the target.
    for (let i = 0; i < 50; i++) pacer.committed(100, 2, 10);
    expect(pacer.batchLimit).toBe(Math.floor(TARGET_COMMIT_MS / 0.02));
    for (let i = 0; i < 50; i++) pacer.committed(100, 0.5, 10);
    expect(pacer.batchLimit).toBe(500);
    for (let i = 0; i < 50; i++) pacer.committed(10, 10, 0);
    expect(pacer.batchLimit).toBe(32);
  });

  it('adds a transaction in flight while orders outgrow one batch, and gives it back when none wait', () => {
    const pacer = new CommitPacer(100, 3);
    pacer.committed(100, 5, 500);
    pacer.committed(100, 5, 500);
    pacer.committed(100, 5, 500);
    pacer.committed(100, 5, 500);
    expect(pacer.inFlightLimit).toBe(3);
    pacer.committed(100, 5, 3);
    expect(pacer.inFlightLimit).toBe(3);
    pacer.committed(3, 1, 0);
    pacer.committed(3, 1, 0);
    pacer.committed(3, 1, 0);
    expect(pacer.inFlightLimit).toBe(1);
  });
});
