// The Redis limiter's deadline: commands waiting on a Redis that does not answer are decided by this
// node when their time is up, by one shared timer (not one per command), and a late answer changes
// nothing. The Redis here only ever accepts the script call and never replies, like a stalled server.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisUserRateLimiter } from './redis-user-rate-limiter';

function stalledRedis(): { redis: Redis; answerAll(value: number): void } {
  const pending: ((value: number) => void)[] = [];
  const fake: Record<string, unknown> = {
    defineCommand(name: string): void {
      fake[name] = (): Promise<number> => new Promise<number>((resolve) => pending.push(resolve));
    },
    disconnect(): void {},
  };
  return { redis: fake as unknown as Redis, answerAll: (value) => pending.splice(0).forEach((r) => r(value)) };
}

describe('RedisUserRateLimiter with a Redis that does not answer', () => {
  it('decides every waiting command locally at its deadline, once, and ignores late answers', async () => {
    const { redis, answerAll } = stalledRedis();
    let fallbacks = 0;
    const limiter = new RedisUserRateLimiter(redis, {
      rate: { perSecond: 1, burst: 3 },
      timeoutMs: 20,
      onFallback: () => fallbacks++,
    });
    const started = performance.now();
    const decided = await Promise.all(Array.from({ length: 5 }, () => limiter.admit('alice')));
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    // This node's own limiter decides (a burst of about 3): some admitted, the rest refused.
    expect(decided[0]).toBe(true);
    expect(decided[4]).toBe(false);
    expect(fallbacks).toBe(5);
    answerAll(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fallbacks).toBe(5);
    await limiter.close();
  });
});
