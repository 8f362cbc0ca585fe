// The relay and the stuck-outbox sweep against real Postgres and the real Redis (own BullMQ prefix) on
// a manual clock: a relay that dies after claiming loses nothing (its claim runs out and another relay
// takes the rows), one that dies after adding duplicates nothing (the job id is the outbox id), and a
// job Redis lost is put back and relayed again.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/actor/clock';
import { BullmqWebhookQueue, jobIdOf, WEBHOOK_QUEUE } from '../../src/jobs/bullmq-webhook-queue';
import { OutboxRelay } from '../../src/jobs/outbox-relay';
import { OutboxSweep } from '../../src/jobs/outbox-sweep';
import { toDelivery } from '../../src/jobs/webhook-sender';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { PgClient } from '../../src/store/pg-client';
import { PostgresEventStore } from '../../src/store/postgres-event-store';
import { PostgresOutboxStore } from '../../src/store/postgres-outbox-store';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `aisle-t-${randomBytes(4).toString('hex')}:jobs`;
const LEASE_MS = 30_000;
const policy = { attempts: 3, delayMs: 100, jitter: 0 };

let db: TestDatabase;
let sql: PgClient;
let outbox: PostgresOutboxStore;
let redis: Redis;
let dispatcher: BullmqWebhookQueue;
let queue: Queue;
const clock = new ManualClock(Date.UTC(2030, 0, 1));

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new PgClient({ connectionString: db.url, poolSize: 3 });
  await new PostgresEventStore(sql).migrate();
  outbox = new PostgresOutboxStore(sql);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  dispatcher = new BullmqWebhookQueue(redis, PREFIX, policy, 10_000);
  queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: PREFIX });
});

afterAll(async () => {
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await dispatcher?.close();
  await redis?.quit();
  await sql?.close();
  await db?.drop();
});

const relay = (): OutboxRelay =>
  new OutboxRelay(outbox, dispatcher, (type) => type !== 'hold.created', clock, { batchSize: 100, leaseMs: LEASE_MS, pollMs: 1000 }, (error) => {
    throw error;
  });

const jobCount = async (): Promise<number> => {
  const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  return Object.values(counts).reduce((a, b) => a + b, 0);
};

describe('outbox relay', () => {
  it('survives relays dying after the claim and after the add, adding each row once', async () => {
    await outbox.append([1, 2, 3].map((n) => ({ eventId: 'e', type: 'order.confirmed', payload: { n } })));
    await outbox.append([{ eventId: 'e', type: 'hold.created', payload: {} }]);
    // Relay A claims, then dies before adding anything.
    const claimed = await outbox.claimPending(100, clock.now(), clock.now() + LEASE_MS);
    expect(claimed).toHaveLength(4);
    // Relay B finds them leased, until the lease is over.
    expect(await relay().relayOnce()).toBe(false);
    expect(await jobCount()).toBe(0);
    clock.advance(LEASE_MS);
    // Relay C adds them, and dies before marking them relayed: a later relay adds them again.
    await dispatcher.dispatch(claimed.filter((m) => m.type !== 'hold.created').map(toDelivery));
    clock.advance(LEASE_MS);
    await relay().relayOnce();
    expect(await jobCount()).toBe(3);
    const job = await queue.getJob(jobIdOf(claimed[0].id));
    expect(job?.data).toEqual(toDelivery(claimed[0]));
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 100 } });
    // Relayed and skipped rows alike are done.
    expect((await outbox.counts()).pending).toBe(0);
    expect((await outbox.counts()).queued).toBe(3);
  });

  it('puts back a row whose job Redis lost, and settles the ones that finished or failed', async () => {
    const rows = await outbox.findQueued(clock.now() + 1, 10);
    expect(rows).toHaveLength(3);
    await (await queue.getJob(jobIdOf(rows[0].id)))!.remove();
    // A worker that fails one job for good and completes the other, but dies before telling Postgres.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    let finished!: () => void;
    const bothDone = new Promise<void>((resolve) => (finished = resolve));
    let done = 0;
    const worker = new Worker(WEBHOOK_QUEUE, async (job) => {
      if (job.id === jobIdOf(rows[1].id)) throw new UnrecoverableError('receiver gone');
    }, { connection, prefix: PREFIX });
    const count = (): void => void (++done === 2 && finished());
    worker.on('failed', count);
    worker.on('completed', count);
    await bothDone;
    await worker.close();
    await connection.quit();
    let nudged = 0;
    const sweep = new OutboxSweep(outbox, dispatcher, clock, 60_000, pino({ level: 'silent' }), () => nudged++);
    // Not stuck yet.
    expect(await sweep.run()).toEqual({ requeued: 0, dead: 0, delivered: 0 });
    clock.advance(60_001);
    const result = await sweep.run();
    expect(result).toEqual({ requeued: 1, dead: 1, delivered: 1 });
    expect(nudged).toBe(1);
    await relay().relayOnce();
    expect(await queue.getJobState(jobIdOf(rows[0].id))).toBe('waiting');
    const [dead] = await outbox.listDead(10);
    expect(dead).toMatchObject({ id: rows[1].id, lastError: 'receiver gone' });
    expect(await outbox.findQueued(clock.now() + 1, 10)).toEqual([{ id: rows[0].id, relayedAt: clock.now() }]);
  });
});
