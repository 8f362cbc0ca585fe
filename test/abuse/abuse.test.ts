// Abuse against a real server process (its own database): floods from one connection and from one
// user over many, too many connections from one address or as one user, and a user trying to take more
// seats than an event allows. Each limit answers as SECURITY.md says, shows in /metrics, and leaves
// everyone else served. Clients that stop reading: slow-consumers.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { metricValue } from '../support/observe';
import { rawWs } from '../support/raw-ws';
import type { RawWs } from '../support/raw-ws';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;
let admin: string;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({
    DATABASE_URL: db.url,
    AUTH_SECRET: TEST_SECRET,
    DIFF_TICK_MS: '10',
    WS_RATE_PER_SECOND: '100',
    WS_RATE_BURST: '200',
    USER_RATE_PER_SECOND: '5',
    USER_RATE_BURST: '10',
    MAX_CONNECTIONS_PER_IP: '1100',
    MAX_CONNECTIONS_PER_USER: '3',
  });
  admin = await token('root', 'admin');
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

async function createEvent(id: string, rows: number, seatsPerRow: number, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, rows, seatsPerRow, 50, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rate limits', () => {
  it('answers a flood from one connection with rate_limited, and counts it', async () => {
    const before = await metricValue(server.url, 'aisle_rate_limited_total', { scope: 'connection' });
    const client = await TestClient.connect(server.wsUrl, 'msgpack');
    const replies = await Promise.all(Array.from({ length: 400 }, () => client.request({ type: 'ping' })));
    const limited = replies.filter((r) => r.type === 'error' && r.code === 'rate_limited').length;
    // A burst of 200, then 100 a second: at most a few more than the burst get through.
    expect(replies.length - limited).toBeGreaterThanOrEqual(200);
    expect(replies.length - limited).toBeLessThan(260);
    expect((await metricValue(server.url, 'aisle_rate_limited_total', { scope: 'connection' })) - before).toBe(limited);
    client.close();
  });

  it("limits one user's seat commands over all their connections", async () => {
    await createEvent('flood', 5, 20, { maxSeatsPerUser: 100 });
    const before = await metricValue(server.url, 'aisle_rate_limited_total', { scope: 'user' });
    const userToken = await token('flooder');
    const clients = await Promise.all([0, 1, 2].map((i) => TestClient.connect(server.wsUrl, i % 2 ? 'json' : 'msgpack', userToken)));
    const started = Date.now();
    const replies = await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: 10 }, (_, n) => client.request({ type: 'hold', eventId: 'flood', seats: [`s-${c + 1}-${n + 1}`] })),
      ),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const held = replies.filter((r) => r.type === 'held').length;
    const limited = replies.filter((r) => r.type === 'error' && r.code === 'rate_limited').length;
    expect(held + limited).toBe(30);
    // A burst of 10, then 5 a second, whichever connection they come from.
    expect(held).toBeGreaterThanOrEqual(10);
    expect(held).toBeLessThanOrEqual(10 + Math.ceil(5 * elapsedS) + 1);
    expect((await metricValue(server.url, 'aisle_rate_limited_total', { scope: 'user' })) - before).toBe(limited);
    // Another user is not slowed down by the flooder, and reads are not seat commands.
    const other = await TestClient.connect(server.wsUrl, 'msgpack', await token('bystander'));
    expect((await other.request({ type: 'hold', eventId: 'flood', seats: ['s-5-1'] })).type).toBe('held');
    expect((await clients[0].request({ type: 'subscribe', eventId: 'flood' })).type).toBe('snapshot');
    for (const c of [...clients, other]) c.close();
  });
});

