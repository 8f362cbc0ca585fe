// The small SQL port the store is written against, so one set of SQL runs on `pg` and on PGlite.
// Deliberately left out: streaming, COPY, LISTEN/NOTIFY, savepoints and nested transactions.

/** How to run one statement. */
export interface QueryOptions {
  /**
   * A hot statement of fixed text: parsed and planned once per connection, then sent as its parameters
   * only (a named prepared statement). Only for statements whose plan does not depend on the
   * parameters' values: Postgres may keep one generic plan for them after five runs.
   */
  prepared?: boolean;
}

/** Runs statements; inside `SqlClient.transaction` every call shares that transaction. */
export interface SqlExecutor {
  /** One statement with `$n` parameters (arrays become SQL arrays); the rows it returns. */
  query<R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]>;
  /** Several statements without parameters (a migration file). */
  exec(text: string): Promise<void>;
}

/** The server session (backend) a statement ran on: what it takes to make sure it is gone. */
export interface SqlSession {
  pid: number;
  /** The backend's start time as the server wrote it; with `pid` it names one session, ever. */
  backendStart: string;
}

/** A database handle: statements run in autocommit, or together through `transaction`. */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Ends `session` if it still runs and waits until it is gone, so whatever it was doing has
   * committed or rolled back for good (after a connection was lost mid-statement). Throws
   * StoreUnavailableError when that cannot be done now.
   */
  endSession(session: SqlSession): Promise<void>;
  /** Closes connections (or the embedded database). */
  close(): Promise<void>;
}

/** The SQLSTATE (pg and PGlite) or Node system error code (ECONNREFUSED) of an unknown error. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}
