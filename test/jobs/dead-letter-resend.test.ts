// Dead letters sent again over HTTP, with BullMQ on the real Redis (own key prefix): a receiver that is
// down (nothing listens on its port) makes a purchase's order.confirmed a dead letter; once it is up
// again, staff send that letter again and it is delivered once, with the same id; sending it again a
// second time queues nothing; "send all" takes the rest; every letter sent again is in the audit trail
// with its actor; a customer is refused and nothing changes.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_QUEUE } from '../../src/jobs/bullmq-webhook-queue';
import { queuePrefixOf } from '../../src/jobs/jobs';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { http, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { WebhookReceiver } from '../support/webhook-receiver';
import { WEBHOOK_SECRET, buy, createEvent, eventually, ofOrder, webhookEnv } from './webhook-scenarios';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `aisle-t-${randomBytes(4).toString('hex')}:`;
const EVENT = 'resend';

let db: TestDatabase;
let receiver: WebhookReceiver;
let port: number;
let server: ServerProcess;
let redis: Redis;
let queue: Queue;

interface DeadLetterBody {
  deadLetters: Array<{ id: string; eventId: string; type: string; payload: { orderId?: string } }>;
}

async function deadLetters(): Promise<DeadLetterBody['deadLetters']> {
  const res = await http(server.url, 'GET', '/api/webhooks/dead', { token: await token('sam', 'staff') });
  expect(res.status).toBe(200);
  return (res.body as DeadLetterBody).deadLetters;
}

async function resend(path: string, who = token('sam', 'staff'), body?: unknown): Promise<{ status: number; body: any }> {
  return http(server.url, 'POST', path, { token: await who, body });
}

beforeAll(async () => {
  db = await createTestDatabase();
  // The receiver's port is taken, then freed: deliveries find nothing listening there.
  receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
  port = Number(new URL(receiver.url).port);
  const env = webhookEnv(db.url, receiver, { REDIS_URL, REDIS_PREFIX, WEBHOOK_ATTEMPTS: '2', WEBHOOK_BACKOFF_MS: '50', JOBS_LOCK_MS: '1000' });
  await receiver.close();
  server = await startServer(env);
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: queuePrefixOf(REDIS_PREFIX) });
});

afterAll(async () => {
  await server?.stop();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  const keys = await redis?.keys(`${REDIS_PREFIX}*`);
  if (keys?.length) await redis.del(...keys);
  await redis?.quit();
  await receiver?.close();
  await db?.drop();
});

describe('dead letters sent again', () => {
  it('a letter dead while the receiver was down is delivered once it is up and sent again, once', async () => {
    await createEvent(server, EVENT);
    const first = await buy(server, 'alice', EVENT, ['s-1-1']);
    const second = await buy(server, 'bob', EVENT, ['s-1-2']);
    const orderIds = new Set([first.orderId, second.orderId]);
    await eventually(async () => (await deadLetters()).filter((d) => orderIds.has(d.payload.orderId ?? '')).length === 2, 'both orders dead-lettered', 20_000);
    const letters = await deadLetters();
    const firstLetter = letters.find((d) => d.payload.orderId === first.orderId)!;
    expect(firstLetter).toMatchObject({ eventId: EVENT, type: 'order.confirmed' });

    // Refused callers change nothing.
    expect((await resend(`/api/webhooks/dead/${firstLetter.id}/resend`, token('carol'))).status).toBe(403);
    expect((await resend(`/api/webhooks/dead/${firstLetter.id}/resend`, Promise.resolve(''))).status).toBe(401);
    expect((await resend('/api/webhooks/dead/not-an-id/resend')).status).toBe(404);
    expect((await resend('/api/webhooks/dead/resend', undefined, { eventId: 'NOT OK' })).status).toBe(400);
    expect((await resend('/api/webhooks/dead/resend', undefined, { what: 1 })).status).toBe(400);
    expect(await deadLetters()).toHaveLength(letters.length);

    // The receiver comes back on the same port.
    receiver = await WebhookReceiver.start(WEBHOOK_SECRET, port);
    const res = await resend(`/api/webhooks/dead/${firstLetter.id}/resend`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ requeued: [firstLetter.id] });
    const [delivered] = await receiver.waitFor(ofOrder('order.confirmed', first.orderId), 1, 15_000);
    expect(delivered.id).toBe(firstLetter.id);
    expect(delivered.signatureValid).toBe(true);
    // Idempotent: the letter is no longer dead, so asking again queues nothing.
    expect((await resend(`/api/webhooks/dead/${firstLetter.id}/resend`)).body).toEqual({ requeued: [] });
    await eventually(async () => !(await deadLetters()).some((d) => d.id === firstLetter.id), 'the first letter no longer dead');

    // Send all: the other one goes, once.
    const all = await resend('/api/webhooks/dead/resend', undefined, { eventId: EVENT });
    expect(all.status).toBe(200);
    const secondId = letters.find((d) => d.payload.orderId === second.orderId)!.id;
    expect(all.body.requeued).toContain(secondId);
    await receiver.waitFor(ofOrder('order.confirmed', second.orderId), 1, 15_000);
    await eventually(async () => (await deadLetters()).filter((d) => orderIds.has(d.payload.orderId ?? '')).length === 0, 'no dead letter left of these orders');
    // Give a duplicate a chance to show up, then count: each id arrived exactly once after coming back.
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.attemptsOf(firstLetter.id)).toHaveLength(1);
    expect(receiver.attemptsOf(secondId)).toHaveLength(1);

    const audit = await http(server.url, 'GET', `/api/events/${EVENT}/audit`, { token: await token('sam', 'staff') });
    const resent = (audit.body as { entries: Array<{ action: string; target: string; actor: { userId: string; role: string } }> }).entries
      .filter((e) => e.action === 'webhook.resend');
    expect(resent.map((e) => e.target).sort()).toEqual(expect.arrayContaining([firstLetter.id, secondId]));
    expect(resent.filter((e) => e.target === firstLetter.id)).toHaveLength(1);
    for (const entry of resent) expect(entry.actor).toEqual({ userId: 'sam', role: 'staff' });
  });
});
