// The audit trail and the order export, on Postgres (pg, a fresh database) and on PGlite: one suite,
// both implementations of SqlClient under it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { EventDefinition } from '../domain/types';
import { PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import { PostgresAuditStore } from './postgres-audit-store';
import { PostgresEventStore } from './postgres-event-store';
import { PostgresOrderExport } from './postgres-order-export';
import type { SqlClient } from './sql-client';
import { InvalidCursorError } from './event-store';

const definition: EventDefinition = {
  id: 'gala',
  name: 'Gala',
  startsAt: '2030-01-01T20:00:00Z',
  holdTtlSeconds: 600,
  maxSeatsPerUser: 10,
  categories: [{ id: 'std', name: 'Standard', price: 1000 }],
  seats: Array.from({ length: 20 }, (_, i) => ({
    id: `A-1-${i + 1}`, section: 'A', row: '1', number: i + 1, x: i, y: 1, category: 'std', accessible: false,
  })),
  areas: [{ id: 'floor', name: 'Floor', capacity: 100, category: 'std' }],
};

function suite(name: string, open: () => Promise<{ sql: SqlClient; dispose: () => Promise<void> }>): void {
  describe(name, () => {
    let sql: SqlClient;
    let dispose: () => Promise<void>;
    let events: PostgresEventStore;
    beforeAll(async () => {
      ({ sql, dispose } = await open());
      events = new PostgresEventStore(sql);
      await events.migrate();
      await events.createEvent(definition);
    }, 60_000);
    afterAll(async () => dispose());

    it('fences edits, blocks and sales by the epoch, keeps drafts and archives apart in listings', async () => {
      const draft = { ...definition, id: 'draft-1', draft: true };
      expect(await events.createEvent(draft)).toBe('created');
      const listed = async (id: string): Promise<string | undefined> => (await events.listEvents()).find((e) => e.id === id)?.lifecycle;
      expect(await listed('draft-1')).toBe('draft');
      expect(await events.getRevision('draft-1')).toBe(0);
      const epoch = await events.claimOwnership('draft-1', 'n1');
      const published = { ...definition, id: 'draft-1', name: 'Renamed', startsAt: '2031-02-02T20:00:00Z' };
      expect(await events.updateDefinition(epoch + 1, published)).toBe('fenced');
      expect(await events.updateDefinition(epoch, published)).toBe('ok');
      expect(await events.getRevision('draft-1')).toBe(1);
      expect(await listed('draft-1')).toBe('published');
      expect(await events.getDefinition('draft-1')).toMatchObject({ name: 'Renamed', startsAt: '2031-02-02T20:00:00Z' });
      expect(await events.updateDefinition(null, { ...published, id: 'nope' })).toBe('not_found');

      expect(await events.writeBlocked('draft-1', epoch + 1, ['A-1-1'], true)).toBe('fenced');
      expect(await events.writeSales('draft-1', epoch + 1, 'paused')).toBe('fenced');
      expect(await events.writeBlocked('draft-1', epoch, ['A-1-1', 'A-1-2'], true)).toBe('ok');
      expect(await events.writeSales('draft-1', epoch, 'paused')).toBe('ok');
      const restored = await events.loadEvent('draft-1');
      expect(restored).toMatchObject({ sales: 'paused', blocked: [0, 1] });

      expect(await events.setArchived('draft-1', true)).toBe('archived');
      expect(await listed('draft-1')).toBe('archived');
      expect(await events.setArchived('draft-1', false)).toBe('published');
      expect(await events.setArchived('missing', true)).toBeNull();
    });

    it('records audit entries with their actor and pages them newest first, per event or all', async () => {
      const audit = new PostgresAuditStore(sql);
      const actor = { userId: 'bob', role: 'staff' };
      const first = await audit.record({ actor, action: 'seats.block', eventId: 'gala', target: null, details: { seats: ['A-1-1'] } });
      await audit.record({ actor: { userId: 'root', role: 'admin' }, action: 'event.create', eventId: 'other', target: null, details: {} });
      const third = await audit.record({ actor, action: 'order.cancel', eventId: 'gala', target: 'o_1', details: {} });
      expect(first.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Number(third.id)).toBeGreaterThan(Number(first.id));

      const page1 = await audit.list('gala', null, 1);
      expect(page1.entries.map((e) => e.action)).toEqual(['order.cancel']);
      expect(page1.entries[0]).toMatchObject({ actor, target: 'o_1', eventId: 'gala' });
      const page2 = await audit.list('gala', page1.next, 1);
      expect(page2.entries.map((e) => [e.action, e.details])).toEqual([['seats.block', { seats: ['A-1-1'] }]]);
      expect(page2.next).toBeNull();
      expect((await audit.list(null, null, 10)).entries.map((e) => e.action)).toEqual(['order.cancel', 'event.create', 'seats.block']);
      await expect(audit.list(null, 'x; drop', 10)).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('exports every seat and place of every order, oldest first, in pages of orders', async () => {
      const epoch = await events.claimOwnership('gala', 'n1');
      const orders = Array.from({ length: 7 }, (_, i) => ({
        orderId: `o${i}`, eventId: 'gala', userId: `u${i}`, holdId: `h${i}`,
        seats: i % 2 === 0 ? [`A-1-${2 * i + 1}`, `A-1-${2 * i + 2}`] : [],
        areas: (i % 2 === 1 ? { floor: 2 } : {}) as Record<string, number>,
        total: 2000, idempotencyKey: null, createdAt: Date.UTC(2030, 0, 1, 0, 0, i),
      }));
      expect(await events.commitOrders('gala', epoch, orders)).toEqual({ ok: true });
      expect(await events.cancelOrder('gala', epoch, 'o1')).toBe('cancelled');

      const exporter = new PostgresOrderExport(sql);
      const pages: string[][] = [];
      for await (const page of exporter.lines('gala', 3)) pages.push(page.map((l) => `${l.orderId}:${l.seatId ?? `${l.areaId}#${l.place}`}:${l.status}`));
      expect(pages.map((p) => new Set(p.map((l) => l.split(':')[0])).size)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual([
        'o0:A-1-1:confirmed', 'o0:A-1-2:confirmed',
        'o1:floor#0:cancelled', 'o1:floor#1:cancelled',
        'o2:A-1-5:confirmed', 'o2:A-1-6:confirmed',
        'o3:floor#0:confirmed', 'o3:floor#1:confirmed',
        'o4:A-1-9:confirmed', 'o4:A-1-10:confirmed',
        'o5:floor#0:confirmed', 'o5:floor#1:confirmed',
        'o6:A-1-13:confirmed', 'o6:A-1-14:confirmed',
      ]);
      const empty: unknown[] = [];
      for await (const page of exporter.lines('nothing-here')) empty.push(page);
      expect(empty).toEqual([]);
    });
  });
}

suite('staff stores on Postgres (pg)', async () => {
  const database = await createTestDatabase();
  const sql = new PgClient({ connectionString: database.url, poolSize: 2 });
  return { sql, dispose: async () => { await sql.close(); await database.drop(); } };
});

suite('staff stores on PGlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aisle-staff-'));
  const sql = await PgliteClient.open(dir);
  return { sql, dispose: async () => { await sql.close(); await rm(dir, { recursive: true, force: true }); } };
});
