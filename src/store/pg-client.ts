// SqlClient over a `pg` connection pool (DATABASE_URL). Connection-level failures become
// StoreUnavailableError so callers can answer `unavailable` without knowing about pg.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { PoolClient, QueryConfig } from 'pg';
import { StoreInDoubtError, StoreUnavailableError } from './event-store';
import { errorCode } from './sql-client';
import type { QueryOptions, SqlClient, SqlExecutor, SqlSession } from './sql-client';

/** Connections per pool unless configured: pg's own default, plenty for one batch in flight per event. */
export const DEFAULT_POOL_SIZE = 10;
/** How long to wait for a connection before reporting the database unavailable (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** How long an idle connection is kept (ms): long enough that the first purchase after a quiet spell
 *  does not pay for a new connection (and its session probe), or find it cut by a process pause. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

/** Longest a statement may run before Postgres cancels it (ms): far above any batch commit or page read,
 *  short enough that a stuck lock wait or a runaway query frees its connection instead of starving the pool. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** How to reach Postgres. */
export interface PgClientOptions {
  connectionString: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  /** Per statement (ms); 0: none. */
  statementTimeoutMs?: number;
  /**
   * Whether `{ prepared: true }` makes a named prepared statement (default true). Off for a pooler in
   * transaction mode that does not track them (PgBouncer before 1.21, or with max_prepared_statements 0):
   * every statement then goes out unnamed, parsed and planned each time.
   */
  preparedStatements?: boolean;
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

/**
 * $1 pid, $2 backend start → [{ended}]: ends that session if it still exists and waits up to 5 s for
 * it to be gone (pg_terminate_backend with a timeout, Postgres 14+; a role may end its own sessions).
 */
const END_SESSION = `
SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2::timestamptz`;

/** $1 nothing → [{pid, backend_start}] of this connection's server session. */
const THIS_SESSION = `
SELECT pid, backend_start::text AS backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()`;

/** [{xid}]: this transaction's id, or null while it has written nothing (read-only so far). */
const THIS_XACT = `SELECT pg_current_xact_id_if_assigned()::text AS xid`;

/** $1 xid → [{status}]: 'committed', 'aborted', 'in progress', or null if too old to know (Postgres 13+). */
const XACT_STATUS = `SELECT pg_xact_status($1::xid8) AS status`;

/** Pauses between looks at an in-doubt COMMIT while the database cannot be asked (ms); the last repeats. */
const DOUBT_BACKOFF_MS = [20, 50, 100, 200, 400, 800, 1_600];

/** An 'error' listener for connections whose failure the running query reports. */
const ignore = (): void => undefined;

/** Names of prepared statements by their text: the same text gets the same name on every connection. */
const statementNames = new Map<string, string>();

/** The statement as pg runs it: by name (parsed once per connection) when `options` asks for it. */
function statement(text: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined): QueryConfig {
  if (options?.prepared !== true) return { text, values: params as unknown[] | undefined };
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `aisle_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: params as unknown[] | undefined };
}

async function run<R>(client: pg.Pool | PoolClient, text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> {
  try {
    const result = await client.query(statement(text, params, options));
    return result.rows as R[];
  } catch (error) {
    throw translate(error);
  }
}

/** A SqlClient over a pg Pool. */
export class PgClient implements SqlClient {
  readonly #pool: pg.Pool;
  /** Whether statements asked to be prepared are (PgClientOptions.preparedStatements). */
  readonly #prepare: boolean;
  /** The server session behind each pooled connection (asked once, on first use). */
  readonly #sessions = new WeakMap<PoolClient, SqlSession>();

  constructor(options: PgClientOptions) {
    this.#prepare = options.preparedStatements ?? true;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      idleTimeoutMillis: DEFAULT_IDLE_TIMEOUT_MS,
      // Idle connections (and their timers) do not keep a process alive that has nothing else to do.
      allowExitOnIdle: true,
      keepAlive: true,
    });
    // An idle client whose server went away emits 'error' on the pool; unhandled, that kills the
    // process. The pool drops that client, and the next query reports the outage itself.
    this.#pool.on('error', () => undefined);
  }

  /**
   * One statement on a pooled connection. If the connection is lost once the statement is on its
   * way, the outcome is unknown: StoreInDoubtError names the session that ran it.
   */
  async query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    let session: SqlSession | undefined;
    // A checked-out client emits 'error' when its connection dies (as pool.query handles for itself);
    // the failed query reports it, and an unhandled 'error' event would end the process.
    client.on('error', ignore);
    try {
      session = await this.#sessionOf(client);
      const result = await client.query(statement(text, params, this.#prepare ? options : undefined));
      client.off('error', ignore);
      client.release();
      return result.rows as R[];
    } catch (error) {
      client.off('error', ignore);
      const lost = isUnavailableError(error);
      // A connection that failed is not given back to the pool.
      client.release(lost ? (error as Error) : undefined);
      if (lost && session) {
        const message = error instanceof Error ? error.message : String(error);
        throw new StoreInDoubtError(`database connection lost mid-statement: ${message}`, session, { cause: error });
      }
      throw translate(error);
    }
  }

  /** The server session of a pooled connection, asked once per connection (one more round trip). */
  async #sessionOf(client: PoolClient): Promise<SqlSession> {
    let session = this.#sessions.get(client);
    if (!session) {
      const [row] = (await client.query<{ pid: number; backend_start: string }>(THIS_SESSION)).rows;
      session = { pid: row.pid, backendStart: row.backend_start };
      this.#sessions.set(client, session);
    }
    return session;
  }

  async endSession(session: SqlSession): Promise<void> {
    const rows = await run<{ ended: boolean }>(this.#pool, END_SESSION, [session.pid, session.backendStart]);
    if (rows.length > 0 && !rows[0].ended) {
      throw new StoreUnavailableError(`database session ${session.pid} did not end in time`);
    }
  }

  async exec(text: string): Promise<void> {
    await run(this.#pool, text);
  }

  /**
   * Runs `fn` in one transaction. If the connection is lost while COMMIT is on its way, the outcome is
   * looked up (the transaction's id, taken before COMMIT, in Postgres's commit log) rather than guessed:
   * committed resolves with `fn`'s result, rolled back throws StoreUnavailableError (nothing changed).
   * While Postgres cannot be asked, it keeps asking, however long: an `unavailable` for a write that did
   * commit would leave the caller's memory and the database disagreeing.
   */
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw translate(error);
    }
    const tx: SqlExecutor = {
      query: (text, params, options) => run(client, text, params, this.#prepare ? options : undefined),
      exec: async (text) => void (await run(client, text)),
    };
    let broken = false;
    let inDoubt: { xid: string | null; session: SqlSession; result: T } | undefined;
    // As in query: a connection that dies while the transaction holds it (Postgres restarting) emits
    // 'error'; the statement in progress or the next one reports it, and unheard it would end the process.
    client.on('error', ignore);
    try {
      const session = await this.#sessionOf(client);
      await run(client, 'BEGIN');
      const result = await fn(tx);
      const [{ xid }] = await run<{ xid: string | null }>(client, THIS_XACT);
      try {
        await run(client, 'COMMIT');
      } catch (error) {
        if (!isUnavailableError(error)) throw error;
        broken = true;
        inDoubt = { xid, session, result };
      }
      if (!inDoubt) return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is unusable: destroy it instead of returning it to the pool
      }
      throw translate(error);
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
    return this.#settle(inDoubt);
  }

  /** The outcome of a transaction whose COMMIT was sent and never answered. */
  async #settle<T>({ xid, session, result }: { xid: string | null; session: SqlSession; result: T }): Promise<T> {
    // It wrote nothing: committed or not, nothing changed, and what it read stands.
    if (xid === null) return result;
    let attempt = 0;
    for (;;) {
      let status: string | null;
      try {
        [{ status }] = await run<{ status: string | null }>(this.#pool, XACT_STATUS, [xid]);
        if (status === 'in progress') {
          // Its session has not seen the COMMIT yet, or not finished it: end the session, then look again.
          await this.endSession(session);
          continue;
        }
      } catch (error) {
        if (!isUnavailableError(error)) throw error;
        const delay = DOUBT_BACKOFF_MS[Math.min(attempt++, DOUBT_BACKOFF_MS.length - 1)];
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      if (status === 'committed') return result;
      if (status === 'aborted') throw new StoreUnavailableError('database connection lost during COMMIT; the transaction rolled back');
      throw new Error(`the outcome of transaction ${xid} is no longer known to the database (status ${String(status)})`);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
