// Picks the store's database from the configuration (docs/protocol.md: DATABASE_URL, else PGlite in
// DATA_DIR) and brings its schema up to date.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EventStore } from './event-store';
import { PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import { PostgresEventStore } from './postgres-event-store';
import type { SqlClient } from './sql-client';

/** Where the store lives. */
export interface OpenStoreOptions {
  /** Postgres URL; unset: embedded Postgres (PGlite) in `dataDir`. */
  databaseUrl?: string;
  /** Directory of the embedded database (created if missing). */
  dataDir: string;
  /** pg pool size (default DEFAULT_POOL_SIZE). */
  poolSize?: number;
  /** pg statement timeout (ms; default DEFAULT_STATEMENT_TIMEOUT_MS, 0: none). */
  statementTimeoutMs?: number;
  /** pg: run statements asked to be prepared as named prepared statements (default true). */
  preparedStatements?: boolean;
  /** Signs ticket codes (config TICKET_SECRET); tests may leave it out. */
  ticketSecret?: string;
  /** Writes an `order.confirmed` outbox row per order (default true; false when no webhook carries it). */
  announceOrders?: boolean;
}

/** Opens the configured database and applies pending migrations; throws StoreUnavailableError if unreachable. */
export async function openStore(options: OpenStoreOptions): Promise<EventStore> {
  return (await openDatabase(options)).store;
}

/** The event store and the SQL client under it, for the other stores of the same database (jobs). */
export interface OpenDatabase {
  store: EventStore;
  /** Closed by `store.close()`. */
  sql: SqlClient;
}

/** Like openStore, also handing out the SQL client (PGlite allows one instance per data dir). */
export async function openDatabase(options: OpenStoreOptions): Promise<OpenDatabase> {
  let client: SqlClient;
  if (options.databaseUrl) {
    client = new PgClient({
      connectionString: options.databaseUrl,
      poolSize: options.poolSize,
      statementTimeoutMs: options.statementTimeoutMs,
      preparedStatements: options.preparedStatements,
    });
  } else {
    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    client = await PgliteClient.open(dataDir);
  }
  const store = new PostgresEventStore(client, { ticketSecret: options.ticketSecret, announceOrders: options.announceOrders });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return { store, sql: client };
}
