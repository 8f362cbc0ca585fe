// Auth hardening against real server processes: forged, expired and tampered tokens are refused on
// every way in (HTTP, the WebSocket upgrade, the `auth` message); a user never reaches another user's
// hold or order; staff and admin routes refuse customers; dev mode refuses to start in production, and
// its tokens are worthless anywhere else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { namedBrokenTokens } from '../support/tokens';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;
let admin: string;
let broken: { name: string; token: string }[];

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, NODE_ENV: 'production' });
  admin = await token('root', 'admin');
  broken = await namedBrokenTokens('mallory');
  const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('auth-ev', 2, 10, 20, { maxSeatsPerUser: 20 }) });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('forged and broken tokens', () => {
  it('are refused over HTTP with 401, whatever they claim', async () => {
    for (const { name, token: t } of broken) {
      for (const [method, path] of [['POST', '/api/events'], ['GET', '/api/events/auth-ev/orders'], ['GET', '/api/orders/o_x']] as const) {
        const res = await http(server.url, method, path, { token: t, body: method === 'POST' ? smallEvent('forged') : undefined });
        expect(res.status, `${name}: ${method} ${path}`).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
    expect((await http(server.url, 'GET', '/api/events/forged')).status).toBe(404);
  });

  it('refuse the WebSocket upgrade with 401', async () => {
    for (const { name, token: t } of broken) {
      await expect(TestClient.connect(server.wsUrl, 'json', t), name).rejects.toThrow('upgrade refused: 401');
    }
  });

  it('fail an auth message with unauthorized and leave the connection who it was', async () => {
    const alice = await TestClient.connect(server.wsUrl, 'msgpack', await token('alice'));
    const held = await alice.request({ type: 'hold', eventId: 'auth-ev', seats: ['s-1-1'] });
    expect(held.type).toBe('held');
    const guest = await TestClient.connect(server.wsUrl, 'json');
    for (const { name, token: t } of broken) {
      expect(await alice.request({ type: 'auth', token: t }), name).toMatchObject({ type: 'error', code: 'unauthorized' });
      expect(await guest.request({ type: 'auth', token: t }), name).toMatchObject({ type: 'error', code: 'unauthorized' });
    }
    // Still alice: her hold is hers to extend; the guest is still a guest.
    expect(await alice.request({ type: 'extend', eventId: 'auth-ev', holdId: held.holdId })).toMatchObject({ type: 'held' });
    expect(await guest.request({ type: 'hold', eventId: 'auth-ev', seats: ['s-1-2'] })).toMatchObject({ code: 'unauthorized' });
    for (const c of [alice, guest]) c.close();
  });
});

describe("another user's holds and orders", () => {
  it('cannot be seen, extended, released, added to or bought; they answer as if they did not exist', async () => {
    const alice = await TestClient.connect(server.wsUrl, 'json', await token('alice-2'));
    const mallory = await TestClient.connect(server.wsUrl, 'msgpack', await token('mallory'));
    const hold = await alice.request({ type: 'hold', eventId: 'auth-ev', seats: ['s-2-1', 's-2-2'] });
    expect(hold.type).toBe('held');
    const holdId = hold.holdId as string;
    const attempts = [
      { type: 'extend', eventId: 'auth-ev', holdId },
      { type: 'release', eventId: 'auth-ev', holdId },
      { type: 'release', eventId: 'auth-ev', holdId, seats: ['s-2-1'] },
      { type: 'hold', eventId: 'auth-ev', holdId, seats: ['s-2-3'] },
      { type: 'buy', eventId: 'auth-ev', holdId },
      { type: 'buy', eventId: 'auth-ev', holdId, idempotencyKey: 'k1' },
    ];
    for (const attempt of attempts) {
      expect(await mallory.request(attempt), JSON.stringify(attempt)).toMatchObject({ type: 'error', code: 'hold_not_found' });
    }
    // Alice's hold is untouched, and she buys it; her order is hers alone to read.
    const order = await alice.request({ type: 'buy', eventId: 'auth-ev', holdId, idempotencyKey: 'k1' });
    expect(order).toMatchObject({ type: 'order', seats: ['s-2-1', 's-2-2'] });
    // The same idempotency key is scoped to the user: mallory's retry with it finds nothing of alice's.
    expect(await mallory.request({ type: 'buy', eventId: 'auth-ev', holdId, idempotencyKey: 'k1' })).toMatchObject({ code: 'hold_not_found' });
    const orderId = order.orderId as string;
    expect((await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token('mallory') })).status).toBe(404);
    expect((await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token('alice-2') })).status).toBe(200);
    expect((await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token('sam', 'staff') })).status).toBe(200);
    for (const c of [alice, mallory]) c.close();
  });

  it('hands out hold and order ids that cannot be guessed', async () => {
    const client = await TestClient.connect(server.wsUrl, 'msgpack', await token('ids'));
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const held = await client.request({ type: 'hold', eventId: 'auth-ev', area: { id: 'floor', count: 1 } });
      ids.add(held.holdId as string);
      expect(await client.request({ type: 'release', eventId: 'auth-ev', holdId: held.holdId })).toMatchObject({ type: 'released' });
    }
    expect(ids.size).toBe(10);
    // 128 random bits each (22 base64url characters), not a counter or a timestamp.
    for (const id of ids) expect(id).toMatch(/^h_[A-Za-z0-9_-]{22}$/);
    const sorted = [...ids].sort();
    expect(sorted).not.toEqual([...ids]);
    client.close();
  });
});

