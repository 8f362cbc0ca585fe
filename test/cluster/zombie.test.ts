// A paused owner (SIGSTOP) past its lease: another node takes the event over with a new epoch; when
// the old owner resumes (SIGCONT), its late commit is refused by the epoch check, its client is told
// `moved`, and the purchase then goes through the new owner exactly once.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, startNode, waitForRing } from '../support/cluster';
import type { TestNode } from '../support/cluster';
import { expectNoDoubleSale } from '../support/guarantees';
import { metricValue } from '../support/observe';
import { startRedis } from '../support/redis-server';
import type { TestRedis } from '../support/redis-server';
import { proxyDatabase } from '../support/tcp-proxy';
import type { TcpProxy } from '../support/tcp-proxy';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let redis: TestRedis;
let proxy: TcpProxy;
let nodes: TestNode[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedis();
  const viaProxy = await proxyDatabase(db.url);
  proxy = viaProxy.proxy;
  const env = { REDIS_URL: redis.url };
  nodes = [
    await startNode('node-1', { ...env, DATABASE_URL: db.url }),
    await startNode('node-2', { ...env, DATABASE_URL: db.url }),
    // The node that will be paused reaches Postgres through the proxy the test controls.
    await startNode('node-3', { ...env, DATABASE_URL: viaProxy.url }),
  ];
  await waitForRing(nodes, 3);
}, 120_000);

afterAll(async () => {
  for (const node of nodes) {
    node.child.kill('SIGCONT');
    await node.stop('SIGKILL');
  }
  await proxy?.close();
  await redis?.stop();
  await db?.drop();
});

describe('a paused owner', () => {
  it('cannot commit after its lease ran out: the epoch check refuses it and its client is told moved', async () => {
    const zombie = nodes[2];
    const admin = await token('root', 'admin');
    // Find an event that the ring gives to the node that will be paused.
    let eventId = '';
    for (let i = 0; !eventId; i++) {
      const id = `zombie-${i}`;
      expect((await http(nodes[0].url, 'POST', '/api/events', { token: admin, body: smallEvent(id, 2, 10) })).status).toBe(201);
      if ((await ownerOf(nodes[0], id)) === zombie.nodeId) eventId = id;
    }
    const client = await TestClient.connect(zombie.wsUrl, 'msgpack', await token('zed'));
    const held = await client.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2'] });
    expect(held.type).toBe('held');
    const refusedBefore = await metricValue(zombie.url, 'aisle_commit_epoch_refusals_total');

    // The purchase's commit statement leaves the zombie but is held in the proxy (its other
    // connections work on); then the zombie freezes.
    const commitHeld = proxy.holdStatement('INSERT INTO orders');
    const reply = client.request({ type: 'buy', eventId, holdId: held.holdId, idempotencyKey: 'once' }, 60_000);
    await Promise.race([
      commitHeld,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the commit never reached the proxy')), 10_000)),
    ]);
    zombie.child.kill('SIGSTOP');

    // Another node takes over once the lease runs out (it reaches Postgres directly).
    const other = await TestClient.connect(nodes[0].wsUrl, 'json', await token('olga'));
    const takeoverDeadline = Date.now() + 20_000;
    for (;;) {
      const probe = await other.request({ type: 'hold', eventId, seats: ['s-2-1'] }, 20_000);
      if (probe.type === 'held') break;
      expect(['moved', 'unavailable']).toContain(probe.code);
      if (Date.now() > takeoverDeadline) throw new Error('no takeover');
      await new Promise((r) => setTimeout(r, 100));
    }
    const newOwner = await ownerOf(nodes[0], eventId);
    expect(newOwner).not.toBe(zombie.nodeId);

    // The zombie wakes up; its commit finally reaches Postgres, after the new owner's claim.
    proxy.release();
    zombie.child.kill('SIGCONT');
    const late = await reply;
    // Refused by the epoch check, and the zombie says so: its counter of orders the check refused
    // moved by exactly this one purchase, and its client was told `moved`.
    expect(late, JSON.stringify(late)).toMatchObject({ type: 'error', code: 'moved' });
    expect(await metricValue(zombie.url, 'aisle_commit_epoch_refusals_total')).toBe(refusedBefore + 1);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const before = await sql.query('SELECT id FROM orders WHERE event_id = $1', [eventId]);
      expect(before.rows).toEqual([]);
      // The client retries with the same key; the new owner restored its hold from the journal.
      let order = late;
      for (let i = 0; i < 100 && order.type !== 'order'; i++) {
        order = await client.request({ type: 'buy', eventId, holdId: held.holdId, idempotencyKey: 'once' }, 20_000);
        if (order.type !== 'order') await new Promise((r) => setTimeout(r, 100));
      }
      expect(order, JSON.stringify(order)).toMatchObject({ type: 'order', seats: ['s-1-1', 's-1-2'] });
      const after = await sql.query('SELECT id FROM orders WHERE event_id = $1', [eventId]);
      expect(after.rows).toEqual([{ id: order.orderId }]);
      await expectNoDoubleSale(sql, eventId);
    } finally {
      await sql.end();
      client.close();
      other.close();
    }
  }, 120_000);
});
