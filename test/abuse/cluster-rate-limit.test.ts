// The per-user rate limit in cluster mode is one limit for the whole cluster: a user flooding two
// nodes at once gets no more than one burst plus the refill, counted in Redis (its own redis-server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../support/cluster';
import type { TestNode } from '../support/cluster';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { http, smallEvent, token } from '../support/fixtures';
import { metricValue } from '../support/observe';
import { startRedis } from '../support/redis-server';
import type { TestRedis } from '../support/redis-server';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let redis: TestRedis;
let nodes: TestNode[];

const RATE = 5;
const BURST = 10;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedis();
  nodes = await startCluster(2, { DATABASE_URL: db.url, REDIS_URL: redis.url, USER_RATE_PER_SECOND: String(RATE), USER_RATE_BURST: String(BURST) });
}, 120_000);

afterAll(async () => {
  await Promise.all((nodes ?? []).map((n) => n.stop('SIGKILL')));
  await redis?.stop();
  await db?.drop();
});

describe('per-user rate limit across nodes', () => {
  it('admits one burst plus the refill for a user spread over two nodes', async () => {
    const admin = await token('root', 'admin');
    expect((await http(nodes[0].url, 'POST', '/api/events', { token: admin, body: smallEvent('crl', 4, 20, 50, { maxSeatsPerUser: 100 }) })).status).toBe(201);
    const userToken = await token('spread');
    const clients = await Promise.all(nodes.map((n, i) => TestClient.connect(n.wsUrl, i ? 'json' : 'msgpack', userToken)));
    // Warm the event (activation) with another user, so the flood measures the limit, not activation.
    const warm = await TestClient.connect(nodes[0].wsUrl, 'msgpack', await token('warm'));
    expect((await warm.request({ type: 'hold', eventId: 'crl', seats: ['s-4-20'] })).type).toBe('held');
    const started = Date.now();
    const replies = await Promise.all(
      clients.flatMap((client, c) => Array.from({ length: 15 }, (_, n) => client.request({ type: 'hold', eventId: 'crl', seats: [`s-${c + 1}-${n + 1}`] }))),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const held = replies.filter((r) => r.type === 'held').length;
    const limited = replies.filter((r) => r.type === 'error' && r.code === 'rate_limited').length;
    expect(held + limited, JSON.stringify(replies.filter((r) => r.type === 'error' && r.code !== 'rate_limited'))).toBe(30);
    expect(held).toBeGreaterThanOrEqual(BURST);
    // Per node alone it would be 2 × BURST.
    expect(held).toBeLessThanOrEqual(BURST + Math.ceil(RATE * elapsedS) + 1);
    const counted = (await Promise.all(nodes.map((n) => metricValue(n.url, 'aisle_rate_limited_total', { scope: 'user' })))).reduce((a, b) => a + b, 0);
    expect(counted).toBe(limited);
    expect((await Promise.all(nodes.map((n) => metricValue(n.url, 'aisle_user_rate_limiter_fallbacks_total')))).reduce((a, b) => a + b, 0)).toBe(0);
    for (const c of [...clients, warm]) c.close();
  }, 60_000);
});
