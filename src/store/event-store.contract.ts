// The one contract every EventStore implementation passes (run by postgres-event-store.test.ts against
// Postgres through pg and against PGlite). Each test makes its own events, so tests share one database.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDefinition } from '../domain/types';
import { InvalidCursorError } from './event-store';
import type { EventStore, NewOrder } from './event-store';
import { readMigrations } from './migrator';
import type { SqlExecutor } from './sql-client';

/** What the contract needs from an implementation's test file. */
export interface EventStoreHarness {
  /** A new store on the suite's (fresh) database, not yet migrated: the suite migrates it. */
  open(): Promise<EventStore>;
  /** Plain SQL on the same database, to check what the interface does not show (outbox, voided rows). */
  sql: SqlExecutor;
  /** Frees the database and anything else after the suite. */
  dispose(): Promise<void>;
}

const SEATS_PER_EVENT = 10;

function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

function definitionFor(id: string): EventDefinition {
  return {
    id,
    name: `Concert ${id}`,
    startsAt: '2030-06-01T20:00:00+02:00',
    holdTtlSeconds: 600,
    maxSeatsPerUser: 10,
    salesOpenAt: '2030-01-01T10:00:00Z',
    categories: [{ id: 'std', name: 'Standard', price: 5000 }],
    seats: Array.from({ length: SEATS_PER_EVENT }, (_, i) => ({
      id: `A-1-${i + 1}`, section: 'A', row: '1', number: i + 1, x: i, y: 0, category: 'std', accessible: false,
    })),
    areas: [{ id: 'ga', name: 'Standing', capacity: 100, category: 'std' }],
  };
}

function orderFor(eventId: string, seats: string[], extra: Partial<NewOrder> = {}): NewOrder {
  return {
    orderId: uniqueId('ord'),
    eventId,
    userId: 'alice',
    holdId: uniqueId('hold'),
    seats,
    areas: {},
    total: seats.length * 5000,
    idempotencyKey: null,
    createdAt: Date.UTC(2030, 0, 2, 3, 4, 5, 678),
    ...extra,
  };
}

