// `npx tsx bench/pg-cost.ts [--orders N] [--batch B] [--label L]`: what one purchase costs Postgres.
// Commits N one-seat orders (and N/10 two-place standing orders) through PostgresEventStore in
// batches of B, on one connection of a fresh database, and reads Postgres's own figures:
// - CPU of that connection's backend process (utime+stime from /proc, core-µs per order): the
//   statement, its index maintenance and its commit (WAL insert and flush) all run in it;
// - WAL bytes, rows and index entries per order (pg_stat_wal; rows each index's predicate admits);
// - one batch under EXPLAIN (ANALYZE, BUFFERS, WAL), printed as is.
// Writes bench/results/pg-cost-<label>.json. It needs the Postgres on this machine (/proc of its
// backends), so it is measured per statement, not under the bench's load.
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { RESULTS_DIR } from './context';
import { PgClient } from '../src/store/pg-client';
import { PostgresEventStore } from '../src/store/postgres-event-store';
import type { NewOrder } from '../src/store/event-store';
import type { QueryOptions, SqlClient, SqlExecutor } from '../src/store/sql-client';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Linux clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the stat line, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
}

/** A SqlClient that runs the next statement containing `marker` under EXPLAIN and keeps the plan. */
function explaining(inner: SqlClient): { client: SqlClient; explainNext(marker: string): Promise<string> } {
  let pending: { marker: string; resolve: (plan: string) => void } | null = null;
  const query = async <R>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<R[]> => {
    if (pending && text.includes(pending.marker)) {
      const { resolve } = pending;
      pending = null;
      const rows = await inner.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, WAL) ${text}`, params);
      resolve(rows.map((r) => r['QUERY PLAN']).join('\n'));
      // The statements explained here answer one row whose columns are all true when they wrote.
      return [{ owned: true, ok: true } as R];
    }
    return inner.query<R>(text, params, options);
  };
  const client: SqlClient = {
    query,
    exec: (text) => inner.exec(text),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => inner.transaction(fn),
    endSession: (session) => inner.endSession(session),
    close: () => inner.close(),
  };
  return { client, explainNext: (marker) => new Promise((resolve) => (pending = { marker, resolve })) };
}

async function main(): Promise<void> {
  const total = Number(arg('orders', '20000'));
  const batch = Number(arg('batch', '100'));
  const label = arg('label', 'now');
  const name = `aisle_cost_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const sqlClient = new PgClient({ connectionString: url.toString(), poolSize: 1 });
  const { client, explainNext } = explaining(sqlClient);
  const store = new PostgresEventStore(client);
  try {
    await store.migrate();
    const seats = total + 2 * batch;
    const eventId = 'cost';
    await store.createEvent({
      id: eventId, name: 'cost', startsAt: '2030-01-01T20:00:00Z', holdTtlSeconds: 600, maxSeatsPerUser: 10,
      categories: [{ id: 'c', name: 'c', price: 100 }],
      seats: Array.from({ length: seats }, (_, i) => ({
        id: `S-${Math.floor(i / 100) + 1}-${(i % 100) + 1}`, section: 'S', row: String(Math.floor(i / 100) + 1),
        number: (i % 100) + 1, x: i % 100, y: Math.floor(i / 100), category: 'c', accessible: false,
      })),
      areas: [{ id: 'floor', name: 'floor', capacity: 1_000_000, category: 'c' }],
    } as Parameters<typeof store.createEvent>[0]);
    const epoch = await store.claimOwnership(eventId, 'cost');
    const [{ pid }] = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    let seat = 0;
    let n = 0;
    const nextBatch = (): NewOrder[] =>
      Array.from({ length: batch }, (): NewOrder => {
        n++;
        const area = n % 10 === 0;
        const s = seat++;
        return {
          orderId: `o_${randomBytes(16).toString('base64url')}`, eventId, userId: `u${n % 5000}`, holdId: `h_${n}`,
          seats: area ? [] : [`S-${Math.floor(s / 100) + 1}-${(s % 100) + 1}`], areas: area ? { floor: 2 } : {},
          total: 100, idempotencyKey: n % 2 === 0 ? `k${n}` : null, createdAt: Date.now(),
        };
      });
    for (let i = 0; i < 5; i++) await store.commitOrders(eventId, epoch, nextBatch());
    const wal0 = await client.query<{ wal_bytes: string }>('SELECT wal_bytes FROM pg_stat_wal');
    const cpu0 = cpuMicros(pid);
    const started = performance.now();
    const batches = Math.floor(total / batch);
    for (let i = 0; i < batches; i++) {
      const result = await store.commitOrders(eventId, epoch, nextBatch());
      if (!result.ok) throw new Error(`batch refused: ${JSON.stringify(result)}`);
    }
    const wallMs = performance.now() - started;
    const cpu = cpuMicros(pid) - cpu0;
    const wal1 = await client.query<{ wal_bytes: string }>('SELECT wal_bytes FROM pg_stat_wal');
    const measured = batches * batch;
    const planPromise = explainNext('INSERT INTO orders');
    await store.commitOrders(eventId, epoch, nextBatch());
    const plan = await planPromise;
    const written = measured + 6 * batch;
    // A btree holds one entry per row its predicate admits (nothing was deleted here): count those.
    const indexDefs = await client.query<{ table: string; index: string; predicate: string | null }>(`
      SELECT t.relname AS table, i.relname AS index, pg_get_expr(x.indpred, x.indrelid) AS predicate
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public' AND t.relname NOT IN ('events', 'event_owners', 'blocked_seats', 'schema_migrations', 'schedule_runs')
      ORDER BY t.relname, i.relname`);
    const indexes: { table: string; index: string; entries: number }[] = [];
    for (const def of indexDefs) {
      const [{ n }] = await client.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${def.table} WHERE ${def.predicate ?? 'true'}`);
      indexes.push({ table: def.table, index: def.index, entries: n });
    }
    const tables: { table: string; rows: number }[] = [];
    for (const table of new Set(indexDefs.map((d) => d.table))) {
      const [{ n }] = await client.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`);
      tables.push({ table, rows: n });
    }
    const result = {
      label,
      date: new Date().toISOString(),
      orders: measured,
      batch,
      mix: 'one seat per order; every 10th order two standing places instead; every other order an idempotency key',
      postgresCoreMicrosPerOrder: Math.round((cpu / measured) * 10) / 10,
      walBytesPerOrder: Math.round((Number(wal1[0].wal_bytes) - Number(wal0[0].wal_bytes)) / measured),
      ordersPerSecOneConnection: Math.round(measured / (wallMs / 1000)),
      indexEntriesPerOrder: Math.round((indexes.reduce((s, i) => s + i.entries, 0) / written) * 100) / 100,
      indexes: indexes.map((i) => ({ ...i, perOrder: Math.round((i.entries / written) * 100) / 100 })),
      rowsPerOrder: tables.map((t) => ({ table: t.table, perOrder: Math.round((t.rows / written) * 100) / 100 })),
      plan,
    };
    writeFileSync(`${RESULTS_DIR}/pg-cost-${label}.json`, `${JSON.stringify(result, null, 2)}\n`);
    const { plan: _plan, ...figures } = result;
    console.log(JSON.stringify(figures, null, 2));
    console.log(plan);
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
