// Guests asking about events that do not exist: every subscribe to a made-up id is answered not_found,
// the server's heap stays flat (nothing kept per id asked about) and Postgres sees no write to any table
// (but the schedules' own log) and no failed statement (existence is read before any epoch claim). The
// long form asks 200,000 times (MADE_UP_SUBSCRIBES=200000); CI asks 40,000.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET } from '../support/fixtures';
import { metricValue } from '../support/observe';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

const SUBSCRIBES = Number(process.env.MADE_UP_SUBSCRIBES ?? 40_000);
const CONNECTIONS = 8;
const IN_FLIGHT = 50;
/** Heap growth allowed over the whole run: a leak of even 50 B per id of the long form is 10 MB. */
const HEAP_SLACK_BYTES = 4 * 1024 * 1024;
const GC_PRELOAD = fileURLToPath(new URL('../../bench/system/gc-on-signal.cjs', import.meta.url));

let db: TestDatabase;
let server: ServerProcess;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({
    DATABASE_URL: db.url,
    AUTH_SECRET: TEST_SECRET,
    WS_RATE_PER_SECOND: '1000000',
    WS_RATE_BURST: '1000000',
    NODE_OPTIONS: `--expose-gc --require ${GC_PRELOAD}`,
  });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
}, 60_000);

afterAll(async () => {
  await sql?.end();
  await server?.stop();
  await db?.drop();
});

/** Heap used after a full collection (the preload collects on SIGUSR2; a round trip after it sees it done). */
async function heapAfterGc(client: TestClient): Promise<number> {
  server.child.kill('SIGUSR2');
  await client.request({ type: 'ping' });
  return metricValue(server.url, 'nodejs_heap_size_used_bytes');
}

/** Rows written per table so far, and transactions rolled back, in the test's database. */
async function writesAndFailures(): Promise<{ writes: Record<string, number>; rollbacks: number }> {
  await sql.query('SELECT pg_stat_clear_snapshot()');
  const tables = await sql.query<{ relname: string; writes: string }>('SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS writes FROM pg_stat_user_tables');
  const { rows } = await sql.query<{ rollbacks: string }>('SELECT xact_rollback AS rollbacks FROM pg_stat_database WHERE datname = current_database()');
  return { writes: Object.fromEntries(tables.rows.map((t) => [t.relname, Number(t.writes)])), rollbacks: Number(rows[0].rollbacks) };
}

async function subscribeToMadeUpIds(clients: TestClient[], count: number, offset: number): Promise<Set<string>> {
  const codes = new Set<string>();
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = c; i < count; i += clients.length * IN_FLIGHT) {
        const batch = [];
        for (let j = i; j < Math.min(count, i + clients.length * IN_FLIGHT); j += clients.length) {
          batch.push(client.request({ type: 'subscribe', eventId: `made-up-${offset + j}` }));
        }
        for (const reply of await Promise.all(batch)) codes.add(reply.type === 'error' ? String(reply.code) : reply.type);
      }
    }),
  );
  return codes;
}

it('answers made-up event ids not_found with a flat heap and no write to Postgres', async () => {
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => TestClient.connect(server.wsUrl, 'msgpack')));
  // Warm up: code paths compiled, pools and buffers at their working size.
  await subscribeToMadeUpIds(clients, 5000, 10_000_000);
  const heapBefore = await heapAfterGc(clients[0]);
  const before = await writesAndFailures();

  const codes = await subscribeToMadeUpIds(clients, SUBSCRIBES, 0);
  expect([...codes]).toEqual(['not_found']);

  const heapAfter = await heapAfterGc(clients[0]);
  expect(heapAfter - heapBefore).toBeLessThan(HEAP_SLACK_BYTES);
  // Statistics reach the views within a second or so: wait for them to settle, then compare.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const after = await writesAndFailures();
  // schedule_runs is the schedules' own log, written every second whatever clients do.
  const written = Object.entries(after.writes).filter(([table, n]) => table !== 'schedule_runs' && n !== (before.writes[table] ?? 0));
  expect(written).toEqual([]);
  expect(after.rollbacks - before.rollbacks).toBe(0);
  for (const client of clients) client.close();
}, 180_000);
