// Webhooks without REDIS_URL: a real server process delivers from the outbox in process, with the same
// retry policy as BullMQ, to a real receiver on loopback; staff see dead letters; tickets carry signed
// QR payloads; sales changes, sell-outs and (opted-in) hold changes are announced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketSigner } from '../../src/jobs/ticket-signer';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { WebhookReceiver } from '../support/webhook-receiver';
import { TestClient } from '../support/ws-client';
import { WEBHOOK_SECRET, buy, eventually, cancelAndCheckTickets, createEvent, expectOrderWebhook, ofOrder, webhookEnv } from './webhook-scenarios';

let db: TestDatabase;
let receiver: WebhookReceiver;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
  server = await startServer(webhookEnv(db.url, receiver, { WEBHOOK_EVENTS: 'hold.created,hold.released' }));
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  await db?.drop();
});

describe('webhooks in process (no REDIS_URL)', () => {
  it('delivers one signed order.confirmed per purchase; tickets carry a signed QR payload', async () => {
    await createEvent(server, 'ip1');
    const order = await buy(server, 'alice', 'ip1', ['s-1-1', 's-1-2'], { id: 'floor', count: 1 });
    const [webhook] = await receiver.waitFor(ofOrder('order.confirmed', order.orderId));
    expectOrderWebhook(webhook, 'order.confirmed', order, 'ip1', 'alice');
    const stored = await http(server.url, 'GET', `/api/orders/${order.orderId}`, { token: await token('alice') });
    expect(stored.body.tickets).toHaveLength(3);
    const signer = new TicketSigner(TEST_SECRET);
    for (const ticket of stored.body.tickets) {
      expect(signer.verify(ticket.qr)).toEqual({ code: ticket.code, eventId: 'ip1', orderId: order.orderId, ...(ticket.seatId ? { seatId: ticket.seatId } : { areaId: ticket.areaId }) });
    }
  });

  it('retries a failing receiver with backoff: the third attempt delivers the same body', async () => {
    await createEvent(server, 'ip2');
    receiver.answer = (w, attempts) => (w.data.eventId === 'ip2' && w.type === 'order.confirmed' && attempts <= 2 ? 500 : 200);
    const order = await buy(server, 'bob', 'ip2', ['s-1-1']);
    const attempts = await receiver.waitFor(ofOrder('order.confirmed', order.orderId), 3);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((w) => w.rawBody)).size).toBe(1);
    expect(attempts.every((w) => w.signatureValid)).toBe(true);
    // Backoff: 100 ms then 200 ms (±20 % jitter) between attempts.
    expect(attempts[1].receivedAt - attempts[0].receivedAt).toBeGreaterThanOrEqual(70);
    expect(attempts[2].receivedAt - attempts[1].receivedAt).toBeGreaterThanOrEqual(150);
    receiver.answer = () => 200;
  });

  it('dead-letters a delivery after its last attempt, for staff to see', async () => {
    await createEvent(server, 'ip3');
    receiver.answer = (w) => (w.data.eventId === 'ip3' ? 503 : 200);
    const order = await buy(server, 'carol', 'ip3', ['s-2-1']);
    await receiver.waitFor(ofOrder('order.confirmed', order.orderId), 3);
    const staff = await token('sam', 'staff');
    let dead: { type: string; payload: { orderId: string }; attempts: number; lastError: string }[] = [];
    await eventually(async () => {
      dead = (await http(server.url, 'GET', '/api/webhooks/dead', { token: staff })).body.deadLetters;
      return dead.some((d) => d.payload.orderId === order.orderId);
    }, 'dead letter listed');
    expect(dead.find((d) => d.payload.orderId === order.orderId)).toMatchObject({ type: 'order.confirmed', attempts: 3, lastError: 'receiver answered HTTP 503' });
    expect((await http(server.url, 'GET', '/api/webhooks/dead', { token: await token('carol') })).status).toBe(403);
    receiver.answer = () => 200;
    const metrics = (await http(server.url, 'GET', '/metrics')).body as string;
    expect(metrics).toMatch(/aisle_jobs_queue\{state="dead"\} [1-9]/);
    expect(metrics).toMatch(/aisle_webhook_attempts_total\{type="order.confirmed",outcome="dead"\} [1-9]/);
    expect(metrics).toMatch(/aisle_webhook_delivery_seconds_count\{type="order.confirmed"\} [1-9]/);
  });

  it('announces a cancellation (tickets void), staff pausing and resuming, and a sell-out', async () => {
    await createEvent(server, 'ip4', {}, 1, 2, 1);
    const first = await buy(server, 'dan', 'ip4', ['s-1-1']);
    await cancelAndCheckTickets(server, first.orderId, 'dan');
    const [cancelled] = await receiver.waitFor(ofOrder('order.cancelled', first.orderId));
    expectOrderWebhook(cancelled, 'order.cancelled', first, 'ip4', 'dan');
    const staff = await token('sam', 'staff');
    await http(server.url, 'POST', '/api/events/ip4/sales', { token: staff, body: { open: false } });
    await http(server.url, 'POST', '/api/events/ip4/sales', { token: staff, body: { open: true } });
    const sales = await receiver.waitFor((w) => w.data.eventId === 'ip4' && w.type.startsWith('event.sales_'), 2);
    expect(sales.map((w) => [w.type, w.data.reason])).toEqual([['event.sales_closed', 'staff'], ['event.sales_opened', 'staff']]);
    const last = await buy(server, 'erin', 'ip4', ['s-1-1', 's-1-2'], { id: 'floor', count: 1 });
    const [soldOut] = await receiver.waitFor((w) => w.type === 'event.sold_out' && w.data.eventId === 'ip4');
    expect(soldOut.data).toEqual({ eventId: 'ip4', orderId: last.orderId });
  });

  it('announces hold changes named in WEBHOOK_EVENTS only', async () => {
    await createEvent(server, 'ip5');
    const client = await TestClient.connect(server.wsUrl, 'json', await token('fay'));
    const held = await client.request({ type: 'hold', eventId: 'ip5', seats: ['s-3-3'] });
    await client.request({ type: 'release', eventId: 'ip5', holdId: held.holdId });
    client.close();
    const hooks = await receiver.waitFor((w) => w.data.eventId === 'ip5', 2);
    expect(hooks.map((w) => [w.type, w.data.holdId, w.data.seats])).toEqual([
      ['hold.created', held.holdId, ['s-3-3']],
      ['hold.released', held.holdId, ['s-3-3']],
    ]);
  });
});
