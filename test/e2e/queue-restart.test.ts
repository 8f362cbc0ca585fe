// The waiting room keeps its places: across a reconnect (a new connection joins again), across a
// graceful restart (the owner saves the room when it hands the event off) and across a SIGKILL (the
// room saved by the last once-a-second save), on a real server process with real Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;
const clients: TestClient[] = [];
const env = (): Record<string, string> => ({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10' });

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(env());
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  await db?.drop();
});

async function connect(userId: string): Promise<TestClient> {
  const client = await TestClient.connect(server.wsUrl, 'json', await token(userId));
  clients.push(client);
  return client;
}

/** Each user joins again on a fresh connection; their replies in order. */
async function rejoin(users: string[]): Promise<Record<string, unknown>[]> {
  const replies = [];
  for (const user of users) replies.push(await (await connect(user)).request({ type: 'join', eventId: 'wr' }));
  return replies;
}

describe('waiting room places', () => {
  it('survive a reconnect, a graceful restart and a SIGKILL', async () => {
    const admin = await token('root', 'admin');
    const created = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('wr', 2, 5, 10, { queue: { mode: 'on', maxActive: 1 } }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const users = ['ann', 'bob', 'cat', 'dan'];
    const first = await rejoin(users);
    expect(first[0]).toMatchObject({ type: 'admitted' });
    const expiresAt = first[0].expiresAt;
    expect(first.slice(1).map((r) => r.position)).toEqual([1, 2, 3]);

    // Reconnect: a new connection of the same user keeps the place; nobody is added.
    const again = await rejoin(['cat', 'bob']);
    expect(again.map((r) => [r.type, r.position])).toEqual([['queued', 2], ['queued', 1]]);

    // Graceful restart: the room is saved on the way out and found again.
    await server.stop('SIGTERM');
    server = await startServer(env());
    const afterRestart = await rejoin(users);
    expect(afterRestart[0]).toMatchObject({ type: 'admitted', expiresAt });
    expect(afterRestart.slice(1).map((r) => [r.type, r.position])).toEqual([['queued', 1], ['queued', 2], ['queued', 3]]);
    const staff = await token('sam', 'staff');
    expect((await http(server.url, 'GET', '/api/events/wr/queue', { token: staff })).body).toMatchObject({ waiting: 3, active: 1 });

    // bob leaves; after the next save (at most a second), a SIGKILL keeps cat and dan where they moved to.
    expect(await clients[clients.length - 3].request({ type: 'leave', eventId: 'wr' })).toMatchObject({ type: 'left' });
    await new Promise((r) => setTimeout(r, 2_500));
    await server.stop('SIGKILL');
    server = await startServer(env());
    const afterKill = await rejoin(['dan', 'cat', 'ann']);
    expect(afterKill.map((r) => [r.type, r.position])).toEqual([['queued', 2], ['queued', 1], ['admitted', undefined]]);
    expect((await http(server.url, 'GET', '/api/events/wr/queue', { token: staff })).body).toMatchObject({ waiting: 2, active: 1 });
  }, 120_000);
});
