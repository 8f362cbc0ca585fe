// A node joins and another leaves gracefully (SIGTERM) under load: events are handed off, no
// purchase is lost or made twice (idempotency keys), and every viewer's diff stream is gap-free or
// resynchronises to exactly the owner's availability.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { http, smallEvent, token } from '../support/fixtures';
import { startCluster, startNode, waitForRing } from '../support/cluster';
import type { TestNode } from '../support/cluster';
import { expectNoDoubleSale } from '../support/guarantees';
import { startRedis } from '../support/redis-server';
import type { TestRedis } from '../support/redis-server';
import { TestClient } from '../support/ws-client';
import type { Msg } from '../support/ws-client';

let db: TestDatabase;
let redis: TestRedis;
let nodes: TestNode[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedis();
  nodes = await startCluster(2, { DATABASE_URL: db.url, REDIS_URL: redis.url });
}, 120_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  await redis?.stop();
  await db?.drop();
});

/** A viewer that applies diffs to its snapshot and resubscribes on a gap or a new epoch. */
class Viewer {
  status = new Uint8Array(0);
  epoch = -1;
  seq = -1;
  resyncs = 0;
  private resyncing: Promise<void> | null = null;

  constructor(
    readonly client: TestClient,
    readonly eventId: string,
  ) {
    client.socket.on('message', () => this.drain());
  }

  async start(): Promise<void> {
    await this.resync();
  }

  /** Applies queued diff pushes in order. */
  private drain(): void {
    if (this.resyncing) return;
    while (this.client.pushes.length > 0) {
      const push = this.client.pushes.shift()!;
      if (push.type !== 'diff' || push.eventId !== this.eventId) continue;
      const { epoch, seq } = push as unknown as { epoch: number; seq: number };
      if (epoch === this.epoch && seq <= this.seq) continue;
      if (epoch !== this.epoch || seq !== this.seq + 1) {
        this.resyncs++;
        this.resyncing = this.resync().finally(() => {
          this.resyncing = null;
          this.drain();
        });
        return;
      }
      for (const [i, s] of push.changes as number[][]) this.status[i] = s;
      this.seq = seq;
    }
  }

  async resync(): Promise<void> {
    for (;;) {
      const snap = await this.client.request({ type: 'subscribe', eventId: this.eventId }, 20_000);
      if (snap.type === 'snapshot') {
        this.status = (snap.status as Uint8Array).slice();
        this.epoch = snap.epoch as number;
        this.seq = snap.seq as number;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('a node joining and another leaving under load', () => {
  it('hands events off without losing or doubling a purchase, and viewers stay in step', async () => {
    const admin = await token('root', 'admin');
    const events = Array.from({ length: 8 }, (_, i) => `churn-${i}`);
    for (const id of events) {
      const body = smallEvent(id, 10, 10, 50, { maxSeatsPerUser: 100 });
      expect((await http(nodes[0].url, 'POST', '/api/events', { token: admin, body })).status).toBe(201);
    }
    // Viewers on node-1, which stays up all along.
    const viewers: Viewer[] = [];
    for (const eventId of events) {
      const viewer = new Viewer(await TestClient.connect(nodes[0].wsUrl, 'msgpack'), eventId);
      await viewer.start();
      viewers.push(viewer);
    }

    const orders = new Map<string, string>(); // idempotency key → order id
    let answered = 0;
    let phase: 'before' | 'joined' | 'left' = 'before';
    let duringJoin = 0;
    let afterLeave = 0;
    let running = true;
    const buyers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => ({ i, client: await TestClient.connect(nodes[0].wsUrl, 'json', await token(`churner-${i}`)) })),
    );
    const send = async (client: TestClient, message: Record<string, unknown>): Promise<Msg> => {
      for (let attempt = 0; ; attempt++) {
        const reply = await client.request(message, 30_000);
        if (reply.type !== 'error' || !['moved', 'unavailable'].includes(reply.code as string) || attempt > 200) return reply;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const loops = buyers.map(async ({ i, client }) => {
      for (let n = 0; running && n < 80; n++) {
        await new Promise((r) => setTimeout(r, 40));
        const eventId = events[n % events.length];
        const seat = `s-${i + 1}-${Math.floor(n / events.length) + 1}`;
        const held = await send(client, { type: 'hold', eventId, seats: [seat] });
        if (held.type !== 'held') continue;
        const key = `${i}-${n}`;
        const order = await send(client, { type: 'buy', eventId, holdId: held.holdId, idempotencyKey: key });
        answered++;
        if (order.type === 'order') {
          // The same key asked again answers the same order: the purchase happened once.
          const again = await send(client, { type: 'buy', eventId, holdId: held.holdId, idempotencyKey: key });
          expect(again.orderId).toBe(order.orderId);
          orders.set(key, order.orderId as string);
          if (phase === 'joined') duringJoin++;
          if (phase === 'left') afterLeave++;
        }
      }
    });

    await new Promise((r) => setTimeout(r, 300));
    const joiner = await startNode('node-3', { DATABASE_URL: db.url, REDIS_URL: redis.url });
    nodes.push(joiner);
    await waitForRing(nodes, 3);
    phase = 'joined';
    await new Promise((r) => setTimeout(r, 300));
    const leaver = nodes[1];
    expect(await leaver.stop('SIGTERM')).toBe(0);
    nodes = nodes.filter((n) => n !== leaver);
    await waitForRing(nodes, 2);
    phase = 'left';
    const leftAt = orders.size;
    const settleBy = Date.now() + 20_000;
    while (orders.size < leftAt + 10 && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
    running = false;
    await Promise.all(loops);
    // The load really spanned both changes.
    expect(duringJoin).toBeGreaterThan(0);
    expect(afterLeave).toBeGreaterThan(0);
    expect(orders.size).toBeGreaterThan(20);
    expect(answered).toBeGreaterThan(orders.size - 1);

    // Every viewer agrees with a fresh snapshot once the last diffs are in.
    const checker = await TestClient.connect(joiner.wsUrl, 'msgpack');
    for (const viewer of viewers) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const fresh = await checker.request({ type: 'subscribe', eventId: viewer.eventId }, 20_000);
        const same = fresh.type === 'snapshot' && Buffer.compare(Buffer.from(fresh.status as Uint8Array), Buffer.from(viewer.status)) === 0;
        if (same) break;
        if (Date.now() > deadline) throw new Error(`viewer of ${viewer.eventId} drifted (resyncs ${viewer.resyncs})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const rows = await sql.query<{ id: string; idempotency_key: string }>(
        "SELECT id, idempotency_key FROM orders WHERE status = 'confirmed' AND event_id LIKE 'churn-%'",
      );
      const byKey = new Map(rows.rows.map((r) => [r.idempotency_key, r.id]));
      for (const [key, orderId] of orders) expect(byKey.get(key)).toBe(orderId);
      for (const eventId of events) await expectNoDoubleSale(sql, eventId);
    } finally {
      await sql.end();
    }
    for (const c of [checker, ...viewers.map((v) => v.client), ...buyers.map((b) => b.client)]) c.close();
  }, 120_000);
});
