// Runs the EventStore contract against Postgres (pg, a fresh database for this file) and PGlite
// (one embedded instance in a temp dir, shared by the suite because opening one takes ~2 s).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
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
    close: async () => undefined,
  };
}

describe('PostgresEventStore on Postgres (pg)', () => {
  eventStoreContract(async () => {
    const database = await createTestDatabase();
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

  it('throws StoreUnavailableError when Postgres is unreachable', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/test';
    await expect(openStore({ databaseUrl: unreachable, dataDir: 'unused' })).rejects.toBeInstanceOf(StoreUnavailableError);
    const store = new PostgresEventStore(new PgClient({ connectionString: unreachable }));
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.loadEvent('x')).rejects.toBeInstanceOf(StoreUnavailableError);
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
