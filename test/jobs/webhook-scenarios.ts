// What the webhook tests share: a server with webhooks pointed at a loopback receiver, purchases over
// a real WebSocket, and the checks every delivery must pass (one id, a valid signature, the contract's
// body).
import { expect } from 'vitest';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import type { ServerProcess } from '../support/server-process';
import type { ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';
import { TestClient } from '../support/ws-client';

/** Resolves once `check` holds, polling; rejects at the deadline (never a bare sleep). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The secret test servers sign webhooks with. */
export const WEBHOOK_SECRET = 'whsec-test-only';

/** Environment of a test server delivering to `receiver`, retrying fast. */
export function webhookEnv(databaseUrl: string, receiver: WebhookReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: TEST_SECRET,
    DIFF_TICK_MS: '10',
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET: WEBHOOK_SECRET,
    WEBHOOK_ATTEMPTS: '3',
    WEBHOOK_BACKOFF_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
    OUTBOX_POLL_MS: '50',
    ...extra,
  };
}

/** Creates a small event (5 × 20 seats, a GA area of 50) as admin. */
export async function createEvent(server: ServerProcess, id: string, extra: Record<string, unknown> = {}, rows = 5, seatsPerRow = 20, capacity = 50): Promise<void> {
  const res = await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: smallEvent(id, rows, seatsPerRow, capacity, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** Holds and buys `seats` (and GA places) as `userId`; resolves with the `order` reply. */
export async function buy(
  server: ServerProcess,
  userId: string,
  eventId: string,
  seats: string[],
  area?: { id: string; count: number },
): Promise<{ orderId: string; seats: string[]; areas: Record<string, number>; total: number }> {
  const client = await TestClient.connect(server.wsUrl, 'json', await token(userId));
  try {
    const held = await client.request({ type: 'hold', eventId, seats });
    expect(held.type, JSON.stringify(held)).toBe('held');
    if (area) expect((await client.request({ type: 'hold', eventId, holdId: held.holdId, area })).type).toBe('held');
    const order = await client.request({ type: 'buy', eventId, holdId: held.holdId });
    expect(order.type, JSON.stringify(order)).toBe('order');
    return order as never;
  } finally {
    client.close();
  }
}

/** The webhooks of one order of `type`. */
export const ofOrder = (type: string, orderId: string) => (w: ReceivedWebhook): boolean => w.type === type && w.data.orderId === orderId;

/** Checks a delivery against docs/protocol.md: body fields, signature, order data. */
export function expectOrderWebhook(
  webhook: ReceivedWebhook,
  type: string,
  order: { orderId: string; seats: string[]; areas: Record<string, number>; total: number },
  eventId: string,
  userId: string,
): void {
  expect(webhook.signatureValid, `signature ${webhook.signature}`).toBe(true);
  expect(webhook.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(Object.keys(JSON.parse(webhook.rawBody))).toEqual(['id', 'type', 'createdAt', 'data']);
  expect(webhook).toMatchObject({ type, data: { orderId: order.orderId, eventId, userId, seats: order.seats, areas: order.areas, total: order.total } });
  expect(Number.isNaN(Date.parse(webhook.createdAt))).toBe(false);
}

/** Staff cancel an order over HTTP; checks its tickets are void afterwards. */
export async function cancelAndCheckTickets(server: ServerProcess, orderId: string, userId: string): Promise<void> {
  const staff = await token('sam', 'staff');
  const before = await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token(userId) });
  expect(before.body.tickets.length).toBeGreaterThan(0);
  expect((await http(server.url, 'POST', `/api/orders/${orderId}/cancel`, { token: staff })).status).toBe(200);
  const after = await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token(userId) });
  expect(after.body).toMatchObject({ status: 'cancelled', tickets: [] });
}
