// The waiting room's staff side over a real server process and Postgres: GET /api/events/:id/queue
// reports the live room, and PATCH /api/events/:id `queue` reaches it at once (places kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;
let admin: string;
let staff: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10' });
  admin = await token('root', 'admin');
  staff = await token('sam', 'staff');
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  await db?.drop();
});

async function customer(userId: string): Promise<TestClient> {
  const client = await TestClient.connect(server.wsUrl, 'json', await token(userId));
  clients.push(client);
  return client;
}

const queueOf = async (id: string) => http(server.url, 'GET', `/api/events/${id}/queue`, { token: staff });

describe('waiting room for staff', () => {
  it('reports the live room and applies PATCH queue settings to it at once', async () => {
    const created = await http(server.url, 'POST', '/api/events', {
      token: admin,
      body: smallEvent('wr', 3, 10, 50, { queue: { mode: 'on', maxActive: 1 } }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ann = await customer('ann');
    const bob = await customer('bob');
    const cat = await customer('cat');
    expect(await ann.request({ type: 'join', eventId: 'wr' })).toMatchObject({ type: 'admitted' });
    expect(await bob.request({ type: 'join', eventId: 'wr' })).toMatchObject({ type: 'queued', position: 1, ahead: 0 });
    expect(await cat.request({ type: 'join', eventId: 'wr' })).toMatchObject({ type: 'queued', position: 2, ahead: 1 });
    expect(await cat.request({ type: 'hold', eventId: 'wr', seats: ['s-1-1'] })).toMatchObject({ type: 'error', code: 'queue_required' });

    const before = await queueOf('wr');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ mode: 'on', status: 'open', waiting: 2, active: 1, admitted: 1, admittedLastMinute: 1, maxActive: 1, openAt: null });
    expect(before.body.lastInLineEtaSeconds).toBeGreaterThan(0);
    // Customers cannot read it; an unknown event is 404.
    expect((await http(server.url, 'GET', '/api/events/wr/queue', { token: await token('ann') })).status).toBe(403);
    expect((await http(server.url, 'GET', '/api/events/nope/queue', { token: staff })).status).toBe(404);

    // Bad settings: refused, nothing changes.
    for (const queue of [{ maxActive: 0 }, { mode: 'maybe' }, { admitPerMinute: 1.5 }, { colour: 'red' }, { openAt: 'soon' }]) {
      const refused = await http(server.url, 'PATCH', '/api/events/wr', { token: admin, body: { queue } });
      expect(refused.status, JSON.stringify(queue)).toBe(400);
    }
    expect((await queueOf('wr')).body).toMatchObject({ waiting: 2, active: 1, maxActive: 1 });
    expect((await http(server.url, 'PATCH', '/api/events/wr', { token: staff, body: { queue: { maxActive: 5 } } })).status).toBe(403);

    // Room for one more: bob is admitted at once, cat moves up; only maxActive changed.
    const edited = await http(server.url, 'PATCH', '/api/events/wr', { token: admin, body: { queue: { maxActive: 2, admitPerMinute: 100 } } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.queue).toEqual({ mode: 'on', maxActive: 2, admitPerMinute: 100, admissionTtlSeconds: 900 });
    await bob.waitForPush((m) => m.type === 'admitted' && m.eventId === 'wr');
    await cat.waitForPush((m) => m.type === 'queue' && m.position === 1, 5_000);
    expect((await queueOf('wr')).body).toMatchObject({ waiting: 1, active: 2, admitted: 2, maxActive: 2, admitPerMinute: 100 });
    expect(await bob.request({ type: 'hold', eventId: 'wr', seats: ['s-1-1'] })).toMatchObject({ type: 'held' });

    // A limit removed with null; then the room switched off admits everyone waiting.
    const unlimited = await http(server.url, 'PATCH', '/api/events/wr', { token: admin, body: { queue: { admitPerMinute: null } } });
    expect(unlimited.body.queue).toEqual({ mode: 'on', maxActive: 2, admissionTtlSeconds: 900 });
    expect((await http(server.url, 'PATCH', '/api/events/wr', { token: admin, body: { queue: { mode: 'off' } } })).status).toBe(200);
    await cat.waitForPush((m) => m.type === 'admitted' && m.eventId === 'wr');
    expect((await queueOf('wr')).body).toMatchObject({ mode: 'off', waiting: 0 });
    expect(await cat.request({ type: 'hold', eventId: 'wr', seats: ['s-1-2'] })).toMatchObject({ type: 'held' });
    // The edit is stored: the definition carries it.
    expect((await http(server.url, 'GET', '/api/events/wr', { token: staff })).status).toBe(200);
  }, 60_000);

  it('turns the room on for an event created without one: later holds need an admission', async () => {
    expect((await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('plain', 2, 5) })).status).toBe(201);
    const dan = await customer('dan');
    expect(await dan.request({ type: 'hold', eventId: 'plain', seats: ['s-1-1'] })).toMatchObject({ type: 'held' });
    const on = await http(server.url, 'PATCH', '/api/events/plain', { token: admin, body: { queue: { mode: 'on', maxActive: 1 } } });
    expect(on.body.queue).toEqual({ mode: 'on', maxActive: 1, admissionTtlSeconds: 900 });
    const eve = await customer('eve');
    expect(await eve.request({ type: 'hold', eventId: 'plain', seats: ['s-1-2'] })).toMatchObject({ type: 'error', code: 'queue_required' });
    expect(await eve.request({ type: 'join', eventId: 'plain' })).toMatchObject({ type: 'admitted' });
    expect((await queueOf('plain')).body).toMatchObject({ mode: 'on', active: 1, waiting: 0 });
  }, 60_000);
});
