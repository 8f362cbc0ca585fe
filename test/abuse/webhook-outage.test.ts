// A webhook receiver that is down for the whole test, on a cluster node whose leases and hold journal
// are in one Redis and whose webhook queue is in another (QUEUE_REDIS_URL): every purchase still
// succeeds, the node keeps its lease (it renews every second, and the test lasts many lease lifetimes),
// every delivery that failed is a dead letter in Postgres, the queue keeps at most JOBS_KEEP_FAILED
// failed jobs, and the leases' Redis holds no job at all.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WEBHOOK_QUEUE } from '../../src/jobs/bullmq-webhook-queue';
import { queuePrefixOf } from '../../src/jobs/jobs';
import { startCluster, ownerOf } from '../support/cluster';
import type { TestNode } from '../support/cluster';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { startRedis } from '../support/redis-server';
import type { TestRedis } from '../support/redis-server';
import { freePort } from '../support/server-process';
import { WEBHOOK_SECRET, buy, createEvent, eventually } from '../jobs/webhook-scenarios';

const PURCHASES = 40;
const KEEP_FAILED = 5;
const PREFIX = `aisle-t-${randomBytes(4).toString('hex')}:`;

let db: TestDatabase;
let leases: TestRedis;
let queueRedis: TestRedis;
let node: TestNode;
let sql: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  [leases, queueRedis] = await Promise.all([startRedis(), startRedis()]);
  // Nobody listens there: every attempt is refused at once, for the whole test.
  const down = `http://127.0.0.1:${await freePort()}/hooks`;
  [node] = await startCluster(1, {
    DATABASE_URL: db.url,
    REDIS_URL: leases.url,
    QUEUE_REDIS_URL: queueRedis.url,
    REDIS_PREFIX: PREFIX,
    WEBHOOK_URL: down,
    WEBHOOK_SECRET,
    WEBHOOK_ATTEMPTS: '2',
    WEBHOOK_BACKOFF_MS: '20',
    WEBHOOK_TIMEOUT_MS: '1000',
    OUTBOX_POLL_MS: '50',
    JOBS_KEEP_FAILED: String(KEEP_FAILED),
  });
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
}, 120_000);

afterAll(async () => {
  await node?.stop('SIGKILL');
  await sql?.end();
  await Promise.all([leases?.stop(), queueRedis?.stop()]);
  await db?.drop();
});

async function deadLetters(): Promise<number> {
  const { rows } = await sql.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE type = 'order.confirmed' AND dead_at IS NOT NULL");
  return Number(rows[0].n);
}

it('sells and keeps its lease while the receiver is down, with the failed jobs capped and kept out of the leases\' Redis', async () => {
  await createEvent(node, 'outage');
  const started = Date.now();
  for (let i = 0; i < PURCHASES; i++) {
    const order = await buy(node, `fan-${i}`, 'outage', [`s-${1 + Math.floor(i / 20)}-${1 + (i % 20)}`]);
    expect(order.seats).toHaveLength(1);
  }
  await eventually(async () => (await deadLetters()) === PURCHASES, `${PURCHASES} dead letters`, 60_000);

  const connection = new Redis(queueRedis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix: queuePrefixOf(PREFIX) });
  try {
    await eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 'the queue drained', 30_000);
    const { failed, completed } = await queue.getJobCounts('failed', 'completed');
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThanOrEqual(KEEP_FAILED);
    expect(completed).toBe(0);
  } finally {
    await queue.close();
    await connection.quit();
  }
  const leaseRedis = new Redis(leases.url);
  try {
    const keys = await leaseRedis.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key.startsWith(queuePrefixOf(PREFIX)))).toEqual([]);
  } finally {
    leaseRedis.disconnect();
  }

  // Well past several lease lifetimes (3 s) of outage: the node still owns the event and sells.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 4000 - (Date.now() - started))));
  expect(await ownerOf(node, 'outage')).toBe('node-1');
  const last = await buy(node, 'fan-last', 'outage', ['s-5-20']);
  expect(last.seats).toEqual(['s-5-20']);
}, 180_000);
