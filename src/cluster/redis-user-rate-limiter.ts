// Per-user rate limits shared by every node: one GCRA key per user in Redis (user-rate-admit.lua).
// Rate limiting must never take purchases down with it: when Redis fails or is slow to answer, the
// command is decided by a limiter of this node's own (the same rate, counted on this node only) and the
// failure is reported, so an outage loosens the limit to per node instead of refusing everyone.
import type { Redis } from 'ioredis';
import type { UserRate, UserRateLimiter } from '../gateway/user-rate-limiter';
import { LocalUserRateLimiter } from '../gateway/user-rate-limiter';
import { LuaScript } from './lua-script';
import { DEFAULT_KEY_PREFIX } from './redis-keys';

const ADMIT = new LuaScript('user-rate-admit.lua');

/** How long a command waits for Redis before this node decides alone (a loopback round trip is ~0.1 ms). */
export const DEFAULT_ADMIT_TIMEOUT_MS = 50;

/** What the Redis limiter is built from. */
export interface RedisUserRateLimiterOptions {
  rate: UserRate;
  /** Key prefix (the cluster's REDIS_PREFIX); the key of a user is `<prefix>user-rate:<userId>`. */
  prefix?: string;
  clock?: () => number;
  timeoutMs?: number;
  /** Called when Redis could not decide and this node did (rate-limit it: it fires per command). */
  onFallback?: (error: unknown) => void;
}

/** A UserRateLimiter on Redis, falling back to a local one while Redis is away. */
export class RedisUserRateLimiter implements UserRateLimiter {
  private readonly local: LocalUserRateLimiter;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly interval: number;

  /** @param redis a connection (see openClusterRedis), closed by `close`. */
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisUserRateLimiterOptions,
  ) {
    this.now = options.clock ?? Date.now;
    this.local = new LocalUserRateLimiter(options.rate, this.now);
    this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    this.interval = 1000 / options.rate.perSecond;
  }

  /** The Redis key of a user's rate (kept here: only this limiter reads or writes it). */
  key(userId: string): string {
    return `${this.prefix}user-rate:${userId}`;
  }

  async admit(userId: string): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const call = ADMIT.run(this.redis, [this.key(userId)], [this.now(), this.interval, this.options.rate.burst]);
      // A late reply after the timeout is dropped on the floor, not left unhandled.
      call.catch(() => undefined);
      return (await Promise.race([call, timeout])) === 1;
    } catch (error) {
      this.options.onFallback?.(error);
      return this.local.admitNow(userId);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.local.close();
    this.redis.disconnect();
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_ADMIT_TIMEOUT_MS;
  }
}
