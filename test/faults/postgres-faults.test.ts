// Postgres faults under a purchase load, on a Postgres cluster of this file's own: stopped (like a
// crash) and started again, restarted within the retry window, made read-only, and out of disk. Each
// ends by checking docs/architecture.md's guarantees against Postgres: every `order` a client heard is a
// committed row, no seat is sold twice, nothing is half-written, the server's view agrees with
// Postgres; and purchases work again once Postgres does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { expectGuarantees } from '../support/guarantees';
import { startPostgres } from '../support/postgres-server';
import type { TestPostgres } from '../support/postgres-server';
import { startServer } from '../support/server-process';
import { requires } from '../support/skips';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';
import { PurchaseLoad } from './purchase-load';

let postgres: TestPostgres;
let databaseUrl: string;
let server: ServerProcess;
let admin: string;

/** How long a purchase waits through an outage before `unavailable` (short, so the tests are). */
const COMMIT_RETRY_MS = 1500;

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase('faults');
  server = await startServer({ DATABASE_URL: databaseUrl, AUTH_SECRET: TEST_SECRET, COMMIT_RETRY_MS: String(COMMIT_RETRY_MS), DIFF_TICK_MS: '10' });
  admin = await token('root', 'admin');
}, 60_000);

afterAll(async () => {
  // A node must survive its database's faults: if it exited on its own, say how.
  if (server && (server.child.exitCode !== null || server.child.signalCode !== null)) console.log(`the server exited (${server.child.exitCode ?? server.child.signalCode}) during the faults:\n${server.output().slice(-8000)}`);
  await server?.stop('SIGKILL');
  await postgres?.destroy();
});

async function createEvent(id: string, rows = 12, seatsPerRow = 30): Promise<void> {
  const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, rows, seatsPerRow, 50, { maxSeatsPerUser: 100 }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  // Activate it now, while Postgres is up (activation claims an epoch there).
  expect((await http(server.url, 'GET', `/api/events/${id}`)).status).toBe(200);
}

function load(eventId: string, patienceMs: number): PurchaseLoad {
  return new PurchaseLoad({ wsUrl: () => server.wsUrl, eventId, buyers: 10, seats: 30, patienceMs, prefix: eventId });
}

/** The guarantees, plus: the server's sold count is Postgres's (no order the server forgot or invented). */
async function checkAfter(eventId: string, told: Map<string, string>, fault: string): Promise<void> {
  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const figures = await expectGuarantees(sql, [eventId], [...told.keys()]);
    const sold = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM order_seats WHERE event_id = $1 AND NOT voided', [eventId]);
    const info = await http(server.url, 'GET', `/api/events/${eventId}`);
    expect(info.body.counts.sold, 'sold seats: server vs Postgres').toBe(sold.rows[0].n);
    expect(sold.rows[0].n).toBe(told.size);
    console.log(`FAULT ${fault}: orders checked ${figures.ordersChecked}, lost ${figures.ordersLost}, double sales ${figures.doubleSales}`);
  } finally {
    await sql.end();
  }
}

