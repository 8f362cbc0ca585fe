// kill -9 of an event's owner during a purchase load: another node serves the event within the lease
// TTL plus activation, every confirmed order is in Postgres, no seat is sold twice, and every
// acknowledged hold is still held by its user.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, persist, useTestCluster } from '../support/cluster';
import { expectNoDoubleSale } from '../support/guarantees';
import { TestClient } from '../support/ws-client';


const cluster = useTestCluster(3);


describe('failover', () => {
  it('serves the event again after kill -9 of its owner, losing no order and no acknowledged hold', async () => {
    const eventId = 'fo';
    const admin = await token('root', 'admin');
    const body = smallEvent(eventId, 20, 20, 100, { maxSeatsPerUser: 100 });
    expect((await http(cluster.nodes[0].url, 'POST', '/api/events', { token: admin, body })).status).toBe(201);
    const ownerId = await ownerOf(cluster.nodes[0], eventId);
    const owner = cluster.nodes.find((n) => n.nodeId === ownerId)!;
    const survivors = cluster.nodes.filter((n) => n !== owner);

    // Holds acknowledged before the crash, kept (not bought): they must survive it.
    const keepers: { client: TestClient; holdId: string; seat: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const client = await TestClient.connect(survivors[i % 2].wsUrl, 'msgpack', await token(`keeper-${i}`));
      const seat = `s-20-${i + 1}`;
      const held = await client.request({ type: 'hold', eventId, seats: [seat] });
      expect(held.type).toBe('held');
      keepers.push({ client, holdId: held.holdId as string, seat });
    }

    // Buyers on the survivors: hold one seat of their own row, buy it with an idempotency key.
    const confirmed: { orderId: string; seat: string }[] = [];
    let running = true;
    const buyers = await Promise.all(
      Array.from({ length: 16 }, async (_, b) => ({
        b,
        client: await TestClient.connect(survivors[b % 2].wsUrl, b % 2 ? 'json' : 'msgpack', await token(`buyer-${b}`)),
      })),
    );
    const loops = buyers.map(async ({ b, client }) => {
      for (let n = 0; running && n < 20; n++) {
        const seat = `s-${b + 1}-${n + 1}`;
        const held = await persist(client, { type: 'hold', eventId, seats: [seat] });
        if (held.type !== 'held') {
          expect(held.code, JSON.stringify(held)).toBe('seat_unavailable');
          continue;
        }
        const order = await persist(client, { type: 'buy', eventId, holdId: held.holdId, idempotencyKey: `k-${b}-${n}` });
        if (order.type === 'order') confirmed.push({ orderId: order.orderId as string, seat });
        else expect(['hold_not_found', 'hold_expired']).toContain(order.code);
      }
    });

    await new Promise((r) => setTimeout(r, 400));
    const killedAt = Date.now();
    await owner.stop('SIGKILL');

    // A probe on a survivor measures when the event is served again.
    const probe = await TestClient.connect(survivors[0].wsUrl, 'json', await token('probe'));
    let servedAt = 0;
    for (let i = 0; !servedAt; i++) {
      const reply = await probe.request({ type: 'hold', eventId, seats: [`s-19-${(i % 20) + 1}`] }, 20_000);
      if (reply.type === 'held') servedAt = Date.now();
      else expect(['moved', 'unavailable', 'seat_unavailable'], JSON.stringify(reply)).toContain(reply.code);
      if (Date.now() - killedAt > 20_000) throw new Error('event not served again within 20 s');
    }
    const failoverMs = servedAt - killedAt;
    console.log(`failover: event served again ${failoverMs} ms after kill -9 of its owner (lease TTL 3000 ms)`);
    expect(failoverMs).toBeLessThan(10_000);

    running = false;
    await Promise.all(loops);
    expect(confirmed.length).toBeGreaterThan(16);

    // Every acknowledged hold is still its user's.
    for (const keeper of keepers) {
      const extended = await persist(keeper.client, { type: 'extend', eventId, holdId: keeper.holdId });
      expect(extended, JSON.stringify(extended)).toMatchObject({ type: 'held', seats: [keeper.seat] });
    }

    const sql = new pg.Client({ connectionString: cluster.db.url });
    await sql.connect();
    try {
      const rows = await sql.query<{ id: string }>("SELECT id FROM orders WHERE event_id = $1 AND status = 'confirmed'", [eventId]);
      const stored = new Set(rows.rows.map((r) => r.id));
      for (const order of confirmed) expect(stored.has(order.orderId), order.orderId).toBe(true);
      await expectNoDoubleSale(sql, eventId);
    } finally {
      await sql.end();
    }
    for (const c of [probe, ...keepers.map((k) => k.client), ...buyers.map((b) => b.client)]) c.close();
  }, 90_000);
});
