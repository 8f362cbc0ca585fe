// SqlClient over embedded Postgres (PGlite), used when no DATABASE_URL is set. PGlite has one
// connection, so every statement and transaction takes a turn in one queue: a plain query can never
// land inside somebody else's open transaction.
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { StoreUnavailableError } from './event-store';
import type { SqlClient, SqlExecutor, SqlSession } from './sql-client';

function translate(error: unknown): unknown {
  if (error instanceof Error && error.message === 'PGlite is closed') {
    return new StoreUnavailableError('embedded database is closed', { cause: error });
  }
  return error;
}

function executor(db: PGlite | Transaction): SqlExecutor {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
      try {
        const result = await db.query<R>(text, params as unknown[] | undefined);
        return result.rows;
      } catch (error) {
        throw translate(error);
      }
    },
    async exec(text: string): Promise<void> {
      try {
        await db.exec(text);
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

/**
 * A SqlClient over one PGlite instance. Inside `transaction`, use only the `tx` it passes: a call on
 * the client itself would wait for the transaction to end, which waits for that call.
 */
export class PgliteClient implements SqlClient {
  readonly #db: PGlite;
  readonly #direct: SqlExecutor;
  /** The end of the queue; never rejects. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(db: PGlite) {
    this.#db = db;
    this.#direct = executor(db);
  }

  /** Opens (creating if needed) the database in `dataDir`, or an in-memory one without it. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    return new PgliteClient(await PGlite.create(dataDir));
  }

  #turn<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  query<R>(text: string, params?: readonly unknown[]): Promise<R[]> {
    return this.#turn(() => this.#direct.query<R>(text, params));
  }

  exec(text: string): Promise<void> {
    return this.#turn(() => this.#direct.exec(text));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#turn(async () => {
      try {
        return await this.#db.transaction((tx) => fn(executor(tx)));
      } catch (error) {
        throw translate(error);
      }
    });
  }

  /** In process there is no connection to lose, so no statement is ever in doubt. */
  async endSession(_session: SqlSession): Promise<void> {}

  close(): Promise<void> {
    return this.#turn(() => this.#db.close());
  }
}
