// The actor against the real store (Postgres in a throwaway database) on a manual clock: expiry
// timers, coalesced diffs, group commit, idempotency, fencing and outages.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { expandDefinition } from '../domain';
import { LocalHoldJournal } from '../cluster/local-hold-journal';
import type { HoldJournal } from './hold-journal';
import type { EventStore } from '../store/event-store';
import { StoreUnavailableError } from '../store/event-store';
import { openStore } from '../store/open-store';
import { ActorRegistry, type ActivationPolicy } from './actor-registry';
import { ManualClock } from './clock';
import type { ActorDeps } from './event-actor';
import { EventActor } from './event-actor';
import type { DiffPush, EventFeed } from './event-service';
import { RandomIds } from './random-ids';

let db: TestDatabase;
let store: EventStore;
let clock: ManualClock;
let feed: RecordingFeed;
let eventNo = 0;

class RecordingFeed implements EventFeed {
  diffs: { eventId: string; diff: DiffPush }[] = [];
  expiries: { userId: string; holdId: string }[] = [];
  diff(eventId: string, diff: DiffPush): void {
    this.diffs.push({ eventId, diff });
  }
  expired(userId: string, _eventId: string, holdId: string): void {
    this.expiries.push({ userId, holdId });
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = await openStore({ databaseUrl: db.url, dataDir: '' });
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});
beforeEach(() => {
  clock = new ManualClock();
  feed = new RecordingFeed();
});

/** The real store with its commits going through `commitOrders` (to inject outages). */
function withCommit(commitOrders: EventStore['commitOrders']): EventStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'commitOrders') return commitOrders;
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function deps(overrides: Partial<ActorDeps> = {}): ActorDeps {
  return {
    store,
    clock,
    feed,
    ids: new RandomIds(),
    nodeId: 'test-node',
    tickMs: 50,
    commit: { maxBatch: 100, maxInFlight: 2, retryForMs: 1000 },
    ...overrides,
  };
}

/** A fresh event (2 rows × 10 seats, an area of 20) and its activated actor. */
async function givenActor(overrides: Partial<ActorDeps> = {}, holdTtlSeconds = 60): Promise<EventActor> {
  const id = `actor-${++eventNo}`;
  await store.createEvent(
    expandDefinition({
      id,
      name: id,
      startsAt: '2030-01-01T00:00:00Z',
      holdTtlSeconds,
      maxSeatsPerUser: 6,
      categories: [{ id: 'c', name: 'C', price: 100 }],
      sections: [{ id: 's', category: 'c', rows: 2, seatsPerRow: 10 }],
      areas: [{ id: 'ga', name: 'GA', capacity: 20, category: 'c' }],
    }),
  );
  const actor = await new ActorRegistry(deps(overrides)).get(id);
  return actor!;
}

