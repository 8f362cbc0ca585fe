// Faults of the server process itself under a purchase load (single node; the cluster's kill -9 of an
// owner, paused zombie and Redis restart are in test/cluster): kill -9 and a restart, and SIGTERM with
// purchases in flight (graceful drain). Each ends by checking the guarantees against Postgres.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { expectGuarantees } from '../support/guarantees';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { PurchaseLoad } from './purchase-load';

let db: TestDatabase;
let sql: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

const start = (): Promise<ServerProcess> => startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10' });

async function createEvent(server: ServerProcess, id: string): Promise<void> {
  const body = smallEvent(id, 12, 30, 50, { maxSeatsPerUser: 100 });
  expect((await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body })).status).toBe(201);
}

async function storedOrders(eventId: string): Promise<number> {
  const rows = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM orders WHERE event_id = $1 AND status = 'confirmed'", [eventId]);
  return rows.rows[0].n;
}

describe('process faults under purchase load', () => {
  it('kill -9: every order told survives the restart, nothing is sold twice, purchases go on', async () => {
    let server = await start();
    await createEvent(server, 'kill9');
    const buyers = new PurchaseLoad({ wsUrl: () => server.wsUrl, eventId: 'kill9', buyers: 10, seats: 30, patienceMs: 30_000, prefix: 'kill9' });
    try {
      await buyers.waitForPurchases(30);
      await server.stop('SIGKILL');
      server = await start();
      await buyers.waitForPurchases(30);
    } finally {
      await buyers.stop();
    }
    const { told } = buyers.record;
    const figures = await expectGuarantees(sql, ['kill9'], [...told.keys()]);
    // A purchase whose reply died with the process was asked again with its key and found: every
    // stored order was told to its buyer, and the restarted node counts exactly those seats sold.
    expect(await storedOrders('kill9')).toBe(told.size);
    expect((await http(server.url, 'GET', '/api/events/kill9')).body.counts.sold).toBe(told.size);
    console.log(`FAULT kill -9 and restart: orders checked ${figures.ordersChecked}, lost ${figures.ordersLost}, double sales ${figures.doubleSales}, replies lost with the process ${buyers.record.lostReplies}`);
    await server.stop();
  }, 120_000);

  it('SIGTERM with purchases in flight: they finish, exit 0, every stored order was told', async () => {
    const server = await start();
    await createEvent(server, 'drain');
    // Patience short: once the node is gone, buyers give up instead of waiting for it.
    const buyers = new PurchaseLoad({ wsUrl: () => server.wsUrl, eventId: 'drain', buyers: 16, seats: 30, patienceMs: 3000, prefix: 'drain' });
    await buyers.waitForPurchases(40);
    const code = await server.stop('SIGTERM');
    await buyers.stop();
    expect(code).toBe(0);
    const { told } = buyers.record;
    const figures = await expectGuarantees(sql, ['drain'], [...told.keys()]);
    // Nothing committed behind a buyer's back, nothing told that did not commit.
    expect(await storedOrders('drain')).toBe(told.size);
    expect(server.output()).toContain('drained, bye');
    console.log(`FAULT SIGTERM during load: orders checked ${figures.ordersChecked}, lost ${figures.ordersLost}, double sales ${figures.doubleSales}`);

    // The next start serves the same sales.
    const again = await start();
    try {
      expect((await http(again.url, 'GET', '/api/events/drain')).body.counts.sold).toBe(told.size);
    } finally {
      await again.stop();
    }
  }, 120_000);
});
