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

/** A manual clock that also times the commits (ManualClock leaves durations to performance.now). */
class TimedClock extends ManualClock {
  elapsed(): number {
    return this.now();
  }
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
  it('starts small with one transaction, grows batches while full ones commit inside the target, bounded', () => {
    const pacer = new CommitPacer(500, 4);
    expect(pacer).toMatchObject({ batchLimit: 32, inFlightLimit: 1 });
    // A full batch in a quarter of the target: the next may be twice as large.
    pacer.committed(32, TARGET_COMMIT_MS / 4, 100);
    expect(pacer.batchLimit).toBe(64);
    // Half the target: twice again; then three quarters of it: a third larger.
    pacer.committed(64, TARGET_COMMIT_MS / 2, 100);
    expect(pacer.batchLimit).toBe(128);
    pacer.committed(128, (TARGET_COMMIT_MS * 3) / 4, 100);
    expect(pacer.batchLimit).toBe(170);
    // A batch smaller than the limit that committed in time says nothing about larger ones.
    pacer.committed(50, 1, 0);
    expect(pacer.batchLimit).toBe(170);
    // Twice the target: half the size.
    pacer.committed(170, TARGET_COMMIT_MS * 2, 0);
    expect(pacer.batchLimit).toBe(85);
    // Never below 32, never above COMMIT_MAX_BATCH.
    pacer.committed(40, TARGET_COMMIT_MS * 10, 0);
    expect(pacer.batchLimit).toBe(32);
    for (let i = 0; i < 10; i++) pacer.committed(pacer.batchLimit, 0.5, 0);
    expect(pacer.batchLimit).toBe(500);
  });

  it('adds a transaction only while full batches fill the target and more wait, and gives it back when one batch would carry them', () => {
    const pacer = new CommitPacer(100, 3);
    // More wait than a batch takes, but full batches commit well inside the target: grow them instead.
    pacer.committed(32, 1, 500);
    expect(pacer).toMatchObject({ batchLimit: 64, inFlightLimit: 1 });
    // At the target: one more transaction per commit while a batch's worth still waits.
    pacer.committed(64, TARGET_COMMIT_MS, 500);
    expect(pacer).toMatchObject({ batchLimit: 64, inFlightLimit: 2 });
    pacer.committed(64, TARGET_COMMIT_MS, 500, false);
    pacer.committed(64, TARGET_COMMIT_MS, 500, false);
    expect(pacer.inFlightLimit).toBe(3);
    // 30 waiting behind each of 3: 90 arrive per commit, more than one batch of 64.
    pacer.committed(64, TARGET_COMMIT_MS, 30, false);
    expect(pacer.inFlightLimit).toBe(3);
    // 20 behind each of 3: 60 would fit one batch; then 20 behind each of 2 still fit.
    pacer.committed(64, TARGET_COMMIT_MS, 20, false);
    expect(pacer.inFlightLimit).toBe(2);
    pacer.committed(64, TARGET_COMMIT_MS, 20, false);
    expect(pacer.inFlightLimit).toBe(1);
    pacer.committed(3, 1, 0);
    expect(pacer.inFlightLimit).toBe(1);
  });

  it('shrinks batches only for commits that ran alone; one that overlapped others may still let them grow', () => {
    const pacer = new CommitPacer(500, 4);
    pacer.committed(32, 2, 0);
    expect(pacer.batchLimit).toBe(64);
    // Overlapping others, commits look slow: the limit stays.
    for (let i = 0; i < 10; i++) pacer.committed(64, TARGET_COMMIT_MS * 3, 0, false);
    expect(pacer.batchLimit).toBe(64);
    pacer.committed(64, TARGET_COMMIT_MS / 2, 0, false);
    expect(pacer.batchLimit).toBe(128);
  });
});

describe('group commit, pacing', () => {
  /** A store whose commits take `commitMs(size, running)` on `clock`; it records batch sizes and the most run at once. */
  function timedPort(clock: ManualClock, commitMs: (size: number, running: number) => number): { port: CommitPort; seen: { most: number; sizes: number[] } } {
    const seen = { most: 0, sizes: [] as number[] };
    let running = 0;
    const port: CommitPort = {
      commitOrders: async (orders) => {
        running++;
        seen.most = Math.max(seen.most, running);
        seen.sizes.push(orders.length);
        await new Promise<void>((resolve) => clock.setTimer(commitMs(orders.length, running), resolve));
        running--;
        return { ok: true };
      },
      storedAmong: async () => new Set(),
    };
    return { port, seen };
  }

  it('stays at one large transaction when overlapping only slows each commit (a database that shares the CPU)', async () => {
    // Each commit takes 3 ms plus 0.02 ms per order, times the transactions running at once: overlap
    // buys nothing, as on a machine whose database shares its cores with the server.
    const clock = new TimedClock();
    const { port, seen } = timedPort(clock, (size, running) => (3 + 0.02 * size) * running);
    const gc = new GroupCommitter(port, { maxBatch: 500, maxInFlight: 4, retryForMs: 0, clock });
    // 200 buyers in closed loops: each buys again as soon as its order is answered.
    let answered = 0;
    const buyer = async (b: number): Promise<void> => {
      for (let n = 0; n < 30; n++) {
        expect(await gc.submit(order(`${b}-${n}`))).toBe('committed');
        answered++;
      }
    };
    const buyers = Promise.all(Array.from({ length: 200 }, (_, b) => buyer(b)));
    while (answered < 200 * 30) {
      await settle();
      clock.advance(1);
    }
    await buyers;
    expect(seen.most, 'transactions ever in flight at once').toBe(1);
    // After the first commits teach the cost, every buyer waiting goes in the next batch.
    expect(Math.max(...seen.sizes.slice(5))).toBe(200);
  });

  it('overlaps transactions where one cannot keep up and overlapping costs nothing (a database across a slow network)', async () => {
    // Each commit takes 6 ms of round trips and flushes plus 0.01 ms per order, however many run.
    const clock = new TimedClock();
    const { port, seen } = timedPort(clock, (size) => 6 + 0.01 * size);
    const gc = new GroupCommitter(port, { maxBatch: 500, maxInFlight: 4, retryForMs: 0, clock });
    // 40 orders every ms for 300 ms (40,000/s), whatever the answers.
    const waits: { at: number; ms: number }[] = [];
    const answers: Promise<unknown>[] = [];
    for (let t = 0; t < 300; t++) {
      for (let i = 0; i < 40; i++) {
        const at = clock.now();
        answers.push(gc.submit(order(`${t}-${i}`)).then((outcome) => {
          expect(outcome).toBe('committed');
          waits.push({ at, ms: clock.now() - at });
        }));
      }
      await settle();
      clock.advance(1);
    }
    for (let t = 0; t < 100 && waits.length < answers.length; t++) {
      await settle();
      clock.advance(1);
    }
    await Promise.all(answers);
    expect(seen.most, 'transactions in flight at once').toBeGreaterThanOrEqual(2);
    // Batches grew while overlapping (the last alone took 32, before the second transaction started).
    expect(Math.max(...seen.sizes)).toBeGreaterThan(100);
    // It kept up: in the last 100 ms an order waited at most a few commits.
    const start = waits[0].at;
    const late = waits.filter((w) => w.at - start >= 200).map((w) => w.ms);
    expect(Math.max(...late)).toBeLessThan(30);
  });
});
