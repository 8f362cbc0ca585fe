// Fan-out through Redis pub/sub: one channel per event for its diffs, one channel for every hold expiry;
// payloads are MessagePack. Publishing uses the caller's connection; receiving uses a subscriber
// connection of its own (ioredis resubscribes it after a reconnect). Diffs published while the
// subscriber is disconnected are lost: receivers see the gap in `seq` and resynchronise.
import type { Redis } from 'ioredis';
import { msgpackCodec, type QueuePush } from '../../protocol';
import type { DiffPush } from '../actor/event-service';
import { clusterCall } from './cluster-unavailable-error';
import type { DiffBus, DiffHandler, ExpiryHandler, QueuePushHandler } from './diff-bus';
import { closeConnection, whenReady } from './redis-connection';
import { DEFAULT_KEY_PREFIX, RedisKeys } from './redis-keys';

/** How a RedisDiffBus is set up. */
export interface RedisDiffBusOptions {
  /** Key prefix of the cluster (default 'aisle:'). */
  prefix?: string;
  /** Receives what cannot be thrown to a caller: failed publishes, undecodable messages, handler errors. */
  onError?: (error: unknown) => void;
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A DiffBus on Redis pub/sub. */
export class RedisDiffBus implements DiffBus {
  private readonly keys: RedisKeys;
  private readonly subscriber: Redis;
  private readonly onError: (error: unknown) => void;
  private readonly subscribed = new Set<string>();
  private diffHandler: DiffHandler | null = null;
  private expiryHandler: ExpiryHandler | null = null;
  private queueHandler: QueuePushHandler | null = null;
  private expirySubscription: Promise<void> | null = null;
  private closed = false;

  /**
   * @param publisher a connection (see openClusterRedis) to publish on; not closed by this bus. The
   *   subscriber connection is its duplicate, opened now and closed by close().
   */
  constructor(private readonly publisher: Redis, options: RedisDiffBusOptions = {}) {
    this.keys = new RedisKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    this.onError = options.onError ?? (() => undefined);
    this.subscriber = publisher.duplicate({ lazyConnect: true });
    this.subscriber.on('error', this.onError);
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel.toString(), message));
    // Until the expiry channel is subscribed, try again whenever the connection comes (back) up.
    this.subscriber.on('ready', () => {
      if (!this.closed) this.ready().catch(this.onError);
    });
    this.ready().catch(this.onError);
  }

  /** Resolves once the subscriber connection is up and receives expiries; safe to call again after a failure. */
  ready(): Promise<void> {
    this.expirySubscription ??= (async () => {
      await whenReady(this.subscriber, 'diff bus');
      await clusterCall('subscribe expiries', () => this.subscriber.subscribe(this.keys.expiredChannel(), this.keys.queueChannel()));
    })().catch((error: unknown) => {
      this.expirySubscription = null;
      throw error;
    });
    return this.expirySubscription;
  }

  publishDiff(eventId: string, diff: DiffPush): void {
    this.publish(this.keys.diffChannel(eventId), msgpackCodec.encode(diff));
  }

  publishExpired(userId: string, eventId: string, holdId: string): void {
    this.publish(this.keys.expiredChannel(), msgpackCodec.encode([userId, eventId, holdId]));
  }

  publishQueue(userId: string, message: QueuePush): void {
    this.publish(this.keys.queueChannel(), msgpackCodec.encode([userId, message]));
  }

  async subscribe(eventId: string): Promise<void> {
    await this.ready();
    const already = this.subscribed.has(eventId);
    // Listed before SUBSCRIBE is sent, so a diff arriving right after the confirmation is delivered.
    this.subscribed.add(eventId);
    try {
      await clusterCall('subscribe', () => this.subscriber.subscribe(this.keys.diffChannel(eventId)));
    } catch (error) {
      if (!already) this.subscribed.delete(eventId);
      throw error;
    }
  }

  async unsubscribe(eventId: string): Promise<void> {
    // Delivery stops now. If Redis cannot be told, the channel stays subscribed (and is resubscribed
    // after a reconnect) but its messages are dropped here; that is wasted traffic, not an error.
    this.subscribed.delete(eventId);
    try {
      await clusterCall('unsubscribe', () => this.subscriber.unsubscribe(this.keys.diffChannel(eventId)));
    } catch (error) {
      this.onError(error);
    }
  }

  onDiff(handler: DiffHandler): void {
    this.diffHandler = handler;
  }

  onExpired(handler: ExpiryHandler): void {
    this.expiryHandler = handler;
  }

  onQueue(handler: QueuePushHandler): void {
    this.queueHandler = handler;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribed.clear();
    this.diffHandler = null;
    this.expiryHandler = null;
    this.queueHandler = null;
    await closeConnection(this.subscriber);
  }

  private publish(channel: string, payload: Uint8Array): void {
    clusterCall('publish', () => this.publisher.publish(channel, toBuffer(payload))).catch(this.onError);
  }

  private receive(channel: string, message: Buffer): void {
    try {
      if (channel === this.keys.expiredChannel()) {
        const [userId, eventId, holdId] = msgpackCodec.decode(message) as [string, string, string];
        this.expiryHandler?.(userId, eventId, holdId);
        return;
      }
      if (channel === this.keys.queueChannel()) {
        const [userId, push] = msgpackCodec.decode(message) as [string, QueuePush];
        this.queueHandler?.(userId, push);
        return;
      }
      const eventId = this.keys.eventOfDiffChannel(channel);
      if (eventId !== undefined && this.subscribed.has(eventId)) {
        this.diffHandler?.(eventId, msgpackCodec.decode(message) as DiffPush);
      }
    } catch (error) {
      this.onError(error);
    }
  }
}
