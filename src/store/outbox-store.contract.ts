// The contract of OutboxStore and ScheduleStore, run by postgres-outbox-store.test.ts on Postgres (pg)
// and on PGlite. Each test makes its own events; the suite's database is fresh and migrated.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventDefinition } from '../domain/types';
import type { EventStore } from './event-store';
import type { OutboxStore, ScheduleStore } from './outbox-store';
import type { SqlExecutor } from './sql-client';

/** What the contract needs from an implementation's test file. */
export interface OutboxStoreHarness {
  /** A migrated event store and the outbox and schedule stores on the same database. */
  events: EventStore;
  outbox: OutboxStore;
  /** Two schedule stores with their own connections, as two nodes would have. */
  schedules: [ScheduleStore, ScheduleStore];
  sql: SqlExecutor;
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const LEASE_MS = 30_000;

function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

function definitionFor(id: string, window: { salesOpenAt?: string; salesCloseAt?: string } = {}): EventDefinition {
  return {
    id,
    name: `Outbox ${id}`,
    startsAt: '2030-06-01T20:00:00Z',
    holdTtlSeconds: 600,
    maxSeatsPerUser: 10,
    ...window,
    categories: [{ id: 'std', name: 'Standard', price: 5000 }],
    seats: [1, 2, 3].map((n) => ({ id: `A-1-${n}`, section: 'A', row: '1', number: n, x: n, y: 0, category: 'std', accessible: false })),
    areas: [{ id: 'ga', name: 'Standing', capacity: 10, category: 'std' }],
  };
}

/** Registers the contract; `createHarness` gives a fresh database for the suite. */
export function outboxStoreContract(createHarness: () => Promise<OutboxStoreHarness>): void {
  let h: OutboxStoreHarness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  /** Claims everything due at `now` (the tests' rows are the only ones not yet processed). */
  const claimAll = (now = T0): ReturnType<OutboxStore['claimPending']> => h.outbox.claimPending(1000, now, now + LEASE_MS);
  /** Settles whatever earlier tests left pending, so each test sees only its own rows. */
  const drain = async (): Promise<void> => {
    const far = Date.UTC(2200, 0, 1);
    const left = await h.outbox.claimPending(10_000, far, far);
    await h.outbox.markSkipped(left.map((m) => m.id), T0);
  };

  describe('outbox', () => {
    it('appends, claims oldest first under a lease, and relays', async () => {
      await drain();
      const eventId = uniqueId('ev');
      await h.outbox.append([
        { eventId, type: 'hold.created', payload: { n: 1 } },
        { eventId, type: 'hold.released', payload: { n: 2 } },
      ]);
      const claimed = await claimAll();
      expect(claimed.map((m) => [m.type, m.payload, m.attempts])).toEqual([
        ['hold.created', { n: 1 }, 0],
        ['hold.released', { n: 2 }, 0],
      ]);
      expect(claimed[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      // Leased: nobody else gets them until the lease is over.
      expect(await claimAll(T0 + 1000)).toEqual([]);
      const again = await claimAll(T0 + LEASE_MS + 1);
      expect(again.map((m) => m.id)).toEqual(claimed.map((m) => m.id));
      await h.outbox.markRelayed(again.map((m) => m.id), T0 + LEASE_MS + 2);
      expect(await claimAll(T0 + 10 * LEASE_MS)).toEqual([]);
      expect(await h.outbox.counts()).toMatchObject({ pending: 0 });
    });

    it('writes a row with a dedupe key once', async () => {
      const eventId = uniqueId('ev');
      const row = { eventId, type: 'event.sold_out', payload: {}, dedupeKey: `sold_out:${eventId}` };
      expect(await h.outbox.append([row, row])).toBe(1);
      expect(await h.outbox.append([row])).toBe(0);
    });

    it('gives concurrent claimers disjoint rows', async () => {
      await drain();
      const eventId = uniqueId('ev');
      await h.outbox.append(Array.from({ length: 40 }, (_, n) => ({ eventId, type: 'hold.created', payload: { n } })));
      const [a, b] = await Promise.all([h.outbox.claimPending(25, T0, T0 + LEASE_MS), h.outbox.claimPending(25, T0, T0 + LEASE_MS)]);
      const ids = [...a, ...b].map((m) => m.id);
      expect(new Set(ids).size).toBe(40);
      await h.outbox.markSkipped(ids, T0);
    });

    it('retries a failed row when due, then dead-letters it', async () => {
      await drain();
      const eventId = uniqueId('ev');
      await h.outbox.append([{ eventId, type: 'order.confirmed', payload: { orderId: 'o1' } }]);
      const [message] = await claimAll();
      await h.outbox.recordFailure(message.id, 'HTTP 500', T0 + 2000);
      expect(await claimAll(T0 + 1999)).toEqual([]);
      const [retry] = await claimAll(T0 + 2000);
      expect(retry).toMatchObject({ id: message.id, attempts: 1 });
      await h.outbox.markDead(message.id, 'HTTP 503', 2, T0 + 2001);
      const [dead] = await h.outbox.listDead(10);
      expect(dead).toMatchObject({ id: message.id, type: 'order.confirmed', attempts: 2, lastError: 'HTTP 503' });
      expect(await h.outbox.listDead(10, message.id)).toEqual([]);
      expect(await claimAll(T0 + 100_000)).toEqual([]);
      expect((await h.outbox.counts()).dead).toBeGreaterThanOrEqual(1);
    });

    it('finds relayed rows never settled and requeues them; delivered rows are done', async () => {
      await drain();
      const eventId = uniqueId('ev');
      await h.outbox.append([0, 1].map((n) => ({ eventId, type: 'order.confirmed', payload: { n } })));
      const claimed = await claimAll();
      await h.outbox.markRelayed(claimed.map((m) => m.id), T0);
      await h.outbox.markDelivered([claimed[0].id], T0 + 10);
      const queued = await h.outbox.findQueued(T0 + 60_000, 100);
      expect(queued.map((q) => q.id)).toContain(claimed[1].id);
      expect(queued.map((q) => q.id)).not.toContain(claimed[0].id);
      expect(queued.find((q) => q.id === claimed[1].id)?.relayedAt).toBe(T0);
      await h.outbox.requeue([claimed[0].id, claimed[1].id]);
      expect((await claimAll(T0 + 60_000)).map((m) => m.id)).toEqual([claimed[1].id]);
    });

    it('persists a staff sales change with its announcement, only when it changes', async () => {
      const eventId = uniqueId('ev');
      await h.events.createEvent(definitionFor(eventId));
      expect(await h.outbox.setSales(eventId, 'open')).toBe(false);
      expect(await h.outbox.setSales(eventId, 'paused')).toBe(true);
      expect(await h.outbox.setSales(eventId, 'paused')).toBe(false);
      expect(await h.outbox.setSales(eventId, 'open')).toBe(true);
      expect((await h.events.loadEvent(eventId))?.sales).toBe('open');
      const rows = await h.sql.query<{ type: string; payload: unknown }>(
        'SELECT type, payload FROM outbox WHERE event_id = $1 ORDER BY id', [eventId]);
      expect(rows).toEqual([
        { type: 'event.sales_closed', payload: { eventId, reason: 'staff', sales: 'paused' } },
        { type: 'event.sales_opened', payload: { eventId, reason: 'staff', sales: 'open' } },
      ]);
    });

    it('announces each sales window edge once, and none older than the lookback', async () => {
      const soon = uniqueId('ev');
      const old = uniqueId('ev');
      const at = (ms: number): string => new Date(ms).toISOString();
      await h.events.createEvent(definitionFor(soon, { salesOpenAt: at(T0 + 1000), salesCloseAt: at(T0 + 5000) }));
      await h.events.createEvent(definitionFor(old, { salesOpenAt: at(T0 - 86_400_000 * 30) }));
      const typesOf = async (eventId: string): Promise<string[]> =>
        (await h.sql.query<{ type: string }>('SELECT type FROM outbox WHERE event_id = $1 ORDER BY id', [eventId])).map((r) => r.type);
      const lookback = 86_400_000;
      await h.outbox.announceSalesWindows(T0, lookback);
      expect(await typesOf(soon)).toEqual([]);
      await h.outbox.announceSalesWindows(T0 + 1000, lookback);
      await h.outbox.announceSalesWindows(T0 + 2000, lookback);
      expect(await typesOf(soon)).toEqual(['event.sales_opened']);
      await h.outbox.announceSalesWindows(T0 + 5000, lookback);
      expect(await typesOf(soon)).toEqual(['event.sales_opened']);
      await Promise.all([h.outbox.announceSalesWindows(T0 + 5001, lookback), h.outbox.announceSalesWindows(T0 + 5002, lookback)]);
      expect(await typesOf(soon)).toEqual(['event.sales_opened', 'event.sales_closed']);
      expect(await typesOf(old)).toEqual([]);
    });
  });

  describe('schedules', () => {
    it('lets one node claim each slot, and the next slot only after the lease ends', async () => {
      const name = uniqueId('sched');
      const [a, b] = h.schedules;
      const results = await Promise.all([
        a.claimRun(name, T0, 'node-a', T0, T0 + 10_000),
        b.claimRun(name, T0, 'node-b', T0, T0 + 10_000),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      // The next slot while the first run's lease lasts: refused (runs never overlap).
      expect(await b.claimRun(name, T0 + 1000, 'node-b', T0 + 1000, T0 + 11_000)).toBe(false);
      await a.finishRun(name, T0, T0 + 1500);
      expect(await b.claimRun(name, T0 + 2000, 'node-b', T0 + 2000, T0 + 12_000)).toBe(true);
      // A slot that already ran never runs again.
      await b.finishRun(name, T0 + 2000, T0 + 2100);
      expect(await a.claimRun(name, T0 + 2000, 'node-a', T0 + 3000, T0 + 13_000)).toBe(false);
    });

    it('counts sold seats and places of confirmed orders', async () => {
      const eventId = uniqueId('ev');
      await h.events.createEvent(definitionFor(eventId));
      const epoch = await h.events.claimOwnership(eventId, 'node-a');
      const order = (orderId: string, seats: string[], areas: Record<string, number>) => ({
        orderId, eventId, userId: 'alice', holdId: `h-${orderId}`, seats, areas, total: 1, idempotencyKey: null, createdAt: T0,
      });
      await h.events.commitOrders(eventId, epoch, [order(`${eventId}-1`, ['A-1-1', 'A-1-2'], { ga: 3 }), order(`${eventId}-2`, ['A-1-3'], { ga: 1 })]);
      await h.events.cancelOrder(eventId, epoch, `${eventId}-2`);
      const counts = await h.schedules[0].soldCounts([eventId, 'no-such-event']);
      expect(counts.get(eventId)).toEqual({ seats: 2, places: 3 });
      expect(counts.get('no-such-event')).toEqual({ seats: 0, places: 0 });
    });
  });
}
