// The migrator on a real Postgres: order, idempotency, many processes at once, all-or-nothing, and
// refusing an edited migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { createHash } from 'node:crypto';
import { migrate, migrationChecksum, MigrationChangedError, readMigrations } from './migrator';
import type { Migration } from './migrator';
import { PgClient } from './pg-client';

describe('migrate', () => {
  let database: TestDatabase;
  const clients: PgClient[] = [];
  const connect = (): PgClient => {
    const client = new PgClient({ connectionString: database.url, poolSize: 2 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await database?.drop();
  });

  it('reads the repo migrations in name order', async () => {
    const names = (await readMigrations()).map((m) => m.name);
    expect(names[0]).toBe('001_init.sql');
    expect(names).toEqual([...names].sort());
  });

  it('applies each migration once when many processes migrate at once', async () => {
    const migrations: Migration[] = [
      { name: '001_a.sql', sql: 'CREATE TABLE a (id int); INSERT INTO a VALUES (1);' },
      { name: '002_b.sql', sql: 'CREATE TABLE b (id int);' },
    ];
    const applied = await Promise.all(Array.from({ length: 5 }, () => migrate(connect(), migrations)));
    expect(applied.filter((names) => names.length > 0)).toEqual([['001_a.sql', '002_b.sql']]);
    const sql = connect();
    expect(await sql.query('SELECT count(*)::int AS n FROM a')).toEqual([{ n: 1 }]);

    const more = [...migrations, { name: '003_c.sql', sql: 'ALTER TABLE b ADD COLUMN note text;' }];
    expect(await migrate(sql, more)).toEqual(['003_c.sql']);
    expect(await migrate(sql, more)).toEqual([]);
  });

  it('applies nothing of a run in which one migration fails', async () => {
    const sql = connect();
    const before = await sql.query('SELECT name FROM schema_migrations ORDER BY name');
    const failing: Migration[] = [
      { name: '101_ok.sql', sql: 'CREATE TABLE ok_table (id int);' },
      { name: '102_bad.sql', sql: 'CREATE TABLE broken (id no_such_type);' },
    ];
    await expect(migrate(sql, failing)).rejects.toMatchObject({ code: '42704' });
    expect(await sql.query('SELECT name FROM schema_migrations ORDER BY name')).toEqual(before);
    expect(await sql.query(`SELECT to_regclass('ok_table') AS t`)).toEqual([{ t: null }]);
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const sql = connect();
    await migrate(sql, [{ name: '201_x.sql', sql: 'CREATE TABLE x (id int);' }]);
    await expect(migrate(sql, [{ name: '201_x.sql', sql: 'CREATE TABLE x (id bigint);' }]))
      .rejects.toBeInstanceOf(MigrationChangedError);
  });

  it('takes a comment-only change of an applied migration as the same migration, and still refuses a real one', async () => {
    const sql = connect();
    const v1 = '-- 301: a table\nCREATE TABLE y (id int); -- trailing\n\nCREATE INDEX y_id ON y (id);\n';
    await migrate(sql, [{ name: '301_y.sql', sql: v1 }]);
    const recorded = await sql.query<{ checksum: string }>(`SELECT checksum FROM schema_migrations WHERE name = '301_y.sql'`);
    const commentsChanged = '-- 301: the y table, with a better comment\n--\nCREATE TABLE y (id int); -- trailing\n  -- indented note\nCREATE INDEX y_id ON y (id);';
    expect(await migrate(sql, [{ name: '301_y.sql', sql: commentsChanged }])).toEqual([]);
    expect(migrationChecksum(commentsChanged)).toBe(recorded[0]!.checksum);
    // A trailing comment is on a line that runs: changing it counts, as does any change to the SQL.
    for (const changed of [v1.replace('-- trailing', '-- other'), v1.replace('(id)', '(id DESC)')]) {
      await expect(migrate(sql, [{ name: '301_y.sql', sql: changed }])).rejects.toBeInstanceOf(MigrationChangedError);
    }
  });

  it('accepts a row recorded with the whole-file checksum of before, and records today\'s in its place', async () => {
    const sql = connect();
    const text = '-- 401: old style\nCREATE TABLE z (id int);\n';
    await migrate(sql, [{ name: '401_z.sql', sql: text }]);
    const wholeFile = createHash('sha256').update(text).digest('hex');
    await sql.query(`UPDATE schema_migrations SET checksum = $1 WHERE name = '401_z.sql'`, [wholeFile]);
    expect(await migrate(sql, [{ name: '401_z.sql', sql: text }])).toEqual([]);
    const rows = await sql.query<{ checksum: string }>(`SELECT checksum FROM schema_migrations WHERE name = '401_z.sql'`);
    expect(rows[0]!.checksum).toBe(migrationChecksum(text));
    // From now on a comment edit passes, a change to the SQL does not.
    expect(await migrate(sql, [{ name: '401_z.sql', sql: '-- 401: new words\nCREATE TABLE z (id int);' }])).toEqual([]);
    await expect(migrate(sql, [{ name: '401_z.sql', sql: 'CREATE TABLE z (id text);' }])).rejects.toBeInstanceOf(
      MigrationChangedError,
    );
  });

  it('takes the repo\'s first migration, recorded under its whole-file checksum before its comments were edited, as applied', async () => {
    const sql = connect();
    const repo = await readMigrations();
    const first = repo[0]!;
    // Its schema is applied in a database of its own here: only the bookkeeping row is under test.
    await sql.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [
      first.name,
      '90f01a552af275e3027c6de69a098ae364b5f1532588869af5e34cb08cc32a4b',
    ]);
    expect(await migrate(sql, [first])).toEqual([]);
    await sql.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [first.name, 'f'.repeat(64)]);
    await expect(migrate(sql, [first])).rejects.toBeInstanceOf(MigrationChangedError);
  });
});
