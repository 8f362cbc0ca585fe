// Runs the SqlClient contract on pg (a fresh database) and on PGlite (in memory), and checks which pg
// failures count as "database unavailable".
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import { proxyDatabase } from '../../test/support/tcp-proxy';
import { StoreUnavailableError } from './event-store';
import { isUnavailableError, PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import { sqlClientContract } from './sql-client.contract';

describe('PgClient', () => {
  sqlClientContract(async () => {
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 4 });
    return {
      client,
      dispose: async () => {
        await client.close();
        await database.drop();
      },
    };
  });

  it('classifies connection failures as unavailable and statement errors as not', () => {
    const coded = (code: string): Error => Object.assign(new Error(code), { code });
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '53100', '25006']) {
      expect(isUnavailableError(coded(code)), code).toBe(true);
    }
    expect(isUnavailableError(new AggregateError([coded('ECONNREFUSED')]))).toBe(true);
    expect(isUnavailableError(new Error('Connection terminated unexpectedly'))).toBe(true);
    for (const code of ['23505', '42P01', '22P02', '40001']) expect(isUnavailableError(coded(code)), code).toBe(false);
  });

  it('has Postgres cancel a statement that runs past the statement timeout, and keeps serving', async () => {
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 1, statementTimeoutMs: 100 });
    try {
      await expect(client.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });
      expect(await client.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await client.close();
      await database.drop();
    }
  });

  it('parses a prepared statement once per connection: Postgres keeps it, and runs it by name', async () => {
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 1 });
    const text = 'SELECT $1::int + 1 AS next';
    try {
      for (let i = 0; i < 3; i++) expect(await client.query(text, [i], { prepared: true })).toEqual([{ next: i + 1 }]);
      expect(await client.query('SELECT 1 AS plain')).toEqual([{ plain: 1 }]);
      // One connection: the session that ran them holds the one prepared statement, run three times
      // (pg_prepared_statements.generic_plans + custom_plans, Postgres 14+); the plain query is not kept.
      const kept = await client.query<{ statement: string; runs: number }>(
        'SELECT statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements');
      expect(kept).toEqual([{ statement: text, runs: 3 }]);
    } finally {
      await client.close();
      await database.drop();
    }
  });

  it('sends every statement unnamed when prepared statements are switched off (a pooler that cannot track them)', async () => {
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 1, preparedStatements: false });
    try {
      for (let i = 0; i < 3; i++) expect(await client.query('SELECT $1::int + 1 AS next', [i], { prepared: true })).toEqual([{ next: i + 1 }]);
      await client.transaction((tx) => tx.query('SELECT $1::int AS one', [1], { prepared: true }));
      expect(await client.query('SELECT count(*)::int AS kept FROM pg_prepared_statements')).toEqual([{ kept: 0 }]);
    } finally {
      await client.close();
      await database.drop();
    }
  });

  it('survives the server ending a session while a transaction holds its connection, and reports it unavailable', async () => {
    // pg emits 'error' on a client whose connection dies; on a checked-out client with no listener that
    // is an uncaught exception, which would end the whole node (Postgres restarting mid-transaction).
    const database = await createTestDatabase();
    const client = new PgClient({ connectionString: database.url, poolSize: 2 });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (const active of [false, true]) {
        const ended = client.transaction(async (tx) => {
          const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          const terminate = client.query('SELECT pg_terminate_backend($1::int)', [pid]);
          // The session ends between this transaction's statements, or during one of them.
          if (active) await tx.query('SELECT pg_sleep(2)');
          await terminate;
          await new Promise((resolve) => setTimeout(resolve, 100));
          return tx.query('SELECT 1');
        });
        await expect(ended, active ? 'during a statement' : 'between statements').rejects.toBeInstanceOf(StoreUnavailableError);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
      // The pool serves on with fresh connections.
      expect(await client.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await client.close();
      await database.drop();
    }
  });

  it('answers a transaction whose COMMIT went unanswered with what Postgres did, not with a guess', async () => {
    // The connection carrying COMMIT is cut: once after Postgres committed (the client never hears so),
    // once before Postgres got it. Staff writes and refunds run through here, and their callers change
    // memory only when the write committed: `unavailable` must mean nothing was written.
    const database = await createTestDatabase();
    const { proxy, url } = await proxyDatabase(database.url);
    const client = new PgClient({ connectionString: url, poolSize: 2 });
    const insert = (note: string) =>
      client.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (note) VALUES ($1)', [note]);
        return `wrote ${note}`;
      });
    const stored = async () => (await client.query<{ note: string }>('SELECT note FROM notes ORDER BY note')).map((row) => row.note);
    try {
      await client.exec('CREATE TABLE notes (note text PRIMARY KEY)');

      let cut = proxy.cutOnStatement('COMMIT', 'after-commit');
      await expect(insert('committed')).resolves.toBe('wrote committed');
      await cut;
      expect(await stored()).toEqual(['committed']);

      cut = proxy.cutOnStatement('COMMIT', 'before');
      await expect(insert('lost')).rejects.toBeInstanceOf(StoreUnavailableError);
      await cut;
      expect(await stored(), 'the rolled-back write is not there').toEqual(['committed']);

      // A transaction that wrote nothing: whatever became of its COMMIT, what it read stands.
      cut = proxy.cutOnStatement('COMMIT', 'before');
      await expect(client.transaction((tx) => tx.query<{ note: string }>('SELECT note FROM notes'))).resolves.toEqual([{ note: 'committed' }]);
      await cut;

      // A statement error still rolls back and reports itself, and the pool serves on.
      await expect(insert('committed')).rejects.toMatchObject({ code: '23505' });
      await expect(insert('later')).resolves.toBe('wrote later');
      expect(await stored()).toEqual(['committed', 'later']);
    } finally {
      await client.close();
      await proxy.close();
      await database.drop();
    }
  });

  it('throws StoreUnavailableError for queries and transactions when the server is unreachable', async () => {
    const client = new PgClient({ connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    await expect(client.query('SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(client.transaction((tx) => tx.query('SELECT 1'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await client.close();
  });
});

describe('PgliteClient', () => {
  sqlClientContract(async () => {
    const client = await PgliteClient.open();
    return { client, dispose: () => client.close() };
  });
});