/** Registers the EventStore contract tests; `createHarness` gives a fresh database for the whole suite. */
export function eventStoreContract(createHarness: () => Promise<EventStoreHarness>): void {
  let harness: EventStoreHarness;
  let store: EventStore;
  let other: EventStore;

  beforeAll(async () => {
    harness = await createHarness();
    store = await harness.open();
    other = await harness.open();
    // Two clients migrating a fresh database at the same moment, as two starting processes would.
    await Promise.all([store.migrate(), other.migrate()]);
  });

  afterAll(async () => {
    await store?.close();
    await other?.close();
    await harness?.dispose();
  });

  /** A created event, owned at the returned epoch. */
  async function ownedEvent(): Promise<{ eventId: string; epoch: number }> {
    const eventId = uniqueId('ev');
    await store.createEvent(definitionFor(eventId));
    return { eventId, epoch: await store.claimOwnership(eventId, 'node-a') };
  }

  async function outboxOf(eventId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    return harness.sql.query('SELECT type, payload FROM outbox WHERE event_id = $1 ORDER BY id', [eventId]);
  }

  async function orderCount(eventId: string): Promise<number> {
    const [row] = await harness.sql.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orders WHERE event_id = $1', [eventId]);
    return row.n;
  }

  describe('migrate', () => {
    it('applied every migration exactly once when two clients migrated at once', async () => {
      const rows = await harness.sql.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual((await readMigrations()).map((m) => m.name));
    });

    it('is idempotent, also concurrently, and keeps the data', async () => {
      const { eventId } = await ownedEvent();
      await store.migrate();
      await Promise.all([store.migrate(), other.migrate()]);
      expect(await store.getDefinition(eventId)).not.toBeNull();
      const [row] = await harness.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(row.n).toBe((await readMigrations()).length);
    });
  });

  it('pings', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe('events', () => {
    it('creates, lists in creation order and returns definitions', async () => {
      const first = definitionFor(uniqueId('ev'));
      const second = { ...definitionFor(uniqueId('ev')), salesOpenAt: undefined, salesCloseAt: '2030-06-01T19:00:00Z' };
      expect(await store.createEvent(first)).toBe('created');
      expect(await store.createEvent(second)).toBe('created');
      const listed = (await other.listEvents()).filter((e) => e.id === first.id || e.id === second.id);
      expect(listed).toEqual([
        { id: first.id, name: first.name, startsAt: first.startsAt, sales: 'open',
          salesOpenAt: '2030-01-01T10:00:00Z', salesCloseAt: null },
        { id: second.id, name: second.name, startsAt: second.startsAt, sales: 'open',
          salesOpenAt: null, salesCloseAt: '2030-06-01T19:00:00Z' },
      ]);
      expect(await other.getDefinition(first.id)).toEqual(first);
    });

    it('answers exists for a taken id and changes nothing', async () => {
      const definition = definitionFor(uniqueId('ev'));
      await store.createEvent(definition);
      expect(await store.createEvent({ ...definition, name: 'Another' })).toBe('exists');
      expect((await store.getDefinition(definition.id))?.name).toBe(definition.name);
    });

    it('returns null for an unknown event', async () => {
      expect(await store.getDefinition('no-such-event')).toBeNull();
      expect(await store.loadEvent('no-such-event')).toBeNull();
    });

    it('round-trips sales and blocked seats through loadEvent', async () => {
      const { eventId } = await ownedEvent();
      await store.setSales(eventId, 'paused');
      await store.setBlocked(eventId, ['A-1-3', 'A-1-5', 'A-1-7'], true);
      await store.setBlocked(eventId, ['A-1-3'], true); // again: no error
      await store.setBlocked(eventId, ['A-1-5'], false);
      let restored = await store.loadEvent(eventId);
      expect(restored?.sales).toBe('paused');
      expect(restored?.blocked.sort()).toEqual([2, 6]);
      expect((await store.listEvents()).find((e) => e.id === eventId)?.sales).toBe('paused');
      await store.setSales(eventId, 'open');
      restored = await store.loadEvent(eventId);
      expect(restored?.sales).toBe('open');
      expect(restored?.holds).toEqual([]);
    });
  });

  describe('ownership', () => {
    it('starts at epoch 1 and increments on every claim', async () => {
      const eventId = uniqueId('ev');
      await store.createEvent(definitionFor(eventId));
      expect(await store.getOwnership(eventId)).toBeNull();
      expect(await store.claimOwnership(eventId, 'node-a')).toBe(1);
      expect(await other.claimOwnership(eventId, 'node-b')).toBe(2);
      expect(await store.getOwnership(eventId)).toEqual({ nodeId: 'node-b', epoch: 2 });
    });
  });

  describe('commitOrders', () => {
    it('writes orders, seats, places, tickets and outbox rows; loadEvent returns seat indexes', async () => {
      const { eventId, epoch } = await ownedEvent();
      const seated = orderFor(eventId, ['A-1-4', 'A-1-2']);
      const mixed = orderFor(eventId, ['A-1-10'], { userId: 'bob', areas: { ga: 3 }, total: 20000 });
      expect(await store.commitOrders(eventId, epoch, [seated, mixed])).toEqual({ ok: true });

      const restored = await other.loadEvent(eventId);
      expect(restored?.orders).toEqual([
        { orderId: seated.orderId, userId: 'alice', seats: [3, 1], areas: {}, total: 10000 },
        { orderId: mixed.orderId, userId: 'bob', seats: [9], areas: { ga: 3 }, total: 20000 },
      ]);

      const stored = await other.getOrder(mixed.orderId);
      expect(stored).toMatchObject({
        orderId: mixed.orderId, eventId, userId: 'bob', holdId: mixed.holdId, seats: ['A-1-10'],
        areas: { ga: 3 }, total: 20000, status: 'confirmed', createdAt: '2030-01-02T03:04:05.678Z',
      });
      expect(stored?.tickets.map((t) => t.seatId ?? t.areaId)).toEqual(['A-1-10', 'ga', 'ga', 'ga']);
      const codes = [...(stored?.tickets ?? []), ...((await other.getOrder(seated.orderId))?.tickets ?? [])]
        .map((t) => t.code);
      expect(new Set(codes).size).toBe(6);
      for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{26}$/);

      expect(await outboxOf(eventId)).toEqual([
        { type: 'order.confirmed', payload: { orderId: seated.orderId, eventId, userId: 'alice',
          seats: ['A-1-4', 'A-1-2'], areas: {}, total: 10000 } },
        { type: 'order.confirmed', payload: { orderId: mixed.orderId, eventId, userId: 'bob',
          seats: ['A-1-10'], areas: { ga: 3 }, total: 20000 } },
      ]);
    });

    it('commits an empty batch as a no-op', async () => {
      const { eventId, epoch } = await ownedEvent();
      expect(await store.commitOrders(eventId, epoch, [])).toEqual({ ok: true });
    });

    it('writes nothing of a batch with a seat sold before, and names the order', async () => {
      const { eventId, epoch } = await ownedEvent();
      const sold = orderFor(eventId, ['A-1-1']);
      await store.commitOrders(eventId, epoch, [sold]);
      const fine = orderFor(eventId, ['A-1-2']);
      const clash = orderFor(eventId, ['A-1-3', 'A-1-1']);
      expect(await store.commitOrders(eventId, epoch, [fine, clash]))
        .toEqual({ ok: false, reason: 'seat_taken', orderIds: [clash.orderId] });
      expect(await orderCount(eventId)).toBe(1);
      expect(await store.getOrder(fine.orderId)).toBeNull();
      expect(await outboxOf(eventId)).toHaveLength(1);
      expect((await store.loadEvent(eventId))?.orders.map((o) => o.seats)).toEqual([[0]]);
    });

    it('writes nothing of a batch that sells one seat twice, and names the later order', async () => {
      const { eventId, epoch } = await ownedEvent();
      const first = orderFor(eventId, ['A-1-5']);
      const second = orderFor(eventId, ['A-1-5']);
      expect(await store.commitOrders(eventId, epoch, [first, second]))
        .toEqual({ ok: false, reason: 'seat_taken', orderIds: [second.orderId] });
      expect(await orderCount(eventId)).toBe(0);
    });

    it('reports an order that names one seat twice as seat_taken', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-8', 'A-1-8']);
      expect(await store.commitOrders(eventId, epoch, [orderFor(eventId, ['A-1-9']), order]))
        .toEqual({ ok: false, reason: 'seat_taken', orderIds: [order.orderId] });
      expect(await orderCount(eventId)).toBe(0);
    });

    it('is fenced with a stale epoch and writes nothing', async () => {
      const { eventId, epoch } = await ownedEvent();
      const newer = await other.claimOwnership(eventId, 'node-b');
      expect(await store.commitOrders(eventId, epoch, [orderFor(eventId, ['A-1-1'])]))
        .toEqual({ ok: false, reason: 'fenced', currentEpoch: newer });
      expect(await orderCount(eventId)).toBe(0);
      expect(await outboxOf(eventId)).toEqual([]);
      expect(await other.commitOrders(eventId, newer, [orderFor(eventId, ['A-1-1'])])).toEqual({ ok: true });
    });

    it('is fenced for an event nobody owns', async () => {
      const eventId = uniqueId('ev');
      await store.createEvent(definitionFor(eventId));
      expect(await store.commitOrders(eventId, 1, [orderFor(eventId, ['A-1-1'])]))
        .toEqual({ ok: false, reason: 'fenced', currentEpoch: null });
    });

    it('reports a taken idempotency key or order id as duplicate_key and writes nothing', async () => {
      const { eventId, epoch } = await ownedEvent();
      const first = orderFor(eventId, ['A-1-1'], { idempotencyKey: 'k1' });
      await store.commitOrders(eventId, epoch, [first]);
      const sameKey = orderFor(eventId, ['A-1-2'], { idempotencyKey: 'k1' });
      const otherUser = orderFor(eventId, ['A-1-3'], { idempotencyKey: 'k1', userId: 'bob' });
      expect(await store.commitOrders(eventId, epoch, [otherUser, sameKey]))
        .toEqual({ ok: false, reason: 'duplicate_key', orderIds: [sameKey.orderId] });
      // A retried batch whose first attempt did commit.
      expect(await store.commitOrders(eventId, epoch, [first]))
        .toEqual({ ok: false, reason: 'duplicate_key', orderIds: [first.orderId] });
      expect(await orderCount(eventId)).toBe(1);
      expect(await store.commitOrders(eventId, epoch, [otherUser])).toEqual({ ok: true });
    });
  });

  describe('orders', () => {
    it('finds an order by the user\'s idempotency key for the event', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-1'], { idempotencyKey: 'buy-1' });
      await store.commitOrders(eventId, epoch, [order]);
      expect((await other.findOrderByIdempotencyKey(eventId, 'alice', 'buy-1'))?.orderId).toBe(order.orderId);
      expect(await other.findOrderByIdempotencyKey(eventId, 'bob', 'buy-1')).toBeNull();
      expect(await other.findOrderByIdempotencyKey(eventId, 'alice', 'buy-2')).toBeNull();
      expect(await other.getOrder('no-such-order')).toBeNull();
    });

    it('lists orders oldest first, page by page, with next null on the last page', async () => {
      const { eventId, epoch } = await ownedEvent();
      const orders = ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5'].map((seat) => orderFor(eventId, [seat]));
      await store.commitOrders(eventId, epoch, orders.slice(0, 3));
      await store.commitOrders(eventId, epoch, orders.slice(3));
      await store.cancelOrder(eventId, epoch, orders[1].orderId);

      const seen: string[] = [];
      const statuses: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await other.listOrders(eventId, after, 2);
        seen.push(...page.orders.map((o) => o.orderId));
        statuses.push(...page.orders.map((o) => o.status));
        after = page.next;
        pages++;
      } while (after !== null);
      expect(pages).toBe(3);
      expect(seen).toEqual(orders.map((o) => o.orderId));
      expect(statuses).toEqual(['confirmed', 'cancelled', 'confirmed', 'confirmed', 'confirmed']);

      expect((await other.listOrders(eventId, null, 5)).next).toBeNull();
      expect(await other.listOrders(uniqueId('ev'), null, 10)).toEqual({ orders: [], next: null });
      await expect(other.listOrders(eventId, 'not-a-cursor', 2)).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('cancels an order: frees its seats, voids its tickets, queues order.cancelled', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-6', 'A-1-7'], { areas: { ga: 2 } });
      await store.commitOrders(eventId, epoch, [order]);
      expect(await store.cancelOrder(eventId, epoch, order.orderId)).toBe('cancelled');

      const cancelled = await other.getOrder(order.orderId);
      expect(cancelled).toMatchObject({ status: 'cancelled', seats: ['A-1-6', 'A-1-7'], areas: { ga: 2 }, tickets: [] });
      const voided = await harness.sql.query<{ live: number }>(
        `SELECT (SELECT count(*) FROM order_seats WHERE order_id = $1 AND NOT voided)::int
              + (SELECT count(*) FROM area_tickets WHERE order_id = $1 AND NOT voided)::int AS live`,
        [order.orderId]);
      expect(voided[0].live).toBe(0);
      expect((await outboxOf(eventId)).map((row) => row.type)).toEqual(['order.confirmed', 'order.cancelled']);
      expect((await outboxOf(eventId))[1].payload).toEqual({
        orderId: order.orderId, eventId, userId: 'alice', seats: ['A-1-6', 'A-1-7'], areas: { ga: 2 }, total: 10000,
      });
      expect((await store.loadEvent(eventId))?.orders).toEqual([]);

      const again = orderFor(eventId, ['A-1-7'], { userId: 'bob' });
      expect(await store.commitOrders(eventId, epoch, [again])).toEqual({ ok: true });
      expect((await store.loadEvent(eventId))?.orders.map((o) => o.seats)).toEqual([[6]]);
    });

    it('answers already_cancelled, not_found and fenced without changing anything', async () => {
      const { eventId, epoch } = await ownedEvent();
      const order = orderFor(eventId, ['A-1-1']);
      const kept = orderFor(eventId, ['A-1-2']);
      await store.commitOrders(eventId, epoch, [order, kept]);
      await store.cancelOrder(eventId, epoch, order.orderId);
      expect(await store.cancelOrder(eventId, epoch, order.orderId)).toBe('already_cancelled');
      expect(await store.cancelOrder(eventId, epoch, 'no-such-order')).toBe('not_found');
      expect(await store.cancelOrder(uniqueId('ev'), epoch, kept.orderId)).toBe('fenced');

      const newer = await store.claimOwnership(eventId, 'node-b');
      expect(await store.cancelOrder(eventId, epoch, kept.orderId)).toBe('fenced');
      expect((await store.getOrder(kept.orderId))?.status).toBe('confirmed');
      expect(await store.cancelOrder(eventId, newer, kept.orderId)).toBe('cancelled');
      expect((await outboxOf(eventId)).map((row) => row.type))
        .toEqual(['order.confirmed', 'order.confirmed', 'order.cancelled', 'order.cancelled']);
    });
  });
}
