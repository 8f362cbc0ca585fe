// A WebSocket session is worth no more than its token: when the token expires the connection becomes a
// guest (told with an `unauthorized` push; staff stats pushes stop; seat commands are refused), and
// re-authenticating to a lower role drops what the higher one had. Malformed frames cost rate-limit
// tokens like any other, and a connection that keeps flooding past its limit is closed (1008).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { signedWith } from '../support/tokens';
import { TestClient } from '../support/ws-client';
import type { Msg } from '../support/ws-client';

const EVENT = 'expiry-ev';
let db: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, WS_RATE_PER_SECOND: '50', WS_RATE_BURST: '100' });
  const created = await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: smallEvent(EVENT) });
  expect(created.status).toBe(201);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

const stats = (m: Msg): boolean => m.type === 'stats' && m.rid === undefined;

/** Stats pushes that arrive within the next `ms` (a window with nothing to wait for: absence is the point). */
async function statsPushesWithin(client: TestClient, ms: number): Promise<number> {
  const before = client.pushes.filter(stats).length;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return client.pushes.filter(stats).length - before;
}

describe('a session ends with its token', () => {
  it('turns a staff connection into a guest when its token expires: told, no more stats, no seat commands', async () => {
    const shortLived = await signedWith({ sub: 'stan', role: 'staff', exp: Math.floor(Date.now() / 1000) + 3 });
    const staff = await TestClient.connect(`${server.wsUrl}?token=${encodeURIComponent(shortLived)}`, 'json');
    expect(await staff.request({ type: 'watch', eventId: EVENT })).toMatchObject({ type: 'stats' });
    await staff.waitForPush(stats, 5000);
    const told = await staff.waitForPush((m) => m.type === 'error' && m.code === 'unauthorized', 10_000);
    expect(told.message).toMatch(/expired/);
    expect(await statsPushesWithin(staff, 2500)).toBe(0);
    expect(await staff.request({ type: 'hold', eventId: EVENT, seats: ['s-1-1'] })).toMatchObject({ type: 'error', code: 'unauthorized' });
    // Still a guest: public availability stays readable.
    expect(await staff.request({ type: 'subscribe', eventId: EVENT })).toMatchObject({ type: 'snapshot' });
    staff.close();
  }, 30_000);

  it('drops staff pushes when the connection re-authenticates as a customer', async () => {
    const staff = await TestClient.connect(server.wsUrl, 'msgpack', await token('sid', 'staff'));
    expect(await staff.request({ type: 'watch', eventId: EVENT })).toMatchObject({ type: 'stats' });
    await staff.waitForPush(stats, 5000);
    expect(await staff.request({ type: 'auth', token: await token('sid', 'customer') })).toMatchObject({ type: 'authed', role: 'customer' });
    expect(await statsPushesWithin(staff, 2500)).toBe(0);
    staff.close();
  }, 30_000);
});

describe('malformed frames are rate limited', () => {
  it('answers a flood of undecodable frames with rate_limited past the burst, then closes the connection', async () => {
    const client = await TestClient.connect(server.wsUrl, 'json');
    for (let i = 0; i < 1000; i++) client.sendRaw('{not json');
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    const codes = new Set(client.pushes.filter((m) => m.type === 'error').map((m) => m.code));
    expect(codes).toEqual(new Set(['bad_request', 'rate_limited']));
  }, 30_000);
});
