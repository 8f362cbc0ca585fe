// Runs the EventStore contract against Postgres (pg, a fresh database for this file) and PGlite
// (one embedded instance in a temp dir, shared by the suite because opening one takes ~2 s).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { eventStoreContract } from './event-store.contract';
import { StoreUnavailableError } from './event-store';
import { openStore } from './open-store';
import { PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import { PostgresEventStore } from './postgres-event-store';
import type { SqlClient } from './sql-client';

/** `client` for a store whose close() must not close the shared client. */
function borrowed(client: SqlClient): SqlClient {
  return {
    query: (text, params) => client.query(text, params),
    exec: (text) => client.exec(text),
    transaction: (fn) => client.transaction(fn),
    endSession: (session) => client.endSession(session),
    close: async () => undefined,
  };
}

describe('PostgresEventStore on Postgres (pg)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });

  // Registered after the beforeAll above, so the database exists when the contract's harness starts.
  eventStoreContract(async () => {
    const sql = new PgClient({ connectionString: database.url, poolSize: 2 });
    return {
      open: async () => new PostgresEventStore(new PgClient({ connectionString: database.url })),
      sql,
      dispose: async () => {
        await sql.close();
        await database.drop();
      },
    };
  });

  it('fences a commit that waited on a claim still in progress', async () => {
    const sql = new PgClient({ connectionString: database.url, poolSize: 3 });
    const store = new PostgresEventStore(new PgClient({ connectionString: database.url }));
    try {
      const eventId = 'race';
      await store.createEvent({ id: eventId, name: 'Race', startsAt: '2030-01-01T20:00:00Z', holdTtlSeconds: 600,
        maxSeatsPerUser: 10, categories: [], seats: [], areas: [] });
      const epoch = await store.claimOwnership(eventId, 'node-a');
      let finishClaim!: () => void;
      const claimHeld = new Promise<void>((resolve) => { finishClaim = resolve; });
      let claimed!: () => void;
      const rowUpdated = new Promise<void>((resolve) => { claimed = resolve; });
      // Another node's claim: the row is updated but not yet committed.
      const claim = sql.transaction(async (tx) => {
        await tx.query('UPDATE event_owners SET epoch = epoch + 1, node_id = $2 WHERE event_id = $1', [eventId, 'node-b']);
        claimed();
        await claimHeld;
      });
      await rowUpdated;
      const commit = store.commitOrders(eventId, epoch, [{
        orderId: 'race-1', eventId, userId: 'alice', holdId: 'h', seats: ['A-1'], areas: {}, total: 1,
        idempotencyKey: null, createdAt: Date.now(),
      }]);
      // Wait (with a deadline) until the commit is blocked on the owner row's lock.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (row.n > 0) break;
        if (Date.now() > deadline) throw new Error('commit never waited for the claim');
        await new Promise((resolve) => setImmediate(resolve));
      }
      finishClaim();
      await claim;
      expect(await commit).toEqual({ ok: false, reason: 'fenced', currentEpoch: epoch + 1 });
      expect(await store.getOrder('race-1')).toBeNull();
    } finally {
      await store.close();
      await sql.close();
    }
  });

  it('writes no order.confirmed outbox row when opened not to announce orders, and the order all the same', async () => {
    const sql = new PgClient({ connectionString: database.url, poolSize: 1 });
    const store = new PostgresEventStore(new PgClient({ connectionString: database.url }), { announceOrders: false });
    try {
      const eventId = 'quiet';
      await store.createEvent({ id: eventId, name: 'Quiet', startsAt: '2030-01-01T20:00:00Z', holdTtlSeconds: 600,
        maxSeatsPerUser: 10, categories: [], seats: [], areas: [] });
      const epoch = await store.claimOwnership(eventId, 'node-a');
      const order = { orderId: 'quiet-1', eventId, userId: 'alice', holdId: 'h', seats: ['A-1'], areas: {}, total: 1,
        idempotencyKey: null, createdAt: Date.now() };
      expect(await store.commitOrders(eventId, epoch, [order])).toEqual({ ok: true });
      expect(await store.getOrder('quiet-1')).toMatchObject({ orderId: 'quiet-1', seats: ['A-1'] });
      expect(await sql.query('SELECT type FROM outbox WHERE event_id = $1', [eventId])).toEqual([]);
      // The guard still holds without the outbox rows: the seat cannot be sold again.
      await expect(store.commitOrders(eventId, epoch, [{ ...order, orderId: 'quiet-2', holdId: 'h2' }])).resolves.toMatchObject({ ok: false });
    } finally {
      await store.close();
      await sql.close();
    }
  });

  it('throws StoreUnavailableError when Postgres is unreachable', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/test';
    await expect(openStore({ databaseUrl: unreachable, dataDir: 'unused' })).rejects.toBeInstanceOf(StoreUnavailableError);
    const store = new PostgresEventStore(new PgClient({ connectionString: unreachable }));
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.loadEvent('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.commitOrders('x', 1, [{
      orderId: 'o', eventId: 'x', userId: 'u', holdId: 'h', seats: ['s'], areas: {}, total: 1,
      idempotencyKey: null, createdAt: 0,
    }])).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});

describe('PostgresEventStore on PGlite', () => {
  eventStoreContract(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aisle-pglite-'));
    const client = await PgliteClient.open(dir);
    return {
      open: async () => new PostgresEventStore(borrowed(client)),
      sql: client,
      dispose: async () => {
        await client.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
});
