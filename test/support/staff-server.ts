// One server process on its own test database, with an admin and a staff token and a pool on the
// database, for the staff and admin test files (each file gets its own).
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from './database';
import type { TestDatabase } from './database';
import { TEST_SECRET, token } from './fixtures';
import { startServer } from './server-process';
import type { ServerProcess } from './server-process';

/** What a staff test file works with; filled in by `beforeAll`. */
export interface StaffServer {
  server: ServerProcess;
  admin: string;
  staff: string;
  sql: pg.Pool;
  /** Stops the server with `signal` (SIGKILL: a crash) and starts a new one on the same database; `server` is the new one. */
  restart(signal?: NodeJS.Signals): Promise<ServerProcess>;
}

/**
 * Starts the server before the file's tests and stops it (dropping the database) after them; `env` adds
 * to its environment (a function: read when the server starts, after the file's earlier `beforeAll`s).
 */
export function useStaffServer(env: Record<string, string> | (() => Record<string, string>) = {}): StaffServer {
  const context = {} as StaffServer;
  let db: TestDatabase | undefined;
  let serverEnv: Record<string, string> = {};
  context.restart = async (signal = 'SIGKILL') => {
    await context.server.stop(signal);
    context.server = await startServer(serverEnv);
    return context.server;
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    serverEnv = { DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10', ...(typeof env === 'function' ? env() : env) };
    context.server = await startServer(serverEnv);
    context.admin = await token('root', 'admin');
    context.staff = await token('sam', 'staff');
    context.sql = new pg.Pool({ connectionString: db.url, max: 2 });
  }, 60_000);
  afterAll(async () => {
    await context.server?.stop();
    await context.sql?.end();
    await db?.drop();
  });
  return context;
}