describe('roles', () => {
  it('staff and admin routes refuse customers (403) and guests (401)', async () => {
    const customer = await token('carl');
    const staff = await token('sam', 'staff');
    const routes: [string, string, unknown][] = [
      ['POST', '/api/events', smallEvent('by-customer')],
      ['POST', '/api/events/auth-ev/sales', { open: false }],
      ['POST', '/api/events/auth-ev/block', { seats: ['s-1-9'], blocked: true }],
      ['GET', '/api/events/auth-ev/orders', undefined],
      ['POST', '/api/orders/o_x/cancel', undefined],
      ['GET', '/api/webhooks/dead', undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await http(server.url, method, path, { token: customer, body })).status, `customer ${method} ${path}`).toBe(403);
      expect((await http(server.url, method, path, { body })).status, `guest ${method} ${path}`).toBe(401);
    }
    expect((await http(server.url, 'POST', '/api/events', { token: staff, body: smallEvent('by-staff') })).status).toBe(403);
    // Nothing changed: sales open, s-1-9 not blocked, no such events.
    const info = await http(server.url, 'GET', '/api/events/auth-ev');
    expect(info.body.status).toBe('on_sale');
    expect(info.body.counts.blocked).toBe(0);
    expect((await http(server.url, 'GET', '/api/events/by-customer')).status).toBe(404);
    expect((await http(server.url, 'GET', '/api/events/by-staff')).status).toBe(404);
  });

  it('watch refuses customers (forbidden) and guests (unauthorized)', async () => {
    const customer = await TestClient.connect(server.wsUrl, 'json', await token('carl'));
    const guest = await TestClient.connect(server.wsUrl, 'json');
    expect(await customer.request({ type: 'watch', eventId: 'auth-ev' })).toMatchObject({ code: 'forbidden' });
    expect(await guest.request({ type: 'watch', eventId: 'auth-ev' })).toMatchObject({ code: 'unauthorized' });
    for (const c of [customer, guest]) c.close();
  });

  it('keeps the cluster-internal endpoint closed to clients', async () => {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/internal/peer`, { headers: { authorization: `Bearer ${admin}` } });
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => resolve(0));
    });
    expect(refused).not.toBe(101);
  });
});

describe('dev mode', () => {
  it('refuses to start when NODE_ENV=production', async () => {
    const started = startServer({ DATABASE_URL: db.url, NODE_ENV: 'production' }, 20_000);
    await expect(started).rejects.toThrow(/exited with 1[\s\S]*AUTH_SECRET is required/);
  });

  it('has no token route with a secret, and its own tokens are worthless to another server', async () => {
    expect((await http(server.url, 'GET', '/api/dev/token?role=admin&sub=x')).status).toBe(404);
    // A database of its own: a second single node on the first one's database refuses to start.
    const devDb = await createTestDatabase();
    const dev = await startServer({ DATABASE_URL: devDb.url });
    try {
      const res = await http(dev.url, 'GET', '/api/dev/token?role=admin&sub=eve');
      expect(res.status).toBe(200);
      const devToken = res.body.token as string;
      expect((await http(dev.url, 'POST', '/api/events', { token: devToken, body: smallEvent('auth-ev', 2, 10, 20) })).status).toBe(201);
      expect((await http(dev.url, 'GET', '/api/events/auth-ev/orders', { token: devToken })).status).toBe(200);
      expect((await http(server.url, 'GET', '/api/events/auth-ev/orders', { token: devToken })).status).toBe(401);
      expect(dev.output()).toContain('DEV MODE');
    } finally {
      await dev.stop();
      await devDb.drop();
    }
  });
});
