// Applies the numbered SQL files in `migrations/` in order, each exactly once, under a transaction-level
// advisory lock so many processes may start at once: the first applies, the others wait and find
// nothing left to do. All pending files go in one transaction: a failure leaves the schema as it was.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { SqlClient } from './sql-client';

/** The repo's `migrations/` folder, found from this module so the working directory does not matter. */
export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url);

/** Advisory lock key taken while migrating: "AISL" in ASCII, arbitrary but fixed. */
export const MIGRATION_LOCK_KEY = 0x4149534c;

/** One migration file. */
export interface Migration {
  /** The file name, e.g. `001_init.sql`; files apply in name order. */
  name: string;
  sql: string;
}

/** Raised when an applied migration's file was edited afterwards (migrations are append-only). */
export class MigrationChangedError extends Error {
  constructor(name: string) {
    super(`migration ${name} was changed after it was applied; add a new migration instead`);
    this.name = 'MigrationChangedError';
  }
}

const MIGRATION_FILE = /^\d+_[a-z0-9_-]+\.sql$/;

/** Reads the migration files of `dir`, in apply order. */
export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(new URL(name, dir), 'utf8') })));
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Applies the migrations not yet recorded in `schema_migrations`; returns the names it applied. */
export async function migrate(client: SqlClient, migrations?: Migration[]): Promise<string[]> {
  const files = migrations ?? (await readMigrations());
  return client.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    // Created under the lock, so two first-ever starts do not race on it.
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((row) => [row.name, row.checksum]));
    const done: string[] = [];
    for (const migration of files) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== sum) throw new MigrationChangedError(migration.name);
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, sum]);
      done.push(migration.name);
    }
    return done;
  });
}
