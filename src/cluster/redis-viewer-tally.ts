// The cluster's viewer counts in Redis: one key per event and node, `<prefix>viewers:<eventId>:<nodeId>`,
// holding that node's count with an expiry of a few report periods. A node that dies stops renewing its
// keys and its counts vanish; the sum reads the keys of the other current members only (a node adds its
// own count as it is now).
import type { Redis } from 'ioredis';
import type { ViewerTally } from '../gateway/viewer-tally';
import { VIEWER_REPORT_MS } from '../gateway/viewer-tally';
import { DEFAULT_KEY_PREFIX } from './redis-keys';

/** A count outlives its node's last report by this much (three missed reports). */
export const VIEWER_COUNT_TTL_MS = 3 * VIEWER_REPORT_MS + 500;

/** ViewerTally on Redis. */
export class RedisViewerTally implements ViewerTally {
  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    /** The live members' node ids (this node included). */
    private readonly members: () => string[],
    private readonly prefix: string = DEFAULT_KEY_PREFIX,
  ) {}

  /** The key of one node's count of one event. */
  key(eventId: string, nodeId: string): string {
    return `${this.prefix}viewers:${eventId}:${nodeId}`;
  }

  async report(counts: ReadonlyMap<string, number>, gone: readonly string[]): Promise<void> {
    if (counts.size === 0 && gone.length === 0) return;
    const batch = this.redis.pipeline();
    for (const [eventId, n] of counts) batch.set(this.key(eventId, this.nodeId), n, 'PX', VIEWER_COUNT_TTL_MS);
    for (const eventId of gone) batch.del(this.key(eventId, this.nodeId));
    const results = await batch.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async others(eventId: string): Promise<number> {
    const nodes = this.members().filter((node) => node !== this.nodeId);
    if (nodes.length === 0) return 0;
    const values = await this.redis.mget(nodes.map((node) => this.key(eventId, node)));
    let sum = 0;
    for (const value of values) if (value !== null) sum += Number(value) || 0;
    return sum;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
