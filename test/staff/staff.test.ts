// Staff and admin over a real server process, real Postgres and real WebSocket clients: event edits
// during a live sale, drafts and archives, the holds list and force release, the audit trail, and
// the orders CSV of a 100,000-order event streamed in constant memory.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import type { ServerProcess } from '../support/server-process';
import { useStaffServer } from '../support/staff-server';
import { TestClient } from '../support/ws-client';

/** How much more an export of ten times the rows may grow the server (RSS) than the smaller one. */
const CSV_MEMORY_MARGIN = 16 * 2 ** 20;

// The server can be told to collect its garbage (SIGUSR2, the bench's preload), so the export's memory
// is read as what it keeps alive, not whatever garbage a busy machine let pile up before a collection.
const GC_PRELOAD = resolve(import.meta.dirname, '../../bench/system/gc-on-signal.cjs');
const context = useStaffServer({ NODE_OPTIONS: `--expose-gc --require ${GC_PRELOAD}` });
let server: ServerProcess;
let admin: string;
let staff: string;
let sql: pg.Pool;

beforeAll(() => {
  ({ server, admin, staff, sql } = context);
});

async function createEvent(id: string, extra: Record<string, unknown> = {}, capacity = 50): Promise<void> {
  const res = await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, 3, 10, capacity, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function customer(userId: string): Promise<TestClient> {
  return TestClient.connect(server.wsUrl, 'json', await token(userId));
}

describe('event edits', () => {
  it('a PATCH during a live sale reaches viewers without a reload and leaves holds and orders as they were', async () => {
    await createEvent('live');
    const viewer = await TestClient.connect(server.wsUrl, 'msgpack');
    const snapshot = await viewer.request({ type: 'subscribe', eventId: 'live' });
    const alice = await customer('alice');
    const held = await alice.request({ type: 'hold', eventId: 'live', seats: ['s-1-1', 's-1-2'] });
    expect(held.type).toBe('held');
    const bought = await alice.request({ type: 'hold', eventId: 'live', seats: ['s-2-1'] });
    const order = await alice.request({ type: 'buy', eventId: 'live', holdId: bought.holdId });
    expect(order).toMatchObject({ type: 'order', total: 5000 });

    const edited = await http(server.url, 'PATCH', '/api/events/live', {
      token: admin,
      body: { name: 'Live, moved', startsAt: '2030-02-02T21:00:00Z', holdTtlSeconds: 300, categories: [{ id: 'ga', price: 3500 }] },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Live, moved', startsAt: '2030-02-02T21:00:00Z', holdTtlSeconds: 300 });
    const pushed = await viewer.waitForPush((m) => m.type === 'diff' && m.event !== undefined);
    expect(pushed.event).toMatchObject({ name: 'Live, moved', startsAt: '2030-02-02T21:00:00Z', status: 'on_sale' });
    expect((pushed.seq as number) > (snapshot.seq as number)).toBe(true);

    // Holds and orders are untouched: the hold keeps its expiry and can still be bought at the old price.
    const holds = await http(server.url, 'GET', '/api/events/live/holds', { token: staff });
    expect(holds.body.holds).toContainEqual(expect.objectContaining({ holdId: held.holdId, userId: 'alice', expiresAt: held.expiresAt }));
    const second = await alice.request({ type: 'buy', eventId: 'live', holdId: held.holdId });
    expect(second).toMatchObject({ type: 'order', total: 10_000 });
    expect((await http(server.url, 'GET', `/api/orders/${order.orderId}`, { token: staff })).body.status).toBe('confirmed');

    // Every reader sees the edit: details, listing, map (new ETag).
    expect((await http(server.url, 'GET', '/api/events/live')).body).toMatchObject({ name: 'Live, moved', startsAt: '2030-02-02T21:00:00Z' });
    const map = await http(server.url, 'GET', '/api/events/live/map');
    expect(map.body.categories).toContainEqual({ id: 'ga', name: 'Floor', price: 3500 });

    // A sold category's price is fixed; bad input changes nothing.
    const refused = await http(server.url, 'PATCH', '/api/events/live', { token: admin, body: { categories: [{ id: 'std', price: 1 }] } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const badTime = await http(server.url, 'PATCH', '/api/events/live', { token: admin, body: { salesOpenAt: '2030-03-01T00:00:00Z', salesCloseAt: '2030-01-01T00:00:00Z' } });
    expect(badTime).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(badTime.body.error.message).toContain('salesCloseAt');
    expect((await http(server.url, 'PATCH', '/api/events/live', { token: admin, body: { seats: [] } })).status).toBe(400);
    expect((await http(server.url, 'PATCH', '/api/events/live', { token: staff, body: { name: 'x' } })).status).toBe(403);
    expect((await http(server.url, 'GET', '/api/events/live/map')).body.categories).toContainEqual({ id: 'std', name: 'Standard', price: 5000 });
    viewer.close();
    alice.close();
  });

  it('a draft is seen by staff only and refuses holds until published; an archived event leaves the list', async () => {
    await createEvent('draft', { draft: true });
    expect((await http(server.url, 'GET', '/api/events/draft')).status).toBe(404);
    expect((await http(server.url, 'GET', '/api/events')).body.map((e: { id: string }) => e.id)).not.toContain('draft');
    expect((await http(server.url, 'GET', '/api/events/draft', { token: staff })).body.status).toBe('draft');
    const bob = await customer('bob');
    expect(await bob.request({ type: 'hold', eventId: 'draft', seats: ['s-1-1'] })).toMatchObject({ type: 'error', code: 'sales_closed' });
    expect((await http(server.url, 'PATCH', '/api/events/draft', { token: admin, body: { draft: false } })).status).toBe(200);
    expect(await bob.request({ type: 'hold', eventId: 'draft', seats: ['s-1-1'] })).toMatchObject({ type: 'held' });
    expect((await http(server.url, 'PATCH', '/api/events/draft', { token: admin, body: { archived: true } })).body.lifecycle).toBe('archived');
    expect((await http(server.url, 'GET', '/api/events', { token: staff })).body.map((e: { id: string }) => e.id)).not.toContain('draft');
    const all = await http(server.url, 'GET', '/api/events?archived=true', { token: staff });
    expect(all.body).toContainEqual(expect.objectContaining({ id: 'draft', lifecycle: 'archived' }));
    bob.close();
  });
});

describe('holds under control', () => {
  it('staff see who holds what and force release pushes expired to the owner', async () => {
    await createEvent('holds');
    const carol = await customer('carol');
    const other = await customer('carol'); // the owner's other connection gets the push too
    await other.request({ type: 'ping' });
    const held = await carol.request({ type: 'hold', eventId: 'holds', seats: ['s-1-5'] });
    await carol.request({ type: 'extend', eventId: 'holds', holdId: held.holdId });
    const listed = await http(server.url, 'GET', '/api/events/holds/holds', { token: staff });
    expect(listed.body.holds).toEqual([
      expect.objectContaining({ holdId: held.holdId, userId: 'carol', seats: ['s-1-5'], extensions: 1, buying: false }),
    ]);
    expect((await http(server.url, 'GET', '/api/events/holds/holds', { token: await token('carol') })).status).toBe(403);

    const released = await http(server.url, 'DELETE', `/api/events/holds/holds/${held.holdId}`, { token: staff });
    expect(released).toMatchObject({ status: 200, body: { holdId: held.holdId, userId: 'carol', seats: ['s-1-5'] } });
    for (const c of [carol, other]) {
      expect(await c.waitForPush((m) => m.type === 'expired')).toMatchObject({ eventId: 'holds', holdId: held.holdId });
    }
    expect((await http(server.url, 'GET', '/api/events/holds')).body.counts.held).toBe(0);
    expect(await carol.request({ type: 'buy', eventId: 'holds', holdId: held.holdId })).toMatchObject({ type: 'error', code: 'hold_not_found' });
    expect((await http(server.url, 'DELETE', `/api/events/holds/holds/${held.holdId}`, { token: staff })).status).toBe(404);
    carol.close();
    other.close();
  });
});

describe('audit trail', () => {
  it('every staff and admin action is listed with its actor, newest first, paged', async () => {
    await createEvent('audited');
    const dave = await customer('dave');
    const held = await dave.request({ type: 'hold', eventId: 'audited', seats: ['s-1-1'] });
    const bought = await dave.request({ type: 'hold', eventId: 'audited', seats: ['s-3-3'] });
    const order = await dave.request({ type: 'buy', eventId: 'audited', holdId: bought.holdId });
    const kim = await token('kim', 'staff');
    const steps: [string, string, Record<string, unknown> | undefined, string][] = [
      ['POST', '/api/events/audited/sales', { open: false }, 'sales.pause'],
      ['POST', '/api/events/audited/sales', { open: true }, 'sales.open'],
      ['POST', '/api/events/audited/block', { seats: ['s-2-2'], blocked: true }, 'seats.block'],
      ['POST', '/api/events/audited/block', { seats: ['s-2-2'], blocked: false }, 'seats.unblock'],
      ['DELETE', `/api/events/audited/holds/${held.holdId}`, undefined, 'hold.force_release'],
      ['POST', `/api/orders/${order.orderId}/cancel`, undefined, 'order.cancel'],
    ];
    for (const [method, path, body] of steps) {
      const res = await http(server.url, method, path, { token: kim, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expect((await http(server.url, 'PATCH', '/api/events/audited', { token: admin, body: { name: 'Audited' } })).status).toBe(200);

    const first = await http(server.url, 'GET', '/api/events/audited/audit?limit=4', { token: staff });
    const second = await http(server.url, 'GET', `/api/events/audited/audit?limit=10&before=${first.body.next}`, { token: staff });
    const entries = [...first.body.entries, ...second.body.entries];
    expect(second.body.next).toBeNull();
    expect(entries.map((e: { action: string }) => e.action)).toEqual(
      ['event.update', ...steps.map((s) => s[3]).reverse(), 'event.create'],
    );
    expect(entries[0].actor).toEqual({ userId: 'root', role: 'admin' });
    expect(entries.slice(1, 7).every((e: { actor: { userId: string } }) => e.actor.userId === 'kim')).toBe(true);
    expect(entries.find((e: { action: string }) => e.action === 'hold.force_release')).toMatchObject({ target: held.holdId, details: { owner: 'dave' } });
    expect(entries.find((e: { action: string }) => e.action === 'order.cancel')).toMatchObject({ target: order.orderId });
    expect(Date.parse(entries[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await http(server.url, 'GET', '/api/audit?eventId=audited&limit=1', { token: staff })).body.entries[0].action).toBe('event.update');
    expect((await http(server.url, 'GET', '/api/events/audited/audit', { token: await token('dave') })).status).toBe(403);
    expect((await http(server.url, 'GET', '/api/events/audited/audit?before=abc', { token: staff })).status).toBe(400);
    dave.close();
  });
});

describe('exports', () => {
  it('orders.csv of an event with 100,000 orders streams in constant memory, one line per seat or place', async () => {
    const orders = Number(process.env.STAFF_CSV_ORDERS ?? 100_000);
    await createEvent('big', {}, orders * 2);
    await createEvent('big-other', {}, orders);
    // Orders written straight into Postgres (the triggers of the lean order schema keep area counts).
    const insert = (eventId: string, count: number): Promise<unknown> => sql.query(
      `INSERT INTO orders (id, event_id, user_id, hold_id, total, created_at, seats, areas)
       SELECT 'o_' || $1 || '_' || g, $1, 'user' || (g % 977), 'h_' || $1 || '_' || g, 6000, now(), '[]'::jsonb, '{"floor": 2}'::jsonb
       FROM generate_series(1, $2::int) AS g`,
      [eventId, count],
    );
    const small = orders / 10;
    await insert('big', orders);
    await insert('big-other', small);
    // Memory is read from the server process itself while it streams. A first export warms up what any
    // export grows once (modules, JIT, pools, V8's heap reaching its working size); then the same export
    // and one of ten times the rows are measured: constant memory means the second grows the process no
    // more than the first plus a margin that does not depend on the row count.
    const capped = server;
    // RSS of the server right after a full collection (written by the preload on SIGUSR2).
    const memoryFile = join(tmpdir(), `aisle-bench-memory-${capped.child.pid}.json`);
    const rss = async (): Promise<number> => {
      rmSync(memoryFile, { force: true });
      capped.child.kill('SIGUSR2');
      for (let waited = 0; !existsSync(memoryFile); waited += 10) {
        if (waited > 10_000) throw new Error('the server did not report its memory');
        await new Promise((r) => setTimeout(r, 10));
      }
      for (;;) {
        try {
          return (JSON.parse(readFileSync(memoryFile, 'utf8')) as { rss: number }).rss;
        } catch {
          await new Promise((r) => setTimeout(r, 10)); // written but not complete yet
        }
      }
    };
    const csv = (eventId: string, auth = staff): Promise<Response> =>
      fetch(`${capped.url}/api/events/${eventId}/orders.csv`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} });
    const measure = async (eventId: string): Promise<{ growth: number; bytes: number; lines: number; head: string }> => {
      const before = await rss();
      let peak = before;
      const response = await csv(eventId);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      // Read slowly at first: a server that did not wait for the socket would hold the whole file meanwhile.
      const reader = response.body!.getReader();
      let bytes = 0;
      let lines = 0;
      let head = '';
      let chunks = 0;
      let sampleAt = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks += 1;
        bytes += value.byteLength;
        for (const byte of value) if (byte === 10) lines += 1;
        if (head.length < 400) head += new TextDecoder().decode(value.subarray(0, 400));
        if (bytes >= sampleAt) {
          sampleAt += 2 * 2 ** 20; // one collection and reading per 2 MiB streamed
          peak = Math.max(peak, await rss());
        }
        if (chunks < 10) await new Promise((r) => setTimeout(r, 100));
      }
      return { growth: Math.max(peak, await rss()) - before, bytes, lines, head };
    };
    expect((await measure('big-other')).lines).toBe(1 + 2 * small);
    const smallRun = await measure('big-other');
    const bigRun = await measure('big');
    const { lines, head, bytes } = bigRun;
    expect(lines).toBe(1 + 2 * orders);
    expect(head.split('\n')[0]).toBe('order_id,created_at,status,user_id,seat_id,area_id,section,row,number,category,tier,price,fee,order_total,ticket_code,ticket_status');
    expect(head.split('\n')[1]).toMatch(/^o_big_1,\d{4}-\d\d-\d\dT[^,]+Z,confirmed,user1,,floor,,,,ga,,3000,0,6000,t1\.o_big_1\.a0~[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+,valid$/);
    expect(bytes).toBeGreaterThan(200 * orders);
    expect(bigRun.growth - smallRun.growth, `RSS grew ${bigRun.growth} bytes for ${orders} orders, ${smallRun.growth} for ${small}`).toBeLessThan(CSV_MEMORY_MARGIN);
    console.log(`orders.csv: the server grew ${bigRun.growth} B streaming ${orders} orders, ${smallRun.growth} B for ${small}`);

    const summary = await http(server.url, 'GET', '/api/events/big/summary', { token: staff });
    expect(summary.body).toMatchObject({ orders, tickets: 2 * orders, revenue: 6000 * orders });
    expect(summary.body.categories).toContainEqual(expect.objectContaining({ category: 'ga', sold: 2 * orders, revenue: 6000 * orders }));
    expect((await csv('big', '')).status).toBe(401);
  }, 240_000);
});
