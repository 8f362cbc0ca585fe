// Failover time: kill -9 the owner of an event and time, from a client on a surviving node, until a
// command on that event succeeds again; meanwhile note when the survivors' ring dropped the dead node
// and when its lease on the event stopped naming it. A hold acknowledged before the kill must still be
// its user's afterwards (holds are replicated to Redis before the ack).
import { Redis } from 'ioredis';
import type { Auth } from '../../src/gateway/auth';
import { RedisKeys } from '../../src/cluster/redis-keys';
import { seatIdAt } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import { seatRange } from '../scenario/bench-events';
import { round } from '../stats';
import { WireClient } from '../wire/wire-client';
import type { BenchCluster, BenchNode } from './bench-cluster';
import { membersSeenBy } from './bench-cluster';

/** Gives up on a failover after this long. */
const FAILOVER_TIMEOUT_MS = 30_000;
/** How often the ring and the lease are looked at while waiting. */
const WATCH_POLL_MS = 20;
/** Pause between a `moved`/`unavailable` answer and the next try (a client SDK retries like this). */
const RETRY_PAUSE_MS = 10;

/** One kill -9 and what followed, in ms after the kill. */
export interface FailoverTrial {
  eventId: string;
  killed: string;
  /** Where the probe client was connected. */
  via: string;
  newOwner: string | null;
  /** First command on the event that succeeded again. */
  servedMs: number;
  /** The probe node's ring no longer listed the dead node. */
  ringMs: number | null;
  /** The lease key of the event no longer named the dead node (expired or taken). */
  leaseMs: number | null;
  /** Answers before the first success, by code (each may itself have waited through retries). */
  retries: Record<string, number>;
  /** A hold acknowledged before the kill was still its user's (extend answered `held`). */
  holdSurvived: boolean;
}

/** Polls `probe` until it returns true or `stop` is set; resolves with the elapsed ms since `from`, or null. */
async function timeUntil(from: number, probe: () => Promise<boolean>, stop: { done: boolean }): Promise<number | null> {
  while (!stop.done) {
    if (await probe().catch(() => false)) return round(performance.now() - from);
    await new Promise((resolve) => setTimeout(resolve, WATCH_POLL_MS));
  }
  return null;
}

/** Kills the owner of `event` and measures how long the event is out of service. */
export async function measureFailover(auth: Auth, cluster: BenchCluster, event: BenchEvent, trial: number): Promise<FailoverTrial> {
  const owner = await cluster.ownerOf(event.id);
  const via = cluster.live().find((node) => node !== owner)!;
  const client = await WireClient.connect(via.server.host, via.server.port, await auth.sign({ userId: `failover-${trial}`, role: 'customer' }));
  const redis = new Redis(cluster.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const leaseKey = new RedisKeys(cluster.prefix).lease(event.id);
  const seat = (i: number): string => seatIdAt(seatRange(event, i, i + 1), i);
  try {
    await redis.connect();
    const kept = await client.request({ type: 'hold', eventId: event.id, seats: [seat(0)] });
    if (kept.message.type !== 'held') throw new Error(`hold before the kill: ${JSON.stringify(kept.message)}`);
    if ((await redis.get(leaseKey)) !== owner.nodeId) throw new Error(`${owner.nodeId} does not hold the lease of ${event.id}`);

    const stop = { done: false };
    const killedAt = performance.now();
    cluster.kill(owner);
    const ring = timeUntil(killedAt, async () => !(await membersSeenBy(via.server)).includes(owner.nodeId), stop);
    const lease = timeUntil(killedAt, async () => (await redis.get(leaseKey)) !== owner.nodeId, stop);
    const retries: Record<string, number> = {};
    let servedMs = 0;
    for (let i = 1; servedMs === 0; i++) {
      if (performance.now() - killedAt > FAILOVER_TIMEOUT_MS) throw new Error(`${event.id} not served again ${FAILOVER_TIMEOUT_MS} ms after the kill`);
      const reply = (await client.request({ type: 'hold', eventId: event.id, seats: [seat(i)] }, FAILOVER_TIMEOUT_MS)).message;
      if (reply.type === 'held') {
        servedMs = round(performance.now() - killedAt);
        await client.request({ type: 'release', eventId: event.id, holdId: reply.holdId });
        break;
      }
      const code = String(reply.code);
      retries[code] = (retries[code] ?? 0) + 1;
      if (code !== 'moved' && code !== 'unavailable') throw new Error(`hold after the kill: ${JSON.stringify(reply)}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
    // The ring and the lease changed before the event could be served; give them a moment if not seen yet.
    setTimeout(() => (stop.done = true), 2_000);
    const [ringMs, leaseMs] = await Promise.all([ring, lease]);
    stop.done = true;
    const extended = await client.request({ type: 'extend', eventId: event.id, holdId: kept.message.holdId });
    const newOwner = await cluster.ownerOf(event.id, via).then(
      (node: BenchNode) => node.nodeId,
      () => null,
    );
    return {
      eventId: event.id,
      killed: owner.nodeId,
      via: via.nodeId,
      newOwner,
      servedMs,
      ringMs,
      leaseMs,
      retries,
      holdSurvived: extended.message.type === 'held',
    };
  } finally {
    client.close();
    redis.disconnect();
  }
}
