// The contract of the SqlClient port, run by sql-client.test.ts against pg and PGlite: the same SQL,
// the same results, and transactions that never mix with concurrent callers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SqlClient } from './sql-client';

/** Registers the SqlClient contract tests; `open` gives a client on an empty database, closed after. */
export function sqlClientContract(open: () => Promise<{ client: SqlClient; dispose(): Promise<void> }>): void {
  let client: SqlClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ client, dispose } = await open());
    await client.exec(`
      CREATE TABLE kv (k text PRIMARY KEY, v bigint NOT NULL);
      CREATE TABLE log (id serial PRIMARY KEY, note text NOT NULL);`);
  });

  afterAll(async () => {
    await dispose?.();
  });

  it('binds array parameters, nulls included, and reads back jsonb, arrays and numbers', async () => {
    const rows = await client.query<{ k: string; v: string | null; j: { a: number[] }; n: number }>(
      `SELECT k, v, '{"a":[1,2]}'::jsonb AS j, 7::int AS n FROM unnest($1::text[], $2::text[]) AS t (k, v)`,
      [['x', 'y'], ['1', null]]);
    expect(rows).toEqual([
      { k: 'x', v: '1', j: { a: [1, 2] }, n: 7 },
      { k: 'y', v: null, j: { a: [1, 2] }, n: 7 },
    ]);
    expect(await client.query('SELECT * FROM unnest($1::text[]) AS t (k)', [[]])).toEqual([]);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const result = await client.transaction(async (tx) => {
      await tx.query('INSERT INTO kv VALUES ($1, $2)', ['kept', 1]);
      return 'done';
    });
    expect(result).toBe('done');
    await expect(client.transaction(async (tx) => {
      await tx.query('INSERT INTO kv VALUES ($1, $2)', ['dropped', 1]);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const rows = await client.query<{ k: string }>(`SELECT k FROM kv WHERE k IN ('kept', 'dropped')`);
    expect(rows).toEqual([{ k: 'kept' }]);
  });

  it('keeps concurrent callers out of each other\'s transactions', async () => {
    let release!: () => void;
    const paused = new Promise<void>((resolve) => { release = resolve; });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => { entered = resolve; });
    const failing = client.transaction(async (tx) => {
      await tx.query(`INSERT INTO log (note) VALUES ('in the transaction')`);
      entered();
      await paused;
      throw new Error('roll back');
    });
    await inside;
    // Issued while the transaction is open; on a shared connection it would be rolled back with it.
    const outside = client.query(`INSERT INTO log (note) VALUES ('outside')`);
    const other = client.transaction((tx) => tx.query(`INSERT INTO log (note) VALUES ('another transaction')`));
    release();
    await expect(failing).rejects.toThrow('roll back');
    await Promise.all([outside, other]);
    const notes = await client.query<{ note: string }>('SELECT note FROM log ORDER BY note');
    expect(notes.map((row) => row.note)).toEqual(['another transaction', 'outside']);
  });

  it('reports the SQLSTATE of a failed statement and stays usable', async () => {
    await client.query(`INSERT INTO kv VALUES ('dup', 1)`);
    await expect(client.query(`INSERT INTO kv VALUES ('dup', 2)`)).rejects.toMatchObject({ code: '23505' });
    await expect(client.transaction((tx) => tx.query(`INSERT INTO kv VALUES ('dup', 3)`)))
      .rejects.toMatchObject({ code: '23505' });
    expect(await client.query<{ v: number | string }>(`SELECT v FROM kv WHERE k = 'dup'`)).toHaveLength(1);
  });

  it('runs a prepared statement like any other, again and again, after it failed, and in a transaction', async () => {
    const upsert = 'INSERT INTO kv (k, v) SELECT k, v FROM unnest($1::text[], $2::bigint[]) AS t (k, v) RETURNING k, v';
    const read = async (): Promise<Array<{ k: string; v: string }>> =>
      client.query<{ k: string; v: string }>(`SELECT k, v::text AS v FROM kv WHERE k LIKE 'p-%' ORDER BY k`);
    // More runs than Postgres takes to settle on a generic plan (five).
    for (let i = 0; i < 8; i++) {
      expect(await client.query(upsert, [[`p-${i}`], [i]], { prepared: true })).toHaveLength(1);
    }
    await expect(client.query(upsert, [['p-0'], [99]], { prepared: true })).rejects.toMatchObject({ code: '23505' });
    expect(await client.query(upsert, [['p-8', 'p-9'], [8, 9]], { prepared: true })).toHaveLength(2);
    await client.transaction(async (tx) => {
      await tx.query(upsert, [['p-10'], [10]], { prepared: true });
    });
    await expect(client.transaction((tx) => tx.query(upsert, [['p-11'], [11]], { prepared: true }).then(() => {
      throw new Error('roll back');
    }))).rejects.toThrow('roll back');
    const rows = await read();
    expect(rows.map((r) => r.k).sort()).toEqual(Array.from({ length: 11 }, (_, i) => `p-${i}`).sort());
    expect(rows.find((r) => r.k === 'p-0')?.v).toBe('0');
  });
}