describe('Postgres faults under purchase load', () => {
  it('stopped like a crash: nobody hears order without a row; purchases resume when it is back', async () => {
    await createEvent('pg-stop');
    const buyers = load('pg-stop', 60_000);
    await buyers.waitForPurchases(20);
    await postgres.stop('immediate');
    // A purchase asked during the outage waits through the retry window, then answers unavailable and
    // keeps the hold. (Purchases whose batch was on its way when Postgres died are in doubt instead:
    // they are answered once Postgres can say whether they were written, so the load's own buyers may
    // all be waiting, and how many of them answer unavailable meanwhile is a race.)
    const late = await TestClient.connect(server.wsUrl, 'msgpack', await token('stop-buyer'));
    const held = await late.request({ type: 'hold', eventId: 'pg-stop', seats: ['s-12-1'] });
    expect(held.type).toBe('held');
    const asked = Date.now();
    const refused = await late.request({ type: 'buy', eventId: 'pg-stop', holdId: held.holdId, idempotencyKey: 'stop-1' }, COMMIT_RETRY_MS * 4);
    expect(refused, 'a purchase asked during the outage').toMatchObject({ type: 'error', code: 'unavailable' });
    expect(Date.now() - asked, 'it waited for the retry window first').toBeGreaterThanOrEqual(COMMIT_RETRY_MS - 100);
    // Not ready, and the reason names no host, user or driver text.
    const ready = await http(server.url, 'GET', '/readyz');
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 503, body: { ready: false, reason: 'database unreachable' } });
    // The event's page is still served (with its map preload from the cache, or without it).
    const page = await fetch(`${server.url}/events/pg-stop`);
    expect([page.status, (await page.text()).includes('<canvas id="map"')]).toEqual([200, true]);
    await postgres.start();
    await buyers.waitForPurchases(20);
    const record = await buyers.stop();
    expect(record.replies.get('internal') ?? 0).toBe(0);
    // The hold answered unavailable was kept: the same purchase, asked again, goes through now.
    const bought = await late.request({ type: 'buy', eventId: 'pg-stop', holdId: held.holdId, idempotencyKey: 'stop-1' });
    expect(bought).toMatchObject({ type: 'order', seats: ['s-12-1'] });
    late.close();
    const told = new Map([...record.told, [bought.orderId as string, 's-12-1']]);
    await checkAfter('pg-stop', told, 'postgres stopped (immediate) and started');
  }, 120_000);

  it('restarted within the retry window: purchases in flight wait and commit, none fails', async () => {
    await createEvent('pg-restart');
    const buyers = load('pg-restart', 60_000);
    await buyers.waitForPurchases(20);
    const before = buyers.record.replies.get('unavailable') ?? 0;
    await postgres.stop('fast');
    await postgres.start();
    await buyers.waitForPurchases(20);
    const record = await buyers.stop();
    // A fast restart takes well under the server's default COMMIT_RETRY_MS (5 s) but may exceed this
    // file's 1.5 s on a loaded machine: what matters is that nothing failed for good.
    console.log(`postgres restart: ${(record.replies.get('unavailable') ?? 0) - before} unavailable answers, retried`);
    expect(record.replies.get('internal') ?? 0).toBe(0);
    await checkAfter('pg-restart', record.told, 'postgres restarted (fast)');
  }, 120_000);

  it('read-only: purchases answer unavailable, never internal; holds still work; writable again, purchases resume', async () => {
    await createEvent('pg-ro');
    const buyer = await TestClient.connect(server.wsUrl, 'msgpack', await token('ro-buyer'));
    // Row 12: the load's buyers use rows 1 to 10.
    const first = await buyer.request({ type: 'hold', eventId: 'pg-ro', seats: ['s-12-1'] });
    const firstOrder = await buyer.request({ type: 'buy', eventId: 'pg-ro', holdId: first.holdId });
    expect(firstOrder.type).toBe('order');
    const readOnly = async (on: boolean): Promise<void> => {
      // ALTER SYSTEM cannot share a statement string (an implicit transaction) with anything.
      await postgres.sql(on ? 'ALTER SYSTEM SET default_transaction_read_only = on' : 'ALTER SYSTEM RESET default_transaction_read_only');
      // The reload reaches the pool's sessions once the postmaster has passed its signal on, which
      // pg_reload_conf does not wait for.
      await postgres.sql('SELECT pg_reload_conf()');
    };
    await readOnly(true);
    // Orders that went through before the reload reached the server's session (seat → order id).
    const beforeReload = new Map<string, string>();
    let held: Record<string, unknown> = {};
    let heldSeat = '';
    try {
      for (let n = 2; ; n++) {
        expect(n, 'the server still buys 2 s after Postgres turned read-only').toBeLessThanOrEqual(30);
        heldSeat = `s-12-${n}`;
        held = await buyer.request({ type: 'hold', eventId: 'pg-ro', seats: [heldSeat] });
        expect(held.type).toBe('held');
        const reply = await buyer.request({ type: 'buy', eventId: 'pg-ro', holdId: held.holdId, idempotencyKey: `ro-${n}` });
        if (reply.type === 'order') {
          beforeReload.set(reply.orderId as string, heldSeat);
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
        expect(reply.message).not.toMatch(/read-only|25006|postgres/i);
        break;
      }
    } finally {
      await readOnly(false);
    }
    const buyers = load('pg-ro', 30_000);
    await buyers.waitForPurchases(10);
    const record = await buyers.stop();
    // The hold answered unavailable was kept: buying it again with the same key works now.
    const retried = await buyer.request({ type: 'buy', eventId: 'pg-ro', holdId: held.holdId, idempotencyKey: `ro-${heldSeat.slice('s-12-'.length)}` });
    expect(retried).toMatchObject({ type: 'order', seats: [heldSeat] });
    buyer.close();
    const told = new Map([...record.told, ...beforeReload, [firstOrder.orderId as string, 's-12-1'], [retried.orderId as string, heldSeat]]);
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    try {
      await expectGuarantees(sql, ['pg-ro'], [...told.keys()]);
      console.log(`FAULT postgres read-only: orders checked ${told.size}, lost 0, double sales 0`);
    } finally {
      await sql.end();
    }
  }, 120_000);

  const canMount = requires(
    'a tmpfs mount (the out-of-disk case)',
    ((): boolean => {
      const dir = `/tmp/aisle-mount-probe-${process.pid}`;
      try {
        mkdirSync(dir, { recursive: true });
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
        execFileSync('umount', [dir], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })(),
    '`mount -t tmpfs` failed: run as root',
  );

  it.skipIf(!canMount)('out of disk: purchases answer unavailable, never internal; with space again, they resume', async () => {
    await createEvent('pg-full');
    // The event's tables and indexes move to a small tmpfs, which a filler file then fills.
    const volume = join(postgres.dir, '..', `${postgres.dir.split('/').pop()}-full`);
    mkdirSync(volume, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,uid=' + execFileSync('id', ['-u', 'postgres']).toString().trim(), 'tmpfs', volume]);
    try {
      await postgres.sql(`CREATE TABLESPACE small LOCATION '${volume}'`);
      await postgres.sql('ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE small', 'faults');
      await postgres.sql('ALTER INDEX ALL IN TABLESPACE pg_default SET TABLESPACE small', 'faults');
      const filler = join(volume, 'filler');
      const fill = (): void => {
        // Fill in 1 MB pieces until the volume refuses more.
        const chunk = Buffer.alloc(1024 * 1024);
        try {
          for (let i = 0; i < 64; i++) writeFileSync(filler, chunk, { flag: 'a' });
        } catch {
          // ENOSPC: full.
        }
      };
      fill();
      const buyers = load('pg-full', 20_000);
      // Once the last free bytes in existing pages are used, every purchase needs a new page and fails.
      const deadline = Date.now() + 30_000;
      while ((buyers.record.replies.get('unavailable') ?? 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(buyers.record.replies.get('unavailable') ?? 0, 'unavailable answers with the disk full').toBeGreaterThan(0);
      rmSync(filler);
      await buyers.waitForPurchases(10);
      const record = await buyers.stop();
      expect(record.replies.get('internal') ?? 0).toBe(0);
      await checkAfter('pg-full', record.told, 'postgres out of disk');
    } finally {
      await postgres.sql('ALTER TABLE ALL IN TABLESPACE small SET TABLESPACE pg_default', 'faults').catch(() => undefined);
      await postgres.sql('ALTER INDEX ALL IN TABLESPACE small SET TABLESPACE pg_default', 'faults').catch(() => undefined);
      await postgres.sql('DROP TABLESPACE IF EXISTS small').catch(() => undefined);
      execFileSync('umount', ['-l', volume]);
      rmSync(volume, { recursive: true, force: true });
    }
  }, 120_000);
});
