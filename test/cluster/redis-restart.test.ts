// Redis killed and started again (empty) under a purchase load: the cluster pauses what needs Redis,
// recovers its leases, journal and ring, and never sells a seat twice or loses a confirmed order.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { useTestCluster } from '../support/cluster';
import { expectNoDoubleSale } from '../support/guarantees';
import { TestClient } from '../support/ws-client';
import type { Msg } from '../support/ws-client';

const cluster = useTestCluster(3);

const RETRYABLE = new Set(['moved', 'unavailable']);

describe('a Redis restart under load', () => {
  it('recovers without a double sale or a lost order', async () => {
    const admin = await token('root', 'admin');
    const events = ['rr-a', 'rr-b', 'rr-c', 'rr-d'];
    for (const id of events) {
      const body = smallEvent(id, 10, 20, 50, { maxSeatsPerUser: 100 });
      expect((await http(cluster.nodes[0].url, 'POST', '/api/events', { token: admin, body })).status).toBe(201);
    }
    const confirmed: { eventId: string; orderId: string }[] = [];
    let running = true;
    let retryable = 0;
    const request = async (client: TestClient, message: Record<string, unknown>): Promise<Msg> => {
      for (;;) {
        const reply = await client.request(message, 20_000);
        if (reply.type !== 'error' || !RETRYABLE.has(reply.code as string) || !running) return reply;
        retryable++;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const clients = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => TestClient.connect(cluster.nodes[i % 3].wsUrl, 'msgpack', await token(`rr-${i}`))),
    );
    // Each client buys seats of its own (row i of every event), so competition never refuses them.
    const loops = clients.map(async (client, i) => {
      for (let n = 0; running && n < 20; n++) {
        const eventId = events[n % events.length];
        const seat = `s-${(i % 10) + 1}-${Math.floor(n / events.length) + 1 + (i >= 10 ? 10 : 0)}`;
        const held = await request(client, { type: 'hold', eventId, seats: [seat] });
        if (held.type !== 'held') continue;
        const order = await request(client, { type: 'buy', eventId, holdId: held.holdId, idempotencyKey: `${i}-${n}` });
        if (order.type === 'order') confirmed.push({ eventId, orderId: order.orderId as string });
      }
    });

    await new Promise((r) => setTimeout(r, 500));
    await cluster.redis.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.redis.start();

    // Once Redis is back, every event is served again by some node.
    const probe = await TestClient.connect(cluster.nodes[1].wsUrl, 'json', await token('rr-probe'));
    for (const eventId of events) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const reply = await probe.request({ type: 'subscribe', eventId }, 20_000);
        if (reply.type === 'snapshot') break;
        if (Date.now() > deadline) throw new Error(`${eventId} not served after the restart: ${JSON.stringify(reply)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const afterRestart = await request(probe, { type: 'hold', eventId: events[0], seats: ['s-10-20'] });
    expect(afterRestart, JSON.stringify(afterRestart)).toMatchObject({ type: 'held' });
    running = false;
    await Promise.all(loops);
    console.log(`redis restart: ${confirmed.length} orders confirmed, ${retryable} retryable refusals (moved/unavailable)`);
    expect(confirmed.length).toBeGreaterThan(12);

    const sql = new pg.Client({ connectionString: cluster.db.url });
    await sql.connect();
    try {
      const rows = await sql.query<{ id: string }>("SELECT id FROM orders WHERE status = 'confirmed'");
      const stored = new Set(rows.rows.map((r) => r.id));
      for (const order of confirmed) expect(stored.has(order.orderId)).toBe(true);
      for (const eventId of events) await expectNoDoubleSale(sql, eventId);
    } finally {
      await sql.end();
    }
    for (const c of [probe, ...clients]) c.close();
  }, 120_000);
});
