// Replicated holds in Redis: per event an epoch key and a hash holdId → MessagePack HoldSnapshot.
// Scripts: journal-claim.lua (claim an epoch, read the holds), journal-write.lua (apply a batch if the
// writer's epoch is current; a missing epoch key, e.g. after a Redis restart, fences every writer).
import type { Redis } from 'ioredis';
import { msgpackCodec } from '../../protocol';
import type { HoldSnapshot } from '../domain/types';
import { clusterCall } from './cluster-unavailable-error';
import type { HoldChanges, HoldJournal } from '../actor/hold-journal';
import { LuaScript } from './lua-script';
import type { ScriptArg } from './lua-script';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './redis-keys';

const CLAIM = new LuaScript('journal-claim.lua');
const WRITE = new LuaScript('journal-write.lua');

function encodeHold(hold: HoldSnapshot): Buffer {
  const bytes = msgpackCodec.encode(hold);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A HoldJournal on Redis; calls fail with ClusterUnavailableError when Redis cannot be reached. */
export class RedisHoldJournal implements HoldJournal {
  private readonly keys: RedisKeys;

  /** @param redis a connection (see openClusterRedis), not closed by this journal. */
  constructor(private readonly redis: Redis, prefix: string = DEFAULT_KEY_PREFIX) {
    this.keys = new RedisKeys(prefix);
  }

  async claim(eventId: string, epoch: number): Promise<{ ok: true; holds: HoldSnapshot[] } | { ok: false; currentEpoch: number }> {
    const reply = (await clusterCall('journal claim', () =>
      CLAIM.runBuffer(this.redis, this.journalKeys(eventId), [epoch]))) as [number, ...Buffer[]] | [0, number];
    if (reply[0] === 0) return { ok: false, currentEpoch: Number(reply[1]) };
    return { ok: true, holds: (reply.slice(1) as Buffer[]).map((bytes) => msgpackCodec.decode(bytes) as HoldSnapshot) };
  }

  async write(eventId: string, epoch: number, changes: HoldChanges): Promise<boolean> {
    const args: ScriptArg[] = [epoch, changes.upserts.length];
    for (const hold of changes.upserts) args.push(hold.holdId, encodeHold(hold));
    for (const holdId of changes.deletes) args.push(holdId);
    const applied = await clusterCall('journal write', () => WRITE.run(this.redis, this.journalKeys(eventId), args));
    return applied === 1;
  }

  private journalKeys(eventId: string): string[] {
    return [this.keys.journalEpoch(eventId), this.keys.journalHolds(eventId)];
  }
}
