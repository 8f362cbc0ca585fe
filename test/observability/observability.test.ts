// What operators see: /metrics covers commands by type and outcome, latencies, group commit, actors,
// connections, slow consumers, rate limits and leases; HTTP requests carry a request id back; every line
// the process logs is JSON with the node id.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { metricValue } from '../support/observe';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

let db: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, NODE_ID: 'obs-node', WS_RATE_BURST: '5', WS_RATE_PER_SECOND: '1' });
});

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('metrics', () => {
  it('cover commands, latencies, group commit, actors, connections, slow consumers, rate limits and leases', async () => {
    const admin = await token('root', 'admin');
    expect((await http(server.url, 'POST', '/api/events', { token: admin, body: smallEvent('obs', 2, 10) })).status).toBe(201);
    const alice = await TestClient.connect(server.wsUrl, 'msgpack', await token('alice'));
    const held = await alice.request({ type: 'hold', eventId: 'obs', seats: ['s-1-1'] });
    expect((await alice.request({ type: 'buy', eventId: 'obs', holdId: held.holdId })).type).toBe('order');
    expect((await alice.request({ type: 'hold', eventId: 'obs', seats: ['s-1-1'] })).code).toBe('seat_unavailable');
    // The connection's burst is 5: the rest of these are rate limited.
    await Promise.all(Array.from({ length: 6 }, () => alice.request({ type: 'ping' })));

    const has = async (name: string, labels: Record<string, string> = {}): Promise<number> => metricValue(server.url, name, labels);
    expect(await has('aisle_commands_total', { type: 'HoldSeats', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(await has('aisle_commands_total', { type: 'HoldSeats', outcome: 'seat_unavailable' })).toBeGreaterThanOrEqual(1);
    expect(await has('aisle_ws_requests_total', { type: 'buy', outcome: 'ok' })).toBe(1);
    expect(await has('aisle_ws_request_seconds_count', { type: 'hold' })).toBeGreaterThanOrEqual(2);
    expect(await has('aisle_commit_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(await has('aisle_commit_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(await has('aisle_actors_active')).toBe(1);
    expect(await has('aisle_ws_connections')).toBe(1);
    expect(await has('aisle_rate_limited_total', { scope: 'connection' })).toBeGreaterThanOrEqual(1);
    const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
    for (const name of ['aisle_ws_slow_consumers_dropped_total', 'aisle_ws_connections_refused_total', 'aisle_lease_losses_total', 'aisle_user_rate_limiter_fallbacks_total']) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
    // Leases are renewed every second, single node too (local leases).
    const deadline = Date.now() + 5000;
    while ((await has('aisle_lease_renewals_total', { outcome: 'renewed' })) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await has('aisle_lease_renewals_total', { outcome: 'renewed' })).toBeGreaterThanOrEqual(1);
    alice.close();
  });

  it('say which uWebSockets.js build serves the process, and which was passed over and why', async () => {
    const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
    const serving = [...text.matchAll(/^aisle_uws_build\{package="([^"]+)",version="[^"]+",node_abi="(\d+)"\} 1$/gm)];
    expect(serving.map((m) => m[2])).toEqual([process.versions.modules]);
    const skipped = [...text.matchAll(/^aisle_uws_build_skipped\{package="([^"]+)",version="[^"]+",reason="([^"]+)"\} 1$/gm)];
    // The newer build is tried first: it is either the one serving or the one passed over, with a reason.
    if (serving[0]![1] === '@btc-vision/uwebsockets.js') expect(skipped).toEqual([]);
    else expect(skipped.map((m) => m[1])).toEqual(['@btc-vision/uwebsockets.js']);
  });
});

describe('the Grafana dashboard', () => {
  it('plots only metrics the server has', async () => {
    const dashboard = readFileSync(new URL('../../docker/grafana-dashboard.json', import.meta.url), 'utf8');
    const used = new Set([...dashboard.matchAll(/\b((?:aisle|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|count|sum)$/, '')));
    const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
    for (const name of used) expect(text, name).toContain(`# TYPE ${name} `);
    expect(used.size).toBeGreaterThan(15);
  });
});

describe('request ids and logs', () => {
  it('echoes a sane X-Request-Id, makes one otherwise', async () => {
    const given = await http(server.url, 'GET', '/api/events/missing', { headers: { 'x-request-id': 'req-42' } });
    expect(given.headers.get('x-request-id')).toBe('req-42');
    const forged = await http(server.url, 'GET', '/api/events/missing', { headers: { 'x-request-id': 'a b\u00e9' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await http(server.url, 'GET', '/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs only JSON lines, each with the node id', async () => {
    const lines = server.output().split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry, line).toMatchObject({ nodeId: 'obs-node', level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
    }
  });
});
