// A single node whose event loop stalls past its lease renewal (a burst of work, here SIGSTOP) keeps
// serving: its leases live in its own memory where no other node can take them, so the commands read
// right after the stall, before the renewal timer runs, are answered and not refused `unavailable`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

/** Longer than a lease is trusted after a renewal in cluster mode (3 s TTL less 0.5 s). */
const STALL_MS = 4_000;

let db: TestDatabase;
let server: ServerProcess;
const clients: TestClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  if (server?.child.signalCode === null) server.child.kill('SIGCONT');
  await server?.stop();
  await db?.drop();
});

async function connect(userId: string): Promise<TestClient> {
  const client = await TestClient.connect(server.wsUrl, 'msgpack', await token(userId));
  clients.push(client);
  return client;
}

describe('single node, event loop stalled past the lease renewal', () => {
  it('answers the join and the hold read right after the stall', async () => {
    const admin = await token('root', 'admin');
    const created = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('stall', 2, 5, 10, { queue: { mode: 'on', maxActive: 1 } }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ann = await connect('ann');
    const bob = await connect('bob');
    // The event's actor is live (and its lease taken) before the stall.
    expect(await ann.request({ type: 'join', eventId: 'stall' })).toMatchObject({ type: 'admitted' });

    server.child.kill('SIGSTOP');
    const joined = bob.request({ type: 'join', eventId: 'stall' }, 30_000);
    const held = ann.request({ type: 'hold', eventId: 'stall', seats: ['s-1-1'] }, 30_000);
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    server.child.kill('SIGCONT');

    expect(await joined).toMatchObject({ type: 'queued', position: 1 });
    expect(await held).toMatchObject({ type: 'held', seats: ['s-1-1'] });
  }, 60_000);
});
