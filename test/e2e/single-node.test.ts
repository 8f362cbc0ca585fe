// End to end against a real server process on loopback, real Postgres, real WebSocket clients, in
// both encodings: live diffs between clients, purchases made durable, races, bad input, restarts.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encoding } from '../../protocol';
import { msgpackCodec } from '../../protocol';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;
let admin: string;
let sql: pg.Pool;

const serverEnv = (): Record<string, string> => ({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10' });

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(serverEnv());
  admin = await token('root', 'admin');
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await server?.stop();
  await sql?.end();
  await db?.drop();
});

async function createEvent(id: string, rows = 5, seatsPerRow = 20, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, rows, seatsPerRow, 50, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function client(encoding: Encoding, userId?: string, role: 'customer' | 'staff' | 'admin' = 'customer'): Promise<TestClient> {
  return TestClient.connect(server.wsUrl, encoding, userId ? await token(userId, role) : undefined);
}

describe('HTTP API', () => {
  it('creates an event for admins only, with field paths in errors', async () => {
    const customer = await token('carl');
    expect((await http(server.url, 'POST', '/api/events', { body: smallEvent('h1') })).status).toBe(401);
    expect((await http(server.url, 'POST', '/api/events', { token: customer, body: smallEvent('h1') })).status).toBe(403);
    const created = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('h1', 3, 4) });
    expect(created).toMatchObject({ status: 201, body: { id: 'h1', seats: 12, areas: 1 } });
    const again = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('h1', 3, 4) });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const bad = smallEvent('h2');
    (bad.sections as { rows: unknown }[])[0].rows = 'many';
    const refused = await http(server.url, 'POST', '/api/events', { token: admin, body: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('bad_request');
    expect(refused.body.error.message).toContain('sections[0].rows');
    expect((await http(server.url, 'POST', '/api/events', { token: admin, body: '{"id":' })).status).toBe(400);
    expect((await http(server.url, 'GET', '/api/events/h2')).status).toBe(404);
  });

  it('lists, describes and maps events, with an ETag', async () => {
    await createEvent('h3', 2, 3);
    const list = await http(server.url, 'GET', '/api/events');
    expect(list.body).toContainEqual({ id: 'h3', name: 'Test h3', status: 'on_sale', startsAt: '2030-01-01T20:00:00Z' });
    const info = await http(server.url, 'GET', '/api/events/h3');
    expect(info.body).toMatchObject({
      id: 'h3',
      status: 'on_sale',
      seats: 6,
      counts: { available: 6, held: 0, sold: 0, blocked: 0 },
      areas: { floor: { capacity: 50, available: 50 } },
    });
    expect(info.body.owner.epoch).toBeGreaterThan(0);
    const map = await http(server.url, 'GET', '/api/events/h3/map');
    expect(map.body.seats).toHaveLength(6);
    expect(map.body.seats[0]).toMatchObject({ id: 's-1-1', section: 's', row: '1', number: 1, category: 'std' });
    const etag = map.headers.get('etag')!;
    expect((await http(server.url, 'GET', '/api/events/h3/map', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves health, readiness and metrics, and 404 for unknown routes', async () => {
    expect((await http(server.url, 'GET', '/healthz')).status).toBe(200);
    expect((await http(server.url, 'GET', '/readyz')).body).toMatchObject({ ready: true, members: [expect.any(String)] });
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('aisle_ws_connections');
    expect((await http(server.url, 'GET', '/nope')).status).toBe(404);
    // HEAD answers like GET, without a body.
    const head = await fetch(`${server.url}/api/events`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('application/json');
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/healthz`, { method: 'HEAD' })).status).toBe(200);
    // Not in dev mode: the dev token route does not exist.
    expect((await http(server.url, 'GET', '/api/dev/token')).status).toBe(404);
  });
});

describe.each<Encoding>(['msgpack', 'json'])('WebSocket in %s', (encoding) => {
  const eventId = `ws-${encoding}`;

  beforeAll(async () => {
    await createEvent(eventId);
  });

  it('shows one client’s holds to another as diffs, and snapshots agree', async () => {
    const alice = await client(encoding, `alice-${encoding}`);
    const viewer = await client(encoding);
    const snap = await viewer.request({ type: 'subscribe', eventId });
    expect(snap.type).toBe('snapshot');
    const status = snap.status as Uint8Array;
    expect(status).toBeInstanceOf(Uint8Array);
    expect(status.length).toBe(100);
    expect(snap.areas).toEqual({ floor: 50 });

    const held = await alice.request({ type: 'hold', eventId, seats: ['s-2-5', 's-2-6'] });
    expect(held).toMatchObject({ type: 'held', eventId, seats: ['s-2-5', 's-2-6'], areas: {} });
    expect(typeof held.holdId).toBe('string');
    expect(held.expiresAt as number).toBeGreaterThan(Date.now());
    // Row 2, seats 5 and 6 of a 20-wide grid are indexes 24 and 25.
    const diff = await viewer.waitForPush((m) => m.type === 'diff' && (m.changes as number[][]).some(([i]) => i === 24));
    expect(diff.seq).toBe((snap.seq as number) + 1);
    expect(diff.changes).toEqual(expect.arrayContaining([[24, 1], [25, 1]]));

    const released = await alice.request({ type: 'release', eventId, holdId: held.holdId, seats: ['s-2-5'] });
    expect(released).toMatchObject({ type: 'released', holdId: held.holdId, seats: ['s-2-5'] });
    await viewer.waitForPush((m) => m.type === 'diff' && (m.changes as number[][]).some(([i, s]) => i === 24 && s === 0));

    const area = await alice.request({ type: 'hold', eventId, holdId: held.holdId, area: { id: 'floor', count: 3 } });
    expect(area).toMatchObject({ type: 'held', seats: ['s-2-6'], areas: { floor: 3 }, expiresAt: held.expiresAt });
    await viewer.waitForPush((m) => m.type === 'diff' && (m.areas as Record<string, number> | undefined)?.floor === 47);

    const late = await client(encoding);
    const snap2 = await late.request({ type: 'subscribe', eventId });
    const s2 = snap2.status as Uint8Array;
    expect([s2[24], s2[25]]).toEqual([0, 1]);
    expect(snap2.areas).toEqual({ floor: 47 });
    for (const c of [alice, viewer, late]) c.close();
  });

  it('buys a hold only after it is in Postgres, and the order reads back', async () => {
    const bob = await client(encoding, `bob-${encoding}`);
    const held = await bob.request({ type: 'hold', eventId, best: { count: 2 } });
    expect(held.type).toBe('held');
    const order = await bob.request({ type: 'buy', eventId, holdId: held.holdId, idempotencyKey: 'k1' });
    expect(order).toMatchObject({ type: 'order', eventId, holdId: held.holdId, total: 10000, status: 'confirmed' });
    const rows = await sql.query('SELECT status FROM orders WHERE id = $1', [order.orderId]);
    expect(rows.rows).toEqual([{ status: 'confirmed' }]);

    const again = await bob.request({ type: 'buy', eventId, holdId: held.holdId, idempotencyKey: 'k1' });
    expect(again).toMatchObject({ type: 'order', orderId: order.orderId });
    const other = await bob.request({ type: 'buy', eventId, holdId: 'h_other', idempotencyKey: 'k1' });
    expect(other).toMatchObject({ type: 'error', code: 'conflict' });

    const mine = await http(server.url, 'GET', `/api/orders/${order.orderId}`, { token: await token(`bob-${encoding}`) });
    expect(mine.status).toBe(200);
    expect(mine.body.seats).toEqual(held.seats);
    expect(mine.body.tickets).toHaveLength(2);
    expect((await http(server.url, 'GET', `/api/orders/${order.orderId}`, { token: await token('eve') })).status).toBe(404);
    bob.close();
  });

  it('keeps other users away from a hold', async () => {
    const owner = await client(encoding, `owner-${encoding}`);
    const thief = await client(encoding, `thief-${encoding}`);
    const held = await owner.request({ type: 'hold', eventId, seats: ['s-5-1'] });
    for (const attempt of [
      { type: 'release', eventId, holdId: held.holdId },
      { type: 'extend', eventId, holdId: held.holdId },
      { type: 'buy', eventId, holdId: held.holdId },
      { type: 'hold', eventId, holdId: held.holdId, seats: ['s-5-2'] },
    ]) {
      expect(await thief.request(attempt)).toMatchObject({ type: 'error', code: 'hold_not_found' });
    }
    expect(await thief.request({ type: 'hold', eventId, seats: ['s-5-1'] })).toMatchObject({
      type: 'error',
      code: 'seat_unavailable',
      seats: ['s-5-1'],
    });
    // The same user may use the hold from another connection.
    const second = await client(encoding, `owner-${encoding}`);
    expect(await second.request({ type: 'extend', eventId, holdId: held.holdId })).toMatchObject({ type: 'held' });
    for (const c of [owner, thief, second]) c.close();
  });

  it('answers bad frames with bad_request and keeps the connection', async () => {
    const c = await client(encoding, `bad-${encoding}`);
    c.sendRaw(encoding === 'msgpack' ? new Uint8Array([0xc1, 0xff, 0x00]) : '{not json');
    const undecodable = await c.waitForPush((m) => m.type === 'error');
    expect(undecodable).toMatchObject({ code: 'bad_request' });
    expect(undecodable.rid).toBeUndefined();
    expect(await c.request({ type: 'frobnicate' })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(await c.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-1'] })).toMatchObject({ code: 'bad_request' });
    expect(await c.request({ type: 'hold', eventId, seats: 'all' })).toMatchObject({ code: 'bad_request' });
    expect(await c.request({ type: 'hold', eventId, seats: ['nope'] })).toMatchObject({ code: 'not_found', seats: ['nope'] });
    expect(await c.request({ type: 'subscribe', eventId: 'no-such-event' })).toMatchObject({ code: 'not_found' });
    c.pushes.length = 0;
    const badRid = { type: 'ping', rid: { nested: true } };
    c.sendRaw(encoding === 'msgpack' ? (msgpackCodec.encode(badRid) as Uint8Array) : JSON.stringify(badRid));
    expect(await c.waitForPush((m) => m.type === 'error')).toMatchObject({ code: 'bad_request' });
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    c.close();
  });

  it('lets guests subscribe and ping but not hold', async () => {
    const guest = await client(encoding);
    expect(await guest.request({ type: 'hold', eventId, seats: ['s-1-2'] })).toMatchObject({ code: 'unauthorized' });
    expect(await guest.request({ type: 'watch', eventId })).toMatchObject({ code: 'unauthorized' });
    expect(await guest.request({ type: 'auth', token: 'not-a-jwt' })).toMatchObject({ code: 'unauthorized' });
    const authed = await guest.request({ type: 'auth', token: await token(`later-${encoding}`) });
    expect(authed).toMatchObject({ type: 'authed', userId: `later-${encoding}`, role: 'customer' });
    expect(await guest.request({ type: 'hold', eventId, seats: ['s-1-2'] })).toMatchObject({ type: 'held' });
    guest.close();
  });

  it('streams stats to staff', async () => {
    const staff = await client(encoding, `staff-${encoding}`, 'staff');
    const first = await staff.request({ type: 'watch', eventId });
    expect(first).toMatchObject({ type: 'stats', eventId });
    expect(typeof first.revenue).toBe('number');
    const push = await staff.waitForPush((m) => m.type === 'stats', 5000);
    expect(push).toMatchObject({ eventId });
    staff.close();
  });
});

describe('the WebSocket edge', () => {
  it('refuses an invalid token at upgrade with 401', async () => {
    await expect(TestClient.connect(server.wsUrl, 'json', 'garbage')).rejects.toThrow(/401/);
  });

  it('closes the connection with 1009 on a frame over 64 KiB', async () => {
    const c = await client('json', 'big');
    c.sendRaw('x'.repeat(70_000));
    expect((await c.closed).code).toBe(1009);
  });
});

describe('a race of 200 clients for 100 seats', () => {
  it('sells each seat at most once and every confirmed order is in Postgres', async () => {
    const eventId = 'race';
    await createEvent(eventId, 5, 20, { maxSeatsPerUser: 4 });
    const seatIds = Array.from({ length: 100 }, (_, i) => `s-${Math.floor(i / 20) + 1}-${(i % 20) + 1}`);
    const clients = await Promise.all(
      Array.from({ length: 200 }, (_, i) => client(i % 2 ? 'msgpack' : 'json', `racer-${i}`)),
    );
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const confirmed: { orderId: string; seats: string[] }[] = [];
    await Promise.all(
      clients.map(async (c) => {
        const a = seatIds[Math.floor(random() * 100)];
        const b = seatIds[Math.floor(random() * 100)];
        const held = await c.request({ type: 'hold', eventId, seats: a === b ? [a] : [a, b] });
        if (held.type !== 'held') {
          expect(held.code).toBe('seat_unavailable');
          return;
        }
        const order = await c.request({ type: 'buy', eventId, holdId: held.holdId });
        expect(order.type, JSON.stringify(order)).toBe('order');
        confirmed.push({ orderId: order.orderId as string, seats: order.seats as string[] });
      }),
    );
    const sold = confirmed.flatMap((o) => o.seats);
    expect(new Set(sold).size).toBe(sold.length);
    expect(confirmed.length).toBeGreaterThan(10);
    const rows = await sql.query<{ id: string }>('SELECT id FROM orders WHERE event_id = $1 AND status = $2', [eventId, 'confirmed']);
    expect(new Set(rows.rows.map((r) => r.id))).toEqual(new Set(confirmed.map((o) => o.orderId)));
    const dupes = await sql.query('SELECT seat_id FROM order_seats WHERE event_id = $1 AND NOT voided GROUP BY seat_id HAVING count(*) > 1', [eventId]);
    expect(dupes.rows).toEqual([]);
    const seatRows = await sql.query('SELECT count(*)::int AS n FROM order_seats WHERE event_id = $1 AND NOT voided', [eventId]);
    expect(seatRows.rows[0].n).toBe(sold.length);
    for (const c of clients) c.close();
  });
});

describe('a restart', () => {
  // A database of its own: the suite's server still serves the first one, and a second single node on
  // the same database refuses to start (one deployment per database).
  let restartDb: TestDatabase;
  const restartEnv = (): Record<string, string> => ({ ...serverEnv(), DATABASE_URL: restartDb.url });
  beforeAll(async () => {
    restartDb = await createTestDatabase();
  });
  afterAll(async () => {
    await restartDb?.drop();
  });

  it('keeps every confirmed order and the sold seats (kill -9, then start again)', async () => {
    const local = await startServer(restartEnv());
    const eventId = 'restart';
    const created = await http(local.url, 'POST', '/api/events', { token: admin, body: smallEvent(eventId, 2, 10) });
    expect(created.status).toBe(201);
    const buyer = await TestClient.connect(local.wsUrl, 'msgpack', await token('rita'));
    const held = await buyer.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2'], rid: 'h' });
    const order = await buyer.request({ type: 'buy', eventId, holdId: held.holdId });
    expect(order.type).toBe('order');
    const otherHold = await buyer.request({ type: 'hold', eventId, seats: ['s-2-1'] });
    expect(otherHold.type).toBe('held');
    await local.stop('SIGKILL');

    const again = await startServer(restartEnv());
    try {
      const viewer = await TestClient.connect(again.wsUrl, 'json', await token('sam'));
      const snap = await viewer.request({ type: 'subscribe', eventId });
      const status = snap.status as Uint8Array;
      expect([status[0], status[1]]).toEqual([2, 2]);
      // Single-node mode: holds are memory only, so the unbought hold is gone (and the README says so).
      expect(status[10]).toBe(0);
      expect(await viewer.request({ type: 'hold', eventId, seats: ['s-1-1'] })).toMatchObject({ code: 'seat_unavailable' });
      const info = await http(again.url, 'GET', `/api/events/${eventId}`);
      expect(info.body.counts).toMatchObject({ sold: 2, held: 0 });
      viewer.close();
    } finally {
      await again.stop();
    }
  });

  it('drains on SIGTERM: exits 0', async () => {
    const local = await startServer(restartEnv());
    expect(await local.stop('SIGTERM')).toBe(0);
  });
});
