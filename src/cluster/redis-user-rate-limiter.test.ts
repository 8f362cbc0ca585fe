// The UserRateLimiter contract on Redis (the shared test Redis, a random key prefix, two connections as
// two nodes), plus the fallback: with Redis gone, commands are decided on this node, never refused wholesale.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, userRateLimiterContract } from '../gateway/user-rate-limiter.contract';
import { clusterRedisOptions, openClusterRedis } from './redis-connection';
import { RedisUserRateLimiter } from './redis-user-rate-limiter';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `aisle-test:${randomBytes(4).toString('hex')}:`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

userRateLimiterContract('redis', async (rate) => {
  const clock = manualClock();
  const node = async (): Promise<RedisUserRateLimiter> =>
    new RedisUserRateLimiter(await openClusterRedis(REDIS_URL), { rate, prefix: PREFIX, clock: clock.now });
  return { a: await node(), b: await node(), clock };
});

describe('RedisUserRateLimiter without Redis', () => {
  it('falls back to a per-node limit and reports it', async () => {
    // A connection to a port nobody listens on: every call fails at once (no offline queue).
    const redis = new Redis('redis://127.0.0.1:1', { ...clusterRedisOptions(), lazyConnect: true });
    redis.on('error', () => undefined);
    const failures: unknown[] = [];
    const clock = manualClock();
    const limiter = new RedisUserRateLimiter(redis, { rate: { perSecond: 10, burst: 3 }, prefix: PREFIX, clock: clock.now, onFallback: (e) => failures.push(e) });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.admit('alice'));
    expect(results).toEqual([true, true, true, false, false]);
    expect(failures).toHaveLength(5);
    await limiter.close();
  });
});
