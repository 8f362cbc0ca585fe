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

/** A command waiting for Redis's decision. */
interface Waiter {
  userId: string;
  /** performance.now() after which this node decides alone. */
  deadline: number;
  resolve: (admitted: boolean) => void;
  done: boolean;
}

/** A UserRateLimiter on Redis, falling back to a local one while Redis is away. */
export class RedisUserRateLimiter implements UserRateLimiter {
  private readonly local: LocalUserRateLimiter;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly interval: number;
  /** Commands waiting on Redis, oldest first (from `head`); decided ones are dropped in bulk. */
  private waiting: Waiter[] = [];
  private head = 0;
  private sweepTimer: NodeJS.Timeout | null = null;

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

  admit(userId: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { userId, deadline: performance.now() + this.timeoutMs, resolve, done: false };
      this.waiting.push(waiter);
      this.armSweep();
      ADMIT.run(this.redis, [this.key(userId)], [this.now(), this.interval, this.options.rate.burst]).then(
        (admitted) => {
          if (waiter.done) return; // answered late: the sweep already decided locally
          waiter.done = true;
          resolve(admitted === 1);
        },
        (error: unknown) => this.decideLocally(waiter, error),
      );
    });
  }

  /** Redis could not decide for `waiter` (failed or too slow): this node decides. */
  private decideLocally(waiter: Waiter, error: unknown): void {
    if (waiter.done) return;
    waiter.done = true;
    this.options.onFallback?.(error);
    waiter.resolve(this.local.admitNow(waiter.userId));
  }

  /**
   * One timer for all commands waiting on Redis, not one each: every command waits the same time, so
   * the oldest deadline is the next one; when it fires, every command past its deadline is decided here.
   */
  private armSweep(): void {
    if (this.sweepTimer || this.head >= this.waiting.length) return;
    const delay = Math.max(0, this.waiting[this.head].deadline - performance.now());
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = null;
      const now = performance.now();
      while (this.head < this.waiting.length) {
        const waiter = this.waiting[this.head];
        if (!waiter.done && waiter.deadline > now) break;
        this.head++;
        this.decideLocally(waiter, new Error(`Redis did not answer in ${this.timeoutMs} ms`));
      }
      // Drop the decided prefix now and then, not on every command.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.armSweep();
    }, delay);
    this.sweepTimer.unref?.();
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    await this.local.close();
    this.redis.disconnect();
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_ADMIT_TIMEOUT_MS;
  }
}
