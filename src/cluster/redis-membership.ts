// Membership in Redis: a sorted set of nodeIds scored by when their heartbeat expires (Redis server
// time, so node clocks never need to agree) and a hash of their URLs, both kept by
// membership-beat.lua. Every heartbeat also re-reads the list, so a member that stopped heartbeating
// is noticed within one heartbeat interval after its TTL; joins and leaves are announced on a channel
// so the others re-read at once instead of waiting for their next heartbeat.
import type { Redis } from 'ioredis';
import { clusterCall } from './cluster-unavailable-error';
import { LuaScript } from './lua-script';
import { MemberView } from './member-view';
import type { Member, Membership } from './membership';
import { closeConnection, duplicateConnection } from './redis-connection';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './redis-keys';

const BEAT = new LuaScript('membership-beat.lua');

/** How a RedisMembership is set up. */
export interface RedisMembershipOptions {
  /** Key prefix of the cluster (default 'aisle:'). */
  prefix?: string;
  /** Milliseconds between heartbeats, each also re-reading the list (default 1000). */
  heartbeatMs?: number;
  /** Milliseconds a heartbeat keeps this node listed (default 3000: survives two missed heartbeats). */
  ttlMs?: number;
  /** Receives failures no caller waits for: failed heartbeats and notices, listener errors. */
  onError?: (error: unknown) => void;
}

/** A Membership on Redis. */
export class RedisMembership implements Membership {
  private readonly keys: RedisKeys;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly view: MemberView;
  private self: Member | null = null;
  private subscriber: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private beating = false;
  private lastBeatOk = false;
  // Every read and write of the list runs in turn, so an older reply never overwrites a newer one and
  // a heartbeat in flight cannot re-add this node after leave() removed it.
  private turn: Promise<unknown> = Promise.resolve();

  /** @param redis a connection (see openClusterRedis), not closed by this membership. */
  constructor(private readonly redis: Redis, options: RedisMembershipOptions = {}) {
    this.keys = new RedisKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.ttlMs = options.ttlMs ?? 3000;
    this.onError = options.onError ?? (() => undefined);
    this.view = new MemberView(this.onError);
  }

  async join(self: Member): Promise<void> {
    if (this.self) throw new Error(`already joined as ${this.self.nodeId}`);
    this.self = { nodeId: self.nodeId, url: self.url };
    try {
      // Listen before the first read, so no change after that read goes unnoticed.
      const subscriber = await duplicateConnection(this.redis, this.onError);
      this.subscriber = subscriber;
      subscriber.on('message', () => {
        this.refresh().catch(this.onError);
      });
      await clusterCall('membership notices', () => subscriber.subscribe(this.keys.membersChannel()));
      await this.heartbeat();
    } catch (error) {
      this.self = null;
      await this.stopListening();
      throw error;
    }
    this.timer = setInterval(() => {
      if (this.beating) return;
      this.heartbeat().catch(this.onError);
    }, this.heartbeatMs);
    this.timer.unref();
  }

  async leave(): Promise<void> {
    const self = this.self;
    if (!self) return;
    this.self = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastBeatOk = false;
    await this.stopListening();
    try {
      await this.inTurn(() =>
        clusterCall('membership leave', () =>
          this.redis.multi()
            .zrem(this.keys.members(), self.nodeId)
            .hdel(this.keys.memberUrls(), self.nodeId)
            .publish(this.keys.membersChannel(), self.nodeId)
            .exec()));
    } finally {
      // If Redis could not be told, the entry expires after ttlMs; either way this node is out.
      this.view.update(this.view.members().filter((member) => member.nodeId !== self.nodeId));
    }
  }

  members(): Member[] {
    return this.view.members();
  }

  refresh(): Promise<Member[]> {
    return this.inTurn(async () => this.view.update(await this.beat('')));
  }

  onChange(listener: (members: Member[]) => void): () => void {
    return this.view.onChange(listener);
  }

  healthy(): boolean {
    return this.lastBeatOk;
  }

  private async heartbeat(): Promise<void> {
    this.beating = true;
    try {
      await this.inTurn(async () => {
        const self = this.self;
        if (!self) return;
        try {
          const members = await this.beat(self.nodeId, self.url);
          this.lastBeatOk = this.self === self;
          if (this.self === self) this.view.update(members);
        } catch (error) {
          this.lastBeatOk = false;
          throw error;
        }
      });
    } finally {
      this.beating = false;
    }
  }

  /** One run of membership-beat.lua: announces `nodeId` unless it is '', returns the live members. */
  private async beat(nodeId: string, url = ''): Promise<Member[]> {
    const reply = (await clusterCall('membership heartbeat', () =>
      BEAT.run(this.redis, [this.keys.members(), this.keys.memberUrls()], [nodeId, url, this.ttlMs, this.keys.membersChannel()]))) as string[];
    const members: Member[] = [];
    for (let i = 0; i < reply.length; i += 2) members.push({ nodeId: reply[i], url: reply[i + 1] });
    return members;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async stopListening(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await closeConnection(subscriber);
  }
}
