// SqlClient over a `pg` connection pool (DATABASE_URL). Connection-level failures become
// StoreUnavailableError so callers can answer `unavailable` without knowing about pg.
import pg from 'pg';
import type { PoolClient } from 'pg';
import { StoreUnavailableError } from './event-store';
import { errorCode } from './sql-client';
import type { SqlClient, SqlExecutor } from './sql-client';

/** Connections per pool unless configured: pg's own default, plenty for one batch in flight per event. */
export const DEFAULT_POOL_SIZE = 10;
/** How long to wait for a connection before reporting the database unavailable (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** How to reach Postgres. */
export interface PgClientOptions {
  connectionString: string;
  poolSize?: number;
  connectTimeoutMs?: number;
}

// Node socket errors that mean "the server cannot be reached".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
]);
// SQLSTATEs that mean "the server is there but will not do work now"; classes 08 and 53 are matched by prefix.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '25006', // read_only_sql_transaction (a standby, or the disk-full safety switch)
  '3D000', // invalid_catalog_name: the database does not exist (yet)
  '58030', // io_error
]);
// pg raises these without a code when a connection dies or cannot be had in time.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
];

/** True when `error` means the database cannot be reached or refuses to work (not a bad statement). */
export function isUnavailableError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const code = errorCode(error);
  if (code !== undefined) {
    if (UNREACHABLE_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if (code.startsWith('08') || code.startsWith('53')) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isUnavailableError);
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

/** `error` as StoreUnavailableError when it is a connection failure, else unchanged. */
function translate(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`database unavailable: ${message}`, { cause: error });
}

async function run<R>(client: pg.Pool | PoolClient, text: string, params?: readonly unknown[]): Promise<R[]> {
  try {
    const result = await client.query(text, params as unknown[] | undefined);
    return result.rows as R[];
  } catch (error) {
    throw translate(error);
  }
}

/** A SqlClient over a pg Pool. */
export class PgClient implements SqlClient {
  readonly #pool: pg.Pool;

  constructor(options: PgClientOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // An idle client whose server went away emits 'error' on the pool; unhandled, that kills the
    // process. The pool drops that client, and the next query reports the outage itself.
    this.#pool.on('error', () => undefined);
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return run<R>(this.#pool, text, params);
  }

  async exec(text: string): Promise<void> {
    await run(this.#pool, text);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    const tx: SqlExecutor = {
      query: (text, params) => run(client, text, params),
      exec: async (text) => void (await run(client, text)),
    };
    let broken = false;
    try {
      await run(client, 'BEGIN');
      const result = await fn(tx);
      await run(client, 'COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is unusable: destroy it instead of returning it to the pool
      }
      throw translate(error);
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
