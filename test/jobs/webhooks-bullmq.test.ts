// Webhooks with REDIS_URL: a real server process relays its outbox to BullMQ on the real Redis (own
// key prefix), separate webhook worker processes deliver to a real receiver on loopback. A purchase
// makes exactly one signed order.confirmed; a receiver failing twice gets the third attempt; a worker
// SIGKILLed mid-delivery leaves the job to another worker; a cancellation voids tickets and is announced.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdOf, WEBHOOK_QUEUE } from '../../src/jobs/bullmq-webhook-queue';
import { queuePrefixOf } from '../../src/jobs/jobs';
import { createTestDatabase } from '../support/database';
import { http, token } from '../support/fixtures';
import type { TestDatabase } from '../support/database';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { WebhookReceiver } from '../support/webhook-receiver';
import { WEBHOOK_SECRET, buy, eventually, cancelAndCheckTickets, createEvent, expectOrderWebhook, ofOrder, webhookEnv } from './webhook-scenarios';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `aisle-t-${randomBytes(4).toString('hex')}:`;

let db: TestDatabase;
let receiver: WebhookReceiver;
let server: ServerProcess;
let worker: ServerProcess;
let env: Record<string, string>;
let queue: Queue;
let redis: Redis;
let sql: pg.Pool;

/** A webhook worker process on the same queue. */
const startWorker = (): Promise<ServerProcess> =>
  startServer(env, 30_000, { script: 'src/jobs/worker-main.ts', ready: 'webhook worker is ready' });

/** The outbox id of an order's row of `type`. */
async function outboxIdOf(type: string, orderId: string): Promise<string> {
  const { rows } = await sql.query("SELECT id::text AS id FROM outbox WHERE type = $1 AND payload->>'orderId' = $2", [type, orderId]);
  expect(rows).toHaveLength(1);
  return rows[0].id;
}

/** Waits until the row's job completed in BullMQ and the row is marked delivered in Postgres. */
async function settled(outboxId: string): Promise<void> {
  await eventually(async () => (await queue.getJobState(jobIdOf(outboxId))) === 'completed', `job ${outboxId} completed`);
  await eventually(
    async () => (await sql.query('SELECT 1 FROM outbox WHERE id = $1 AND delivered_at IS NOT NULL', [outboxId])).rowCount === 1,
    `outbox ${outboxId} marked delivered`,
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
  // The server only relays; workers are processes of their own, so a test can kill one.
  env = webhookEnv(db.url, receiver, { REDIS_URL, REDIS_PREFIX, JOBS_WORKER: '0', JOBS_LOCK_MS: '1000' });
  [server, worker] = await Promise.all([startServer(env), startWorker()]);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: queuePrefixOf(REDIS_PREFIX) });
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await Promise.all([server?.stop(), worker?.stop()]);
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  const keys = await redis?.keys(`${REDIS_PREFIX}*`);
  if (keys?.length) await redis.del(...keys);
  await redis?.quit();
  await sql?.end();
  await receiver?.close();
  await db?.drop();
});

describe('webhooks through BullMQ (REDIS_URL)', () => {
  it('delivers exactly one order.confirmed per purchase, signed, with the outbox id as job id', async () => {
    await createEvent(server, 'bq1');
    const order = await buy(server, 'alice', 'bq1', ['s-1-1'], { id: 'floor', count: 2 });
    const [webhook] = await receiver.waitFor(ofOrder('order.confirmed', order.orderId));
    expectOrderWebhook(webhook, 'order.confirmed', order, 'bq1', 'alice');
    const outboxId = await outboxIdOf('order.confirmed', order.orderId);
    expect(webhook.id).toBe(outboxId);
    await settled(outboxId);
    expect(receiver.matching(ofOrder('order.confirmed', order.orderId))).toHaveLength(1);
    expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
  });

  it('gives a receiver that failed twice the third attempt, same id and body', async () => {
    await createEvent(server, 'bq2');
    receiver.answer = (w, attempts) => (w.data.eventId === 'bq2' && attempts <= 2 ? 500 : 200);
    const order = await buy(server, 'bob', 'bq2', ['s-1-1']);
    const attempts = await receiver.waitFor(ofOrder('order.confirmed', order.orderId), 3);
    receiver.answer = () => 200;
    expect(new Set(attempts.map((w) => w.rawBody)).size).toBe(1);
    expect(attempts.every((w) => w.signatureValid)).toBe(true);
    await settled(attempts[0].id);
    // BullMQ counts every finished attempt, the successful one included.
    expect((await queue.getJob(jobIdOf(attempts[0].id)))?.attemptsMade).toBe(3);
  });

  it('dead-letters a delivery after its last attempt: failed in BullMQ, listed for staff', async () => {
    await createEvent(server, 'bq5');
    receiver.answer = (w) => (w.data.eventId === 'bq5' ? 503 : 200);
    const order = await buy(server, 'erin', 'bq5', ['s-1-1']);
    const [first] = await receiver.waitFor(ofOrder('order.confirmed', order.orderId), 3);
    await eventually(async () => (await queue.getJobState(jobIdOf(first.id))) === 'failed', 'job failed');
    receiver.answer = () => 200;
    const staff = await token('sam', 'staff');
    const dead = (await http(server.url, 'GET', '/api/webhooks/dead', { token: staff })).body.deadLetters;
    expect(dead.find((d: { id: string }) => d.id === first.id)).toMatchObject({ attempts: 3, lastError: 'receiver answered HTTP 503' });
  });

  it('still delivers when the worker process is killed mid-delivery', async () => {
    await createEvent(server, 'bq3');
    receiver.answer = (w, attempts) => (w.data.eventId === 'bq3' && attempts === 1 ? 'hang' : 200);
    const order = await buy(server, 'carol', 'bq3', ['s-1-1']);
    const [first] = await receiver.waitFor(ofOrder('order.confirmed', order.orderId));
    expect(await queue.getJobState(jobIdOf(first.id))).toBe('active');
    await worker.stop('SIGKILL');
    // The job's lock (JOBS_LOCK_MS) runs out; the new worker's stalled check hands the job back.
    worker = await startWorker();
    const attempts = await receiver.waitFor(ofOrder('order.confirmed', order.orderId), 2, 20_000);
    receiver.answer = () => 200;
    expect(attempts.map((w) => w.id)).toEqual([first.id, first.id]);
    await settled(first.id);
  });

  it('voids a cancelled order tickets and sends order.cancelled', async () => {
    await createEvent(server, 'bq4');
    const order = await buy(server, 'dan', 'bq4', ['s-2-1', 's-2-2']);
    await cancelAndCheckTickets(server, order.orderId, 'dan');
    const [cancelled] = await receiver.waitFor(ofOrder('order.cancelled', order.orderId));
    expectOrderWebhook(cancelled, 'order.cancelled', order, 'bq4', 'dan');
    await settled(cancelled.id);
    expect(receiver.matching(ofOrder('order.cancelled', order.orderId))).toHaveLength(1);
  });
});
