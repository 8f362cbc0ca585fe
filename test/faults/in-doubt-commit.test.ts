// A purchase whose commit outcome is unknown is answered with the truth. The server reaches Postgres
// through a proxy that cuts the connection carrying the order statement: once after Postgres has
// committed it (the server never hears so), once before Postgres gets it. No retry window
// (COMMIT_RETRY_MS=0), so a guess would show: the committed one must still be answered `order`, the
// other `unavailable` with its hold kept, and buying that hold again must work. A staff write's
// transaction is cut the same way at its COMMIT: answered done (and applied) or unavailable (and not).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { expectGuarantees } from '../support/guarantees';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { proxyDatabase } from '../support/tcp-proxy';
import type { TcpProxy } from '../support/tcp-proxy';
import { TestClient } from '../support/ws-client';

const EVENT = 'doubt';
/** A fragment of the group commit's statement (src/store/event-store-sql.ts, COMMIT_ORDERS). */
const ORDER_STATEMENT = 'INSERT INTO orders';

let db: TestDatabase;
let proxy: TcpProxy;
let server: ServerProcess;
let sql: pg.Client;
let client: TestClient;

beforeAll(async () => {
  db = await createTestDatabase();
  const viaProxy = await proxyDatabase(db.url);
  proxy = viaProxy.proxy;
  // The schedules' claims are transactions too: kept off the clock here so that the next COMMIT through
  // the proxy is the staff write's.
  const never = '0 0 0 1 1 *';
  server = await startServer({
    DATABASE_URL: viaProxy.url,
    AUTH_SECRET: TEST_SECRET,
    COMMIT_RETRY_MS: '0',
    CRON_SALES_WINDOW: never,
    CRON_OUTBOX_SWEEP: never,
    CRON_PASSIVATION: never,
    CRON_RECONCILIATION: never,
  });
  const admin = await token('root', 'admin');
  const created = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(EVENT) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await http(server.url, 'GET', `/api/events/${EVENT}`)).status).toBe(200);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  client = await TestClient.connect(server.wsUrl, 'json', await token('alice'));
}, 60_000);

afterAll(async () => {
  client?.close();
  await sql?.end();
  await server?.stop('SIGKILL');
  await proxy?.close();
  await db?.drop();
});

async function hold(seat: string): Promise<string> {
  const held = await client.request({ type: 'hold', eventId: EVENT, seats: [seat] });
  expect(held.type, JSON.stringify(held)).toBe('held');
  return held.holdId as string;
}

async function ordersOfHold(holdId: string): Promise<string[]> {
  const rows = await sql.query<{ id: string }>('SELECT id FROM orders WHERE hold_id = $1', [holdId]);
  return rows.rows.map((row) => row.id);
}

describe('a commit whose connection is cut mid-statement', () => {
  it('committed: the buyer hears order, the one stored', async () => {
    const holdId = await hold('s-1-1');
    const cut = proxy.cutOnStatement(ORDER_STATEMENT, 'after-commit');
    const reply = await client.request({ type: 'buy', eventId: EVENT, holdId }, 20_000);
    await cut;
    expect(reply.type, JSON.stringify(reply)).toBe('order');
    expect(await ordersOfHold(holdId)).toEqual([reply.orderId]);
  });

  it('not committed: the buyer hears unavailable, nothing is stored, the hold is kept and buys later', async () => {
    const holdId = await hold('s-1-2');
    const cut = proxy.cutOnStatement(ORDER_STATEMENT, 'before');
    const reply = await client.request({ type: 'buy', eventId: EVENT, holdId }, 20_000);
    await cut;
    expect(reply, JSON.stringify(reply)).toMatchObject({ type: 'error', code: 'unavailable' });
    expect(await ordersOfHold(holdId)).toEqual([]);
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info.body.counts, 'the seat is held again, not sold').toMatchObject({ held: 1, sold: 1 });

    const again = await client.request({ type: 'buy', eventId: EVENT, holdId });
    expect(again.type, JSON.stringify(again)).toBe('order');
    expect(await ordersOfHold(holdId)).toEqual([again.orderId]);
  });

  it('a staff write whose COMMIT went unanswered is answered with what Postgres did', async () => {
    const staff = await token('sam', 'staff');
    const blockedInDb = async (seat: string) =>
      (await sql.query<{ blocked: boolean }>('SELECT count(*) > 0 AS blocked FROM blocked_seats WHERE event_id = $1 AND seat_id = $2', [EVENT, seat])).rows[0].blocked;
    const counts = async () => (await http(server.url, 'GET', `/api/events/${EVENT}`)).body.counts;

    let cut = proxy.cutOnStatement('COMMIT', 'after-commit');
    const done = await http(server.url, 'POST', `/api/events/${EVENT}/block`, { token: staff, body: { seats: ['s-2-1'], blocked: true } });
    await cut;
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await blockedInDb('s-2-1')).toBe(true);
    expect(await counts(), 'the actor blocked it too').toMatchObject({ blocked: 1 });

    cut = proxy.cutOnStatement('COMMIT', 'before');
    const lost = await http(server.url, 'POST', `/api/events/${EVENT}/block`, { token: staff, body: { seats: ['s-2-2'], blocked: true } });
    await cut;
    expect(lost.status, JSON.stringify(lost.body)).toBe(503);
    expect(lost.body).toMatchObject({ error: { code: 'unavailable' } });
    expect(await blockedInDb('s-2-2')).toBe(false);
    expect(await counts(), 'nothing changed').toMatchObject({ blocked: 1 });

    const unblocked = await http(server.url, 'POST', `/api/events/${EVENT}/block`, { token: staff, body: { seats: ['s-2-1'], blocked: false } });
    expect(unblocked.status, JSON.stringify(unblocked.body)).toBe(200);
    expect(await counts()).toMatchObject({ blocked: 0 });
  });

  it('leaves Postgres and the server agreeing', async () => {
    await expectGuarantees(sql, [EVENT], (await sql.query<{ id: string }>('SELECT id FROM orders')).rows.map((r) => r.id));
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info.body.counts).toMatchObject({ sold: 2, held: 0 });
  });
});
