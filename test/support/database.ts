// A fresh, uniquely named Postgres database per test file, so test files never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server and maintenance database tests create their databases from (override: TEST_DATABASE_ADMIN_URL). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database made for one test file. */
export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  /** Drops it, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `aisle_t_<random>` on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `aisle_t_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
