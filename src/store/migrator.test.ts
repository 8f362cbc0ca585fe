// The migrator on a real Postgres: order, idempotency, many processes at once, all-or-nothing, and
// refusing an edited migration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { migrate, MigrationChangedError, readMigrations } from './migrator';
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
});
