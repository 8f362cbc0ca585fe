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

/** Raised when an applied migration's SQL was edited afterwards (migrations are append-only; comments may change). */
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

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A migration's checksum: SHA-256 of its SQL without comment lines (`--` first on the line) and blank
 * lines, so a comment may be corrected after the file was applied while any change to what runs
 * (a trailing `-- comment` after SQL included) is refused.
 */
export function migrationChecksum(sql: string): string {
  const lines = sql.split(/\r?\n/).map((line) => line.trimEnd());
  return sha256(lines.filter((line) => line !== '' && !line.trimStart().startsWith('--')).join('\n'));
}

/**
 * Checksums recorded before comments were left out (SHA-256 of the whole file) of files whose comments
 * changed since: an applied row holding one of these is the same migration.
 */
const WHOLE_FILE_CHECKSUMS: Readonly<Record<string, readonly string[]>> = {
  '001_init.sql': ['90f01a552af275e3027c6de69a098ae364b5f1532588869af5e34cb08cc32a4b'],
};

/** Whether a checksum recorded when `migration` was applied still names it. */
function sameMigration(recorded: string, migration: Migration, sum: string): boolean {
  return (
    recorded === sum ||
    recorded === sha256(migration.sql) ||
    (WHOLE_FILE_CHECKSUMS[migration.name]?.includes(recorded) ?? false)
  );
}

/** Applies the migrations not yet recorded in `schema_migrations`; returns the names it applied. */
export async function migrate(client: SqlClient, migrations?: Migration[]): Promise<string[]> {
  const files = migrations ?? (await readMigrations());
  return client.transaction(async (tx) => {
    // A migration over a large table, or the wait for another process's, may take longer than any
    // statement of normal work: the statement timeout does not apply here.
    await tx.exec('SET LOCAL statement_timeout = 0');
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
      const sum = migrationChecksum(migration.sql);
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (!sameMigration(previous, migration, sum)) throw new MigrationChangedError(migration.name);
        // A row from before comments were left out gets today's checksum, so later comment edits pass.
        if (previous !== sum) {
          await tx.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [migration.name, sum]);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, sum]);
      done.push(migration.name);
    }
    return done;
  });
}