describe('connection caps', () => {
  it('refuses a fourth connection of one user with 429, and an auth message that would make one', async () => {
    const before = await metricValue(server.url, 'aisle_ws_connections_refused_total', { reason: 'per_user' });
    const capped = await token('capped');
    const open = await Promise.all([1, 2, 3].map(() => TestClient.connect(server.wsUrl, 'json', capped)));
    await expect(TestClient.connect(server.wsUrl, 'json', capped)).rejects.toThrow('upgrade refused: 429');
    // A guest connection is not the user's, until it authenticates as them: then it is refused.
    const guest = await TestClient.connect(server.wsUrl, 'json');
    expect(await guest.request({ type: 'auth', token: capped })).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(await guest.request({ type: 'hold', eventId: 'flood', seats: ['s-5-2'] })).toMatchObject({ code: 'unauthorized' });
    // Closing one frees a place.
    open[0].close();
    await open[0].closed;
    await until('a place for the capped user', async () => {
      const reply = await guest.request({ type: 'auth', token: capped });
      return reply.type === 'authed';
    });
    await expect(TestClient.connect(server.wsUrl, 'json', capped)).rejects.toThrow('upgrade refused: 429');
    expect((await metricValue(server.url, 'aisle_ws_connections_refused_total', { reason: 'per_user' })) - before).toBeGreaterThanOrEqual(3);
    for (const c of [...open, guest]) c.close();
  });

  it('refuses connections from one address over its cap, and counts them back down as they close', async () => {
    // The cap is 1,100 here; whatever other tests left open, fill it and check the next one is refused.
    const clients: RawWs[] = [];
    let refused: unknown = null;
    for (let i = 0; i < 1200 && !refused; i++) {
      try {
        clients.push(await rawWs(server.port));
      } catch (error) {
        refused = error;
      }
    }
    expect(String(refused)).toContain('429');
    expect(clients.length).toBeLessThanOrEqual(1100);
    for (const c of clients) c.destroy();
    await until('connections closed', async () => (await metricValue(server.url, 'aisle_ws_connections')) < 50);
    const again = await TestClient.connect(server.wsUrl, 'msgpack');
    expect((await again.request({ type: 'ping' })).type).toBe('pong');
    again.close();
  });
});

describe('seats and holds per user per event', () => {
  it('caps what one user holds and buys in an event over all their holds and connections', async () => {
    await createEvent('capped', 2, 10, { maxSeatsPerUser: 4 });
    const userToken = await token('greedy');
    const a = await TestClient.connect(server.wsUrl, 'msgpack', userToken);
    const b = await TestClient.connect(server.wsUrl, 'json', userToken);
    const first = await a.request({ type: 'hold', eventId: 'capped', seats: ['s-1-1', 's-1-2'] });
    expect(first.type).toBe('held');
    expect((await b.request({ type: 'hold', eventId: 'capped', area: { id: 'floor', count: 1 } })).type).toBe('held');
    expect((await b.request({ type: 'hold', eventId: 'capped', seats: ['s-1-3', 's-1-4'] })).code).toBe('limit_exceeded');
    // Every hold takes at least one seat or place, so the seat cap is also a cap on holds.
    expect((await a.request({ type: 'hold', eventId: 'capped', seats: ['s-2-1'] })).type).toBe('held');
    expect((await a.request({ type: 'hold', eventId: 'capped', seats: ['s-2-2'] })).code).toBe('limit_exceeded');
    expect((await b.request({ type: 'hold', eventId: 'capped', best: { count: 1 } })).code).toBe('limit_exceeded');
    // Bought seats still count; released ones do not.
    expect((await a.request({ type: 'buy', eventId: 'capped', holdId: first.holdId })).type).toBe('order');
    expect((await a.request({ type: 'hold', eventId: 'capped', seats: ['s-2-5'] })).code).toBe('limit_exceeded');
    const other = await TestClient.connect(server.wsUrl, 'msgpack', await token('modest'));
    expect((await other.request({ type: 'hold', eventId: 'capped', seats: ['s-2-5', 's-2-6', 's-2-7', 's-2-8'] })).type).toBe('held');
    for (const c of [a, b, other]) c.close();
  });
});
