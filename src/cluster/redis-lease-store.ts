// Leases in Redis: one key per event holding the nodeId, with the lease's TTL as the key's expiry
// (on the Redis server's clock). Scripts: lease-acquire.lua, lease-renew.lua, lease-release.lua.
import type { Redis } from 'ioredis';
import { clusterCall } from './cluster-unavailable-error';
import type { LeaseStore } from './lease-store';
import { LuaScript } from './lua-script';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './redis-keys';

const ACQUIRE = new LuaScript('lease-acquire.lua');
const RENEW = new LuaScript('lease-renew.lua');
const RELEASE = new LuaScript('lease-release.lua');

// PX takes a positive integer; a fraction or zero would make Redis refuse the whole script.
function pxOf(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** A LeaseStore on Redis; calls fail with ClusterUnavailableError when Redis cannot be reached. */
export class RedisLeaseStore implements LeaseStore {
  private readonly keys: RedisKeys;

  /** @param redis a connection (see openClusterRedis), not closed by this store. */
  constructor(private readonly redis: Redis, prefix: string = DEFAULT_KEY_PREFIX) {
    this.keys = new RedisKeys(prefix);
  }

  async acquire(eventId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    const taken = await clusterCall('lease acquire', () =>
      ACQUIRE.run(this.redis, [this.keys.lease(eventId)], [nodeId, pxOf(ttlMs)]));
    return taken === 1;
  }

  async renew(eventIds: string[], nodeId: string, ttlMs: number): Promise<string[]> {
    if (eventIds.length === 0) return [];
    const renewed = await clusterCall('lease renew', () =>
      RENEW.run(this.redis, eventIds.map((eventId) => this.keys.lease(eventId)), [nodeId, pxOf(ttlMs)]));
    return (renewed as number[]).map((index) => eventIds[index]);
  }

  async release(eventId: string, nodeId: string): Promise<void> {
    await clusterCall('lease release', () => RELEASE.run(this.redis, [this.keys.lease(eventId)], [nodeId]));
  }

  async holder(eventId: string): Promise<string | null> {
    return clusterCall('lease holder', () => this.redis.get(this.keys.lease(eventId)));
  }
}
