// The cluster contracts on the Redis implementations (shared Redis at 127.0.0.1:6379, a random key
// prefix for this file, each membership test under a prefix of its own), plus what only Redis can
// show: notices faster than the heartbeat, scripts reloaded after SCRIPT FLUSH, and a Redis restart
// (a redis-server of this file's own, killed and started again) during which calls fail fast and after
// which everything heals.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../test/support/redis-server';
import type { TestRedis } from '../../test/support/redis-server';
import { freePort } from '../../test/support/server-process';
import type { DiffPush } from '../actor/event-service';
import { waitUntil } from './cluster-test-support';
import { ClusterUnavailableError } from './cluster-unavailable-error';
import { diffBusContract } from './diff-bus.contract';
import { holdJournalContract } from './hold-journal.contract';
import { leaseStoreContract } from './lease-store.contract';
import type { Membership } from './membership';
import { membershipContract } from './membership.contract';
import { closeConnection, openClusterRedis } from './redis-connection';
import { RedisDiffBus } from './redis-diff-bus';
import { RedisHoldJournal } from './redis-hold-journal';
import { RedisQueueJournal } from './redis-queue-journal';
import { queueJournalContract } from './queue-journal.contract';
import { RedisLeaseStore } from './redis-lease-store';
import { RedisMembership } from './redis-membership';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `aisle-test:${randomBytes(4).toString('hex')}:`;
const HEARTBEAT_MS = 100;
const TTL_MS = 300;

/** Connections opened by this file, closed at the end. */
const connections: Redis[] = [];

