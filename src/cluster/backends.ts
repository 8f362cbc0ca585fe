// The backends of the cluster interfaces, picked from the configuration by the composition root:
// everything in process for a single node, Redis for a cluster.
import type { Logger } from 'pino';
import type { HoldJournal } from '../actor/hold-journal';
import type { QueueJournal } from '../actor/queue-journal';
import type { Config } from '../config/config';
import type { UserRateLimiter } from '../gateway/user-rate-limiter';
import { LocalUserRateLimiter } from '../gateway/user-rate-limiter';
import type { Metrics } from '../observability/metrics';
import type { DiffBus } from './diff-bus';
import type { LeaseStore } from './lease-store';
import { LocalDiffBus } from './local-diff-bus';
import { LocalLeaseStore } from './local-lease-store';
import type { LeaseTiming } from './ownership-manager';
import { LocalMembership } from './local-membership';
import type { Membership } from './membership';
import { openClusterRedis } from './redis-connection';
import { RedisDiffBus } from './redis-diff-bus';
import { RedisHoldJournal } from './redis-hold-journal';
import { RedisLeaseStore } from './redis-lease-store';
import { RedisQueueJournal } from './redis-queue-journal';
import { RedisMembership } from './redis-membership';
import { RedisUserRateLimiter } from './redis-user-rate-limiter';

/**
 * Per-user rate limits: shared through Redis in a cluster, on a connection of their own so a flood of
 * checks never delays a lease renewal; local in single-node mode.
 */
export async function userRateLimiter(config: Config, metrics: Metrics, log: Logger): Promise<UserRateLimiter> {
  const rate = { perSecond: config.abuse.userRatePerSecond, burst: config.abuse.userRateBurst };
  if (!config.redisUrl) return new LocalUserRateLimiter(rate);
  const redis = await openClusterRedis(config.redisUrl);
  let warnedAt = 0;
  const onFallback = (error: unknown): void => {
    metrics.userRateFallbacks.inc();
    if (Date.now() - warnedAt < 10_000) return;
    warnedAt = Date.now();
    log.warn({ err: error }, 'per-user rate limits decided per node: Redis did not answer in time');
  };
  return new RedisUserRateLimiter(redis, { rate, prefix: config.redisPrefix, onFallback });
}

/** The backends of the cluster interfaces. */
export interface Backends {
  membership: Membership;
  leases: LeaseStore;
  journal: HoldJournal | null;
  /** Replicated waiting rooms (null: a single node has no successor to replay them). */
  queueJournal: QueueJournal | null;
  bus: DiffBus;
  /** Lease timing other than the defaults (a single node's leases never need to run out). */
  leaseTiming?: Partial<LeaseTiming>;
  close(): Promise<void>;
}

/**
 * A single node's leases live in its own memory, where no other node can take them: trusting one
 * for an hour instead of 2.5 s after each renewal keeps a burst of work that delays the renewal timer
 * (19,000 joins read in one turn of the event loop) from refusing the commands behind it as
 * `unavailable`. Shutdown still hands every lease back.
 */
export const SINGLE_NODE_LEASE_TIMING: Partial<LeaseTiming> = { ttlMs: 3_600_000 };

/**
 * Single node: everything in process; holds and waiting rooms are not replicated (a restart drops holds,
 * and says so; a room comes back as last saved, at most a second old).
 */
export function localBackends(): Backends {
  return {
    membership: new LocalMembership(),
    leases: new LocalLeaseStore(),
    journal: null,
    queueJournal: null,
    bus: new LocalDiffBus(),
    leaseTiming: SINGLE_NODE_LEASE_TIMING,
    close: async () => undefined,
  };
}

/** Cluster mode: membership, leases, replicated holds and waiting rooms, and fan-out through Redis. */
export async function redisBackends(url: string, prefix: string, log: Logger): Promise<Backends> {
  const onError = (error: unknown): void => log.warn({ err: error }, 'redis');
  const redis = await openClusterRedis(url, { onError });
  const bus = new RedisDiffBus(redis, { prefix, onError });
  await bus.ready();
  return {
    membership: new RedisMembership(redis, { prefix }),
    leases: new RedisLeaseStore(redis, prefix),
    journal: new RedisHoldJournal(redis, prefix),
    queueJournal: new RedisQueueJournal(redis, prefix),
    bus,
    close: async () => {
      await bus.close();
      redis.disconnect();
    },
  };
}
