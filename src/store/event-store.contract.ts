// The one contract every EventStore implementation passes (run by postgres-event-store.test.ts against
// Postgres through pg and against PGlite). Each test makes its own events, so tests share one database.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDefinition } from '../domain/types';
import type { EventStore, NewOrder } from './event-store';
import { orderReadsContract } from './event-store-orders.contract';
import { ticketDeskContract } from './ticket-desk.contract';
import { readMigrations } from './migrator';
import { devTicketSecret, TicketCodes } from './ticket-code';
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
          salesOpenAt: '2030-01-01T10:00:00Z', salesCloseAt: null, lifecycle: 'published' },
        { id: second.id, name: second.name, startsAt: second.startsAt, sales: 'open',
          salesOpenAt: null, salesCloseAt: '2030-06-01T19:00:00Z', lifecycle: 'published' },
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

    it('loads the seats from the compact layout, and builds and keeps one for an event stored without', async () => {
      const { seats, ...header } = { ...definitionFor(uniqueId('ev')), name: 'Layout' };
      seats.reverse();
      seats[3] = { ...seats[3], id: 'Ω-é 1', row: 'AA', accessible: true, x: 1.5 };
      const definition = { ...header, seats };
      await store.createEvent(definition);
      const legacy = { ...definition, id: uniqueId('old') };
      await store.createEvent(legacy);
      // As events created before the layout column existed are stored.
      await harness.sql.query('UPDATE events SET layout = NULL WHERE id = $1', [legacy.id]);
      for (const event of [definition, legacy, legacy]) {
        const restored = await other.loadEvent(event.id);
        expect(restored?.definition).toEqual({ ...header, id: event.id });
        const table = restored!.seats!;
        expect(Array.from({ length: table.count }, (_, i) => table.seat(i, header.categories))).toEqual(seats);
        expect(table.indexOf('Ω-é 1')).toBe(3);
      }
      const [row] = await harness.sql.query<{ stored: boolean }>('SELECT layout IS NOT NULL AS stored FROM events WHERE id = $1', [legacy.id]);
      expect(row.stored).toBe(true);
    });

    it('keeps the stored seats when an edit comes from a definition loaded without them', async () => {
      const definition = definitionFor(uniqueId('ev'));
      await store.createEvent(definition);
      const restored = await store.loadEvent(definition.id);
      expect('seats' in restored!.definition).toBe(false);
      expect(await store.updateDefinition(null, { ...restored!.definition, name: 'Renamed' })).toBe('ok');
      expect(await other.getDefinition(definition.id)).toEqual({ ...definition, name: 'Renamed' });
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
    it('tells whether an event exists without writing anything', async () => {
      const eventId = uniqueId('ev');
      expect(await store.eventExists(eventId)).toBe(false);
      expect(await store.getOwnership(eventId)).toBeNull();
      await store.createEvent(definitionFor(eventId));
      expect(await store.eventExists(eventId)).toBe(true);
    });

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
        { orderId: seated.orderId, userId: 'alice', holdId: seated.holdId, seats: [3, 1], areas: {}, total: 10000, confirmedAt: Date.parse('2030-01-02T03:04:05.678Z') },
        { orderId: mixed.orderId, userId: 'bob', holdId: mixed.holdId, seats: [9], areas: { ga: 3 }, total: 20000, confirmedAt: Date.parse('2030-01-02T03:04:05.678Z') },
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
      // Derived, not stored: the harness's stores use the default (development) ticket secret.
      const verifier = new TicketCodes(devTicketSecret('unconfigured'));
      expect(stored?.tickets.map((t) => verifier.verify(t.code))).toEqual([
        { orderId: mixed.orderId, place: { kind: 'seat', seatId: 'A-1-10' } },
        ...[0, 1, 2].map((index) => ({ orderId: mixed.orderId, place: { kind: 'area', areaId: 'ga', index } })),
      ]);

      expect(await outboxOf(eventId)).toEqual([
        { type: 'order.confirmed', payload: { orderId: seated.orderId, eventId, userId: 'alice',
          seats: ['A-1-4', 'A-1-2'], areas: {}, total: 10000 } },
        { type: 'order.confirmed', payload: { orderId: mixed.orderId, eventId, userId: 'bob',
          seats: ['A-1-10'], areas: { ga: 3 }, total: 20000 } },
      ]);
    });

    it('sells a standing area up to its capacity and names the orders beyond it (nothing written)', async () => {
      const { eventId, epoch } = await ownedEvent();
      const first = orderFor(eventId, [], { areas: { ga: 60 } });
      expect(await store.commitOrders(eventId, epoch, [first])).toEqual({ ok: true });
      const fits = orderFor(eventId, [], { areas: { ga: 30 } });
      const tooMany = orderFor(eventId, [], { areas: { ga: 20 } });
      const last = orderFor(eventId, [], { areas: { ga: 10 } });
      expect(await store.commitOrders(eventId, epoch, [fits, tooMany, last]))
        .toEqual({ ok: false, reason: 'seat_taken', orderIds: [tooMany.orderId] });
      expect(await orderCount(eventId)).toBe(1);
      expect(await store.commitOrders(eventId, epoch, [fits, last])).toEqual({ ok: true });
      const [row] = await harness.sql.query<{ sold: number }>(
        `SELECT sold FROM area_sales WHERE event_id = $1 AND area_id = 'ga'`, [eventId]);
      expect(row.sold).toBe(100);
      const unknownArea = orderFor(eventId, [], { areas: { balcony: 1 } });
      expect(await store.commitOrders(eventId, epoch, [unknownArea]))
        .toEqual({ ok: false, reason: 'seat_taken', orderIds: [unknownArea.orderId] });
    });

    it('refuses a sale written past the actor, straight into Postgres: a seat twice, a floor over capacity', async () => {
      const { eventId, epoch } = await ownedEvent();
      await store.commitOrders(eventId, epoch, [orderFor(eventId, ['A-1-1'], { areas: { ga: 99 } })]);
      const insert = (id: string, seats: string[], areas: Record<string, number>): Promise<unknown> =>
        harness.sql.query(
          `INSERT INTO orders (id, event_id, user_id, hold_id, total, created_at, seats, areas)
           VALUES ($1, $2, 'mallory', 'h', 0, now(), $3::jsonb, $4::jsonb)`,
          [id, eventId, JSON.stringify(seats), JSON.stringify(areas)]);
      await expect(insert(uniqueId('ord'), [], { ga: 2 })).rejects.toMatchObject({ code: '23514' });
      await expect(insert(uniqueId('ord'), ['A-1-1'], {})).rejects.toMatchObject({ code: '23505' });
      await expect(harness.sql.query(
        `UPDATE area_sales SET sold = capacity + 1 WHERE event_id = $1`, [eventId])).rejects.toMatchObject({ code: '23514' });
      await expect(harness.sql.query(
        `UPDATE orders SET seats = '["A-1-2"]' WHERE event_id = $1`, [eventId])).rejects.toMatchObject({ code: '23514' });
      // The last place still sells, through the same guard.
      await insert(uniqueId('ord'), ['A-1-2'], { ga: 1 });
      expect(await orderCount(eventId)).toBe(2);
      const [row] = await harness.sql.query<{ sold: number; seats: number }>(
        `SELECT (SELECT sold FROM area_sales WHERE event_id = $1) AS sold,
                (SELECT count(*)::int FROM order_seats WHERE event_id = $1 AND NOT voided) AS seats`, [eventId]);
      expect(row).toEqual({ sold: 100, seats: 2 });
    });

    it('tells which of a batch\'s orders are stored', async () => {
      const { eventId, epoch } = await ownedEvent();
      const stored = orderFor(eventId, ['A-1-1']);
      await store.commitOrders(eventId, epoch, [stored]);
      expect(await other.storedAmong([stored.orderId, 'never-written'])).toEqual(new Set([stored.orderId]));
      expect(await other.storedAmong([])).toEqual(new Set());
    });

    it('tells which holds orders of the event were bought from, cancelled ones included', async () => {
      const { eventId, epoch } = await ownedEvent();
      const live = orderFor(eventId, ['A-1-1']);
      const cancelled = orderFor(eventId, ['A-1-2']);
      await store.commitOrders(eventId, epoch, [live, cancelled]);
      expect(await store.cancelOrder(eventId, epoch, cancelled.orderId)).toBe('cancelled');
      const { eventId: elsewhere } = await ownedEvent();
      expect(await other.boughtHolds(eventId, [live.holdId, cancelled.holdId, 'never-bought'])).toEqual(new Set([live.holdId, cancelled.holdId]));
      expect(await other.boughtHolds(elsewhere, [live.holdId])).toEqual(new Set());
      expect(await other.boughtHolds(eventId, [])).toEqual(new Set());
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

  orderReadsContract({
    store: () => store,
    other: () => other,
    sql: () => harness.sql,
    ownedEvent,
    outboxOf,
    orderFor,
    unknownEventId: () => uniqueId('ev'),
  });

  ticketDeskContract({ store: () => store, sql: () => harness.sql, ownedEvent, orderFor });
}
