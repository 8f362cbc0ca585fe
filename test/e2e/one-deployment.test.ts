// Two single nodes on one database would each grant holds on the same seats from their own memory:
// the second refuses to start, on Postgres (advisory lock) and on the embedded database (lock file),
// and starts once the first has gone; a kill -9 leaves nothing that blocks the restart.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/fixtures';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { startServer } from '../support/server-process';

let db: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'aisle-exclusive-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('one deployment per database', () => {
  it('refuses a second single node on the same Postgres database until the first is gone', async () => {
    const env = { DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET };
    const first = await startServer(env);
    try {
      await expect(startServer(env)).rejects.toThrow(/exited with 1[\s\S]*another Aisle serves this database/);
    } finally {
      expect(await first.stop('SIGKILL')).toBeNull();
    }
    const second = await startServer(env);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 90_000);

  it('refuses a second process on the same embedded database directory', async () => {
    const env = { DATA_DIR: dataDir };
    const first = await startServer(env, 60_000);
    try {
      await expect(startServer(env, 60_000)).rejects.toThrow(/exited with 1[\s\S]*serves the embedded database/);
    } finally {
      await first.stop('SIGKILL');
    }
    // The lock file of a killed process is taken over.
    const second = await startServer(env, 60_000);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