async function connect(url = REDIS_URL): Promise<Redis> {
  const redis = await openClusterRedis(url, { commandTimeoutMs: 500 });
  connections.push(redis);
  return redis;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

afterAll(async () => {
  const cleaner = await connect();
  await deleteKeys(cleaner, PREFIX);
  await Promise.all(connections.map((redis) => closeConnection(redis)));
});

describe('Redis cluster backends', () => {
  let membershipRuns = 0;
  membershipContract(async () => {
    const prefix = `${PREFIX}m${membershipRuns++}:`;
    const nodes = new Map<Membership, Redis>();
    return {
      node: async () => {
        const redis = await connect();
        const membership = new RedisMembership(redis, { prefix, heartbeatMs: HEARTBEAT_MS, ttlMs: TTL_MS });
        nodes.set(membership, redis);
        return membership;
      },
      // A crashed node's connection is gone: its heartbeats fail and its entry runs out.
      crash: async (membership) => {
        nodes.get(membership)?.disconnect();
      },
      expiryDeadlineMs: TTL_MS + HEARTBEAT_MS + 700,
      dispose: async () => {
        await Promise.all([...nodes.keys()].map((membership) => membership.leave().catch(() => undefined)));
      },
    };
  }, { membersFailAlone: true });

  leaseStoreContract(async () => {
    const pool = [await connect(), await connect()];
    let next = 0;
    return { node: () => new RedisLeaseStore(pool[next++ % pool.length], PREFIX), dispose: async () => undefined };
  });

  holdJournalContract(async () => {
    const pool = [await connect(), await connect()];
    let next = 0;
    return { node: () => new RedisHoldJournal(pool[next++ % pool.length], PREFIX), dispose: async () => undefined };
  });

  queueJournalContract(async () => {
    const pool = [await connect(), await connect()];
    let next = 0;
    return { node: () => new RedisQueueJournal(pool[next++ % pool.length], PREFIX), dispose: async () => undefined };
  });

  diffBusContract(async () => ({
    bus: async () => {
      const bus = new RedisDiffBus(await connect(), { prefix: PREFIX });
      await bus.ready();
      return bus;
    },
    dispose: async () => undefined,
  }));
});

describe('RedisMembership', () => {
  it('notices joins and leaves through notices, long before the next heartbeat', async () => {
    const prefix = `${PREFIX}notice:`;
    const slow = { prefix, heartbeatMs: 60_000, ttlMs: 180_000 };
    const a = new RedisMembership(await connect(), slow);
    const b = new RedisMembership(await connect(), slow);
    await a.join({ nodeId: 'node-a', url: 'http://a' });
    try {
      await b.join({ nodeId: 'node-b', url: 'http://b' });
      await waitUntil('node-a to see node-b join', () => a.members().length === 2, 1000);
      await b.leave();
      await waitUntil('node-a to see node-b leave', () => a.members().length === 1, 1000);
    } finally {
      await a.leave();
      await b.leave();
    }
  });
});

describe('RedisLeaseStore', () => {
  it('renews a thousand leases in one call', async () => {
    const store = new RedisLeaseStore(await connect(), PREFIX);
    const events = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
    await Promise.all(events.map((event, i) => store.acquire(event, i % 2 === 0 ? 'node-a' : 'node-b', 60_000)));
    const renewed = await store.renew(events, 'node-a', 60_000);
    expect(renewed).toEqual(events.filter((_, i) => i % 2 === 0));
  });

  it('keeps working after Redis forgot its scripts', async () => {
    const redis = await connect();
    const store = new RedisLeaseStore(redis, PREFIX);
    expect(await store.acquire('flushed', 'node-a', 60_000)).toBe(true);
    await redis.script('FLUSH');
    expect(await store.acquire('flushed', 'node-b', 60_000)).toBe(false);
  });
});

describe('openClusterRedis', () => {
  it('fails fast with ClusterUnavailableError when nothing listens', async () => {
    const port = await freePort();
    await expect(openClusterRedis(`redis://127.0.0.1:${port}`)).rejects.toBeInstanceOf(ClusterUnavailableError);
  });
});

describe('a Redis restart', () => {
  let server: TestRedis;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('fails calls fast while Redis is down, then heals membership and resumes subscriptions', async () => {
    const [redisA, redisB] = [await connect(server.url), await connect(server.url)];
    const options = { prefix: PREFIX, heartbeatMs: HEARTBEAT_MS, ttlMs: TTL_MS };
    const [memberA, memberB] = [new RedisMembership(redisA, options), new RedisMembership(redisB, options)];
    const leases = new RedisLeaseStore(redisA, PREFIX);
    const journal = new RedisHoldJournal(redisA, PREFIX);
    const [busA, busB] = [new RedisDiffBus(redisA, { prefix: PREFIX }), new RedisDiffBus(redisB, { prefix: PREFIX })];
    const diffs: DiffPush[] = [];
    const expiries: string[] = [];
    busB.onDiff((_event, push) => diffs.push(push));
    busB.onExpired((_user, _event, holdId) => expiries.push(holdId));
    try {
      await memberA.join({ nodeId: 'node-a', url: 'http://a' });
      await memberB.join({ nodeId: 'node-b', url: 'http://b' });
      await Promise.all([busA.ready(), busB.ready()]);
      await busB.subscribe('e1');
      busA.publishDiff('e1', { epoch: 1, seq: 1, changes: [] });
      await waitUntil('the first diff', () => diffs.length === 1);

      await server.stop();
      await waitUntil('the connections to notice', () => redisA.status !== 'ready' && redisB.status !== 'ready');
      for (const call of [
        () => leases.acquire('e1', 'node-a', 5000),
        () => leases.renew(['e1'], 'node-a', 5000),
        () => leases.holder('e1'),
        () => journal.claim('e1', 1),
        () => journal.write('e1', 1, { upserts: [], deletes: ['h'] }),
        () => busB.subscribe('e2'),
      ]) {
        const started = Date.now();
        await expect(call()).rejects.toBeInstanceOf(ClusterUnavailableError);
        expect(Date.now() - started).toBeLessThan(250);
      }
      await waitUntil('both nodes to report unhealthy', () => !memberA.healthy() && !memberB.healthy());
      expect(() => busA.publishDiff('e1', { epoch: 1, seq: 2, changes: [] })).not.toThrow();

      await server.start();
      await waitUntil('both nodes to heartbeat again', () => memberA.healthy() && memberB.healthy(), 5000);
      expect((await memberA.refresh()).map((member) => member.nodeId)).toEqual(['node-a', 'node-b']);
      // The restarted Redis lost everything; the subscriber connections resubscribe by themselves.
      await waitUntil('diffs to flow again', () => {
        busA.publishDiff('e1', { epoch: 1, seq: 3, changes: [] });
        return diffs.some((push) => push.seq === 3);
      }, 5000, 50);
      await waitUntil('expiries to flow again', () => {
        busA.publishExpired('user-1', 'e1', 'hold-1');
        return expiries.length > 0;
      }, 5000, 50);
      expect(await leases.acquire('e1', 'node-a', 5000)).toBe(true);
      // The journal was lost with the restart: a write is fenced until the owner claims again.
      expect(await journal.write('e1', 1, { upserts: [], deletes: [] })).toBe(false);
      expect(await journal.claim('e1', 1)).toEqual({ ok: true, holds: [] });
    } finally {
      await Promise.all([busA.close(), busB.close()]);
      await Promise.all([memberA.leave().catch(() => undefined), memberB.leave().catch(() => undefined)]);
    }
  });
});
