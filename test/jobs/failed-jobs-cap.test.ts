// A webhook receiver that stays down must not fill Redis: the queue keeps at most `keepFailed` failed
// jobs (the dead letters themselves are in Postgres), against the real Redis under a prefix of its own.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BullmqWebhookQueue, WEBHOOK_QUEUE } from '../../src/jobs/bullmq-webhook-queue';
import { waitUntil } from '../../src/cluster/cluster-test-support';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `aisle-t-${randomBytes(4).toString('hex')}:jobs`;
const KEEP_FAILED = 5;
const JOBS = 40;

let redis: Redis;
let dispatcher: BullmqWebhookQueue;
let queue: Queue;
let worker: Worker | undefined;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  dispatcher = new BullmqWebhookQueue(redis, PREFIX, { attempts: 1, delayMs: 1, jitter: 0 }, KEEP_FAILED);
  queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: PREFIX });
});

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await dispatcher?.close();
  await redis?.quit();
});

it('keeps at most keepFailed failed jobs while every delivery fails', async () => {
  const deliveries = Array.from({ length: JOBS }, (_, i) => ({
    outboxId: String(i + 1),
    type: 'order.confirmed',
    createdAt: new Date(0).toISOString(),
    body: '{}',
  }));
  await dispatcher.dispatch(deliveries);
  let attempted = 0;
  worker = new Worker(
    WEBHOOK_QUEUE,
    async (): Promise<void> => {
      attempted++;
      throw new Error('receiver down');
    },
    { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: PREFIX, concurrency: 8 },
  );
  await waitUntil('every job attempted', () => attempted >= JOBS, 20_000);
  await waitUntil('the queue drained', async () => {
    const counts = await dispatcher.counts();
    return counts.waiting + counts.active === 0;
  }, 20_000);
  const failed = (await dispatcher.counts()).failed;
  expect(failed).toBeGreaterThan(0);
  expect(failed).toBeLessThanOrEqual(KEEP_FAILED);
});