describe('EventActor', () => {
  it('coalesces changes into one diff per tick, with seq rising by one', async () => {
    const actor = await givenActor();
    const a = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1', 's-1-2'] });
    const b = await actor.hold('u2', { kind: 'seats', seats: ['s-1-3'] });
    expect(a.ok && b.ok).toBe(true);
    expect(feed.diffs).toEqual([]);
    clock.advance(50);
    expect(feed.diffs).toHaveLength(1);
    expect(feed.diffs[0].diff).toMatchObject({ epoch: actor.epoch, seq: 1, changes: [[0, 1], [1, 1], [2, 1]] });
    // Held and released within one tick: viewers never see it.
    const c = await actor.hold('u3', { kind: 'seats', seats: ['s-2-1'] });
    if (!c.ok) throw new Error('hold failed');
    await actor.release('u3', c.value.holdId);
    clock.advance(50);
    expect(feed.diffs).toHaveLength(1);
    await actor.hold('u3', { kind: 'area', areaId: 'ga', count: 2 });
    clock.advance(50);
    expect(feed.diffs[1].diff).toMatchObject({ seq: 2, changes: [], areas: { ga: 18 } });
    const snap = actor.snapshot();
    expect(snap.ok && snap.value.seq).toBe(2);
  });

  it('sends an isolated change at once, and later ones no sooner than a tick after the last diff', async () => {
    const actor = await givenActor();
    await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    clock.advance(0);
    expect(feed.diffs.map((d) => d.diff.seq)).toEqual([1]);
    clock.advance(10);
    await actor.hold('u2', { kind: 'seats', seats: ['s-1-2'] });
    clock.advance(39);
    expect(feed.diffs).toHaveLength(1);
    clock.advance(1);
    expect(feed.diffs.map((d) => d.diff.seq)).toEqual([1, 2]);
  });

  it('serves snapshots as of the last diff, not ahead of it', async () => {
    const actor = await givenActor();
    await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    const before = actor.snapshot();
    expect(before.ok && [before.value.seq, before.value.status[0]]).toEqual([0, 0]);
    clock.advance(50);
    const after = actor.snapshot();
    expect(after.ok && [after.value.seq, after.value.status[0]]).toEqual([1, 1]);
  });

  it('expires holds with one timer at their time and tells their owner', async () => {
    const actor = await givenActor({}, 30);
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    clock.advance(10_000);
    const later = await actor.hold('u2', { kind: 'seats', seats: ['s-1-2'] });
    if (!held.ok || !later.ok) throw new Error('hold failed');
    clock.advance(19_999);
    expect(feed.expiries).toEqual([]);
    clock.advance(1);
    expect(feed.expiries).toEqual([{ userId: 'u1', holdId: held.value.holdId }]);
    clock.advance(10_000);
    expect(feed.expiries.map((e) => e.holdId)).toEqual([held.value.holdId, later.value.holdId]);
    const stats = actor.stats();
    expect(stats.ok && stats.value.held).toBe(0);
  });

  it('buys through group commit: one transaction for many purchases, order only after commit', async () => {
    const batches: number[] = [];
    const actor = await givenActor({ observer: { commitBatch: (size) => batches.push(size) } });
    const purchases = [];
    for (let i = 0; i < 5; i++) {
      const held = await actor.hold(`u${i}`, { kind: 'seats', seats: [`s-1-${i + 1}`, `s-2-${i + 1}`] });
      if (!held.ok) throw new Error(held.error.message);
      purchases.push(actor.buy(`u${i}`, held.value.holdId));
    }
    const orders = await Promise.all(purchases);
    expect(orders.every((o) => o.ok)).toBe(true);
    expect(batches).toEqual([5]);
    for (const o of orders) {
      if (!o.ok) continue;
      expect((await store.getOrder(o.value.orderId))?.status).toBe('confirmed');
    }
    const stats = actor.stats();
    expect(stats.ok && stats.value).toMatchObject({
      sold: 10, held: 0, revenue: 1000, ordersLastMinute: 5, seatsSoldLastMinute: 10, revenueLastMinute: 1000,
    });
  });

  it('a new owner starts the last minute from the orders in Postgres: the figures survive a failover', async () => {
    const actor = await givenActor();
    for (let i = 0; i < 3; i++) {
      const held = await actor.hold(`u${i}`, { kind: 'seats', seats: [`s-1-${i + 1}`] });
      if (!held.ok) throw new Error(held.error.message);
      expect((await actor.buy(`u${i}`, held.value.holdId)).ok).toBe(true);
      clock.advance(20_000);
    }
    // 60 s after the first order, 40 s after the second: two are in the last minute.
    const before = actor.stats();
    expect(before.ok && before.value).toMatchObject({ revenue: 300, ordersLastMinute: 2, seatsSoldLastMinute: 2, revenueLastMinute: 200 });
    const restore = await store.loadEvent(actor.eventId);
    const successor = new EventActor(restore!, actor.epoch + 1, deps());
    const after = successor.stats();
    expect(after.ok && after.value).toMatchObject({ revenue: 300, ordersLastMinute: 2, seatsSoldLastMinute: 2, revenueLastMinute: 200 });
    clock.advance(21_000);
    const later = successor.stats();
    expect(later.ok && later.value).toMatchObject({ ordersLastMinute: 1, revenueLastMinute: 100 });
  });

  it('answers a repeated idempotency key with the same order, and another hold with conflict', async () => {
    const actor = await givenActor();
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error('hold failed');
    const [first, second] = await Promise.all([actor.buy('u1', held.value.holdId, 'k'), actor.buy('u1', held.value.holdId, 'k')]);
    expect(first).toEqual(second);
    const other = await actor.hold('u1', { kind: 'seats', seats: ['s-1-2'] });
    if (!other.ok) throw new Error('hold failed');
    expect(await actor.buy('u1', other.value.holdId, 'k')).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // The same key is the user's own: another user may use it.
    const stranger = await actor.hold('u2', { kind: 'seats', seats: ['s-1-3'] });
    if (!stranger.ok) throw new Error('hold failed');
    expect((await actor.buy('u2', stranger.value.holdId, 'k')).ok).toBe(true);
  });

  it('remembers an idempotency key only while its purchase runs, so memory does not grow with orders', async () => {
    const actor = await givenActor();
    const orders = [];
    for (let i = 1; i <= 5; i++) {
      const held = await actor.hold('u1', { kind: 'seats', seats: [`s-2-${i}`] });
      if (!held.ok) throw new Error('hold failed');
      orders.push({ holdId: held.value.holdId, order: await actor.buy('u1', held.value.holdId, `m${i}`) });
    }
    expect(orders.every((o) => o.order.ok)).toBe(true);
    // Once answered, a purchase is found again in Postgres by its key: nothing stays behind in the actor
    // (the soak grew ~12 MB a minute at 100 orders a second while it did).
    const purchases = (actor as unknown as { purchases: { idempotency: Map<string, unknown> } }).purchases;
    expect(purchases.idempotency.size).toBe(0);
    expect(await actor.buy('u1', orders[0].holdId, 'm1')).toEqual(orders[0].order);
    const other = await actor.hold('u1', { kind: 'area', areaId: 'ga', count: 1 });
    if (!other.ok) throw new Error('hold failed');
    expect(await actor.buy('u1', other.value.holdId, 'm2')).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('finds an idempotency key used before a restart', async () => {
    const actor = await givenActor();
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error('hold failed');
    const first = await actor.buy('u1', held.value.holdId, 'again');
    const restarted = await new ActorRegistry(deps()).get(actor.eventId);
    const retry = await restarted!.buy('u1', held.value.holdId, 'again');
    expect(retry).toEqual(first);
  });

  it('stops and answers moved once another node claimed the event (fencing)', async () => {
    const actor = await givenActor();
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error('hold failed');
    await store.claimOwnership(actor.eventId, 'another-node');
    expect(await actor.buy('u1', held.value.holdId)).toMatchObject({ ok: false, error: { code: 'moved' } });
    expect(actor.isStopped).toBe(true);
    expect(await actor.hold('u2', { kind: 'seats', seats: ['s-1-2'] })).toMatchObject({ ok: false, error: { code: 'moved' } });
    const page = await store.listOrders(actor.eventId, null, 10);
    expect(page.orders).toEqual([]);
  });

  it('fails a purchase with unavailable when the database stays away, keeping the hold', async () => {
    let down = true;
    const flaky = withCommit((...args) =>
      down ? Promise.reject(new StoreUnavailableError('connection refused')) : store.commitOrders(...args),
    );
    const actor = await givenActor({ store: flaky, commit: { maxBatch: 100, maxInFlight: 1, retryForMs: 300 } });
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error('hold failed');
    const pending = actor.buy('u1', held.value.holdId);
    // Retries back off on the manual clock; run them until the deadline passes.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(50);
    }
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect((await actor.extend('u1', held.value.holdId)).ok).toBe(true);
    down = false;
    const bought = await actor.buy('u1', held.value.holdId);
    expect(bought.ok).toBe(true);
  });

  it('recovers when the database comes back within the retry window', async () => {
    let failures = 2;
    const flaky = withCommit((...args) =>
      failures-- > 0 ? Promise.reject(new StoreUnavailableError('connection reset')) : store.commitOrders(...args),
    );
    const actor = await givenActor({ store: flaky });
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error('hold failed');
    const pending = actor.buy('u1', held.value.holdId);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(100);
    }
    expect((await pending).ok).toBe(true);
  });

  it('blocks and unblocks seats, persisting them, and cancels orders', async () => {
    const actor = await givenActor();
    expect(await actor.block(['s-2-9', 's-2-10'], true)).toEqual({ ok: true, value: { seats: ['s-2-9', 's-2-10'] } });
    expect(await actor.hold('u1', { kind: 'seats', seats: ['s-2-9'] })).toMatchObject({ ok: false, error: { code: 'seat_unavailable' } });
    const held = await actor.hold('u1', { kind: 'seats', seats: ['s-2-1'] });
    if (!held.ok) throw new Error('hold failed');
    expect(await actor.block(['s-2-1'], true)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const order = await actor.buy('u1', held.value.holdId);
    if (!order.ok) throw new Error('buy failed');
    expect(await actor.cancelOrder(order.value.orderId)).toEqual({ ok: true, value: { orderId: order.value.orderId } });
    expect((await actor.hold('u2', { kind: 'seats', seats: ['s-2-1'] })).ok).toBe(true);
    const restored = await store.loadEvent(actor.eventId);
    expect(restored?.blocked.sort()).toEqual([18, 19]);
    expect(restored?.orders).toEqual([]);
  });

  it('a new owner does not bring back a bought hold whose journal delete was lost, after its order was cancelled', async () => {
    const shared = new LocalHoldJournal();
    let lost = false;
    // The owner's journal link dies after the hold is written: the delete that buying it makes never arrives.
    const journal: HoldJournal = {
      claim: (eventId, epoch) => shared.claim(eventId, epoch),
      write: (eventId, epoch, changes) => (lost ? Promise.reject(new Error('journal unreachable')) : shared.write(eventId, epoch, changes)),
    };
    const policy: ActivationPolicy = {
      acquire: async () => true,
      abandon: async () => undefined,
      restoreHolds: async (eventId, epoch) => {
        const claim = await shared.claim(eventId, epoch);
        return claim.ok ? claim.holds : null;
      },
    };
    const first = await givenActor();
    first.stop({ code: 'moved', message: 'test' });
    const owner = (await new ActorRegistry(deps({ journal, nodeId: 'a' }), policy).get(first.eventId))!;
    const held = await owner.hold('u1', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error(held.error.message);
    lost = true;
    const order = await owner.buy('u1', held.value.holdId);
    if (!order.ok) throw new Error(order.error.message);
    expect(await owner.cancelOrder(order.value.orderId)).toEqual({ ok: true, value: { orderId: order.value.orderId } });
    // The owner dies; its journal still lists the hold, and no live order names it any more.
    const claimed = await shared.claim(owner.eventId, owner.epoch);
    expect(claimed.ok && claimed.holds.map((h) => h.holdId)).toEqual([held.value.holdId]);

    const successor = (await new ActorRegistry(deps({ journal: shared, nodeId: 'b' }), policy).get(owner.eventId))!;
    expect(successor.epoch).toBeGreaterThan(owner.epoch);
    expect(successor.holds('u1')).toEqual({ ok: true, value: [] });
    expect(await successor.extend('u1', held.value.holdId)).toMatchObject({ ok: false, error: { code: 'hold_not_found' } });
    expect((await successor.hold('u2', { kind: 'seats', seats: ['s-1-1'] })).ok).toBe(true);
  });
});
