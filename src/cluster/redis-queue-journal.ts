// Replicated waiting rooms in Redis: per event an epoch key and a sorted set of JSON-encoded room changes
// scored by their number (JSON: V8 encodes a spike's thousands of small records natively, far cheaper
// than a MessagePack encoder in JavaScript, and they are small either way). Scripts: queue-journal-claim.lua (claim an epoch, read the changes in
// order), queue-journal-write.lua (add a batch and trim what a save contains, if the writer's epoch is
// current). One script call per batch: a spike's joins of one I/O turn cost one round trip.
import type { Redis } from 'ioredis';
import type { RoomChange } from '../domain';
import type { QueueJournal, RoomChanges } from '../actor/queue-journal';
import { clusterCall } from './cluster-unavailable-error';
import { LuaScript } from './lua-script';
import type { ScriptArg } from './lua-script';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './redis-keys';

const CLAIM = new LuaScript('queue-journal-claim.lua');
const WRITE = new LuaScript('queue-journal-write.lua');

/** A QueueJournal on Redis; calls fail with ClusterUnavailableError when Redis cannot be reached. */
export class RedisQueueJournal implements QueueJournal {
  private readonly keys: RedisKeys;

  /** @param redis a connection (see openClusterRedis), not closed by this journal. */
  constructor(private readonly redis: Redis, prefix: string = DEFAULT_KEY_PREFIX) {
    this.keys = new RedisKeys(prefix);
  }

  async claim(eventId: string, epoch: number): Promise<{ ok: true; changes: RoomChange[] } | { ok: false; currentEpoch: number }> {
    const reply = (await clusterCall('queue journal claim', () =>
      CLAIM.run(this.redis, this.journalKeys(eventId), [epoch]))) as [number, ...string[]] | [0, number];
    if (reply[0] === 0) return { ok: false, currentEpoch: Number(reply[1]) };
    return { ok: true, changes: (reply.slice(1) as string[]).map((text) => JSON.parse(text) as RoomChange) };
  }

  async write(eventId: string, epoch: number, batch: RoomChanges): Promise<boolean> {
    const args: ScriptArg[] = [epoch, batch.savedThrough ?? -1];
    for (const change of batch.changes) args.push(change.seq, JSON.stringify(change));
    const applied = await clusterCall('queue journal write', () => WRITE.run(this.redis, this.journalKeys(eventId), args));
    return applied === 1;
  }

  private journalKeys(eventId: string): string[] {
    return [this.keys.queueJournalEpoch(eventId), this.keys.queueJournalChanges(eventId)];
  }
}
