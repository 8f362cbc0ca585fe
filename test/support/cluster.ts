// A cluster of real Aisle node processes on loopback sharing one test database and one Redis.
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from './database';
import type { TestDatabase } from './database';
import { TEST_SECRET, http } from './fixtures';
import { startRedis } from './redis-server';
import type { TestRedis } from './redis-server';
import { startServer } from './server-process';
import type { ServerProcess } from './server-process';
import type { Msg, TestClient } from './ws-client';

/** One node of a test cluster. */
export interface TestNode extends ServerProcess {
  nodeId: string;
}

/** Starts `count` nodes named node-1… with the shared settings in `env`. */
export async function startCluster(count: number, env: Record<string, string>): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  for (let i = 1; i <= count; i++) nodes.push(await startNode(`node-${i}`, env));
  await waitForRing(nodes, count);
  return nodes;
}

/** Starts one more node. */
export async function startNode(nodeId: string, env: Record<string, string>): Promise<TestNode> {
  const server = await startServer({ AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10', ...env, NODE_ID: nodeId }, 60_000);
  return Object.assign(server, { nodeId });
}

/** Waits until every node's /readyz lists `count` members (the rings agree). */
export async function waitForRing(nodes: ServerProcess[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    for (;;) {
      const ready = await http(node.url, 'GET', '/readyz').catch(() => null);
      if (ready?.status === 200 && ready.body.members?.length === count) break;
      if (Date.now() > deadline) throw new Error(`ring did not settle to ${count} members: ${JSON.stringify(ready?.body)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The node id currently serving `eventId` (activating it if needed), asked through `via`. */
export async function ownerOf(via: ServerProcess, eventId: string): Promise<string> {
  const info = await http(via.url, 'GET', `/api/events/${eventId}`);
  if (info.status !== 200) throw new Error(`GET /api/events/${eventId}: ${info.status} ${JSON.stringify(info.body)}`);
  return info.body.owner.nodeId as string;
}

/** A test file's cluster: its own database and Redis, and `count` nodes. */
export interface ClusterFixture {
  db: TestDatabase;
  redis: TestRedis;
  nodes: TestNode[];
}

/**
 * Registers beforeAll/afterAll hooks that start a cluster of `count` nodes (with the settings in `env`) on
 * a database and a Redis of the test file's own, and kill everything afterwards. Read the fields inside tests.
 */
export function useTestCluster(count: number, env: Record<string, string> = {}): ClusterFixture {
  const fixture = {} as ClusterFixture;
  beforeAll(async () => {
    fixture.db = await createTestDatabase();
    fixture.redis = await startRedis();
    fixture.nodes = await startCluster(count, { ...env, DATABASE_URL: fixture.db.url, REDIS_URL: fixture.redis.url });
  }, 120_000);
  afterAll(async () => {
    await Promise.all((fixture.nodes ?? []).map((n) => n.stop('SIGKILL')));
    await fixture.redis?.stop();
    await fixture.db?.drop();
  });
  return fixture;
}

/** Sends `message` until the answer is not `moved`/`unavailable` (what a client SDK does), up to `ms`. */
export async function persist(client: TestClient, message: Record<string, unknown>, ms = 15_000): Promise<Msg> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = await client.request(message, ms);
    const retry = reply.type === 'error' && (reply.code === 'moved' || reply.code === 'unavailable');
    if (!retry || Date.now() > deadline) return reply;
    await new Promise((r) => setTimeout(r, 50));
  }
}
