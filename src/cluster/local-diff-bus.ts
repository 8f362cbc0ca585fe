// Fan-out without Redis: buses attached to one LocalDiffHub deliver to each other in process, each
// message on its own microtask (never inside the publisher's call, in publish order).
import type { QueuePush } from '../../protocol';
import type { DiffPush } from '../actor/event-service';
import type { DiffBus, DiffHandler, ExpiryHandler, QueuePushHandler } from './diff-bus';

/** Connects the LocalDiffBuses of one in-process cluster. */
export class LocalDiffHub {
  private readonly buses = new Set<LocalDiffBus>();

  /** Starts delivering to `bus`. */
  attach(bus: LocalDiffBus): void {
    this.buses.add(bus);
  }

  /** Stops delivering to `bus`. */
  detach(bus: LocalDiffBus): void {
    this.buses.delete(bus);
  }

  /** The attached buses. */
  members(): LocalDiffBus[] {
    return [...this.buses];
  }
}

/** An in-process DiffBus; by default alone on its own hub (single node). */
export class LocalDiffBus implements DiffBus {
  private readonly subscribed = new Set<string>();
  private diffHandler: DiffHandler | null = null;
  private expiryHandler: ExpiryHandler | null = null;
  private queueHandler: QueuePushHandler | null = null;

  /** @param hub the in-process cluster to publish to (default: a new one, this bus alone). */
  constructor(private readonly hub: LocalDiffHub = new LocalDiffHub(), private readonly onError: (error: unknown) => void = () => undefined) {
    hub.attach(this);
  }

  publishDiff(eventId: string, diff: DiffPush): void {
    for (const bus of this.hub.members()) bus.deliverDiff(eventId, diff);
  }

  publishExpired(userId: string, eventId: string, holdId: string): void {
    for (const bus of this.hub.members()) bus.deliverExpired(userId, eventId, holdId);
  }

  publishQueue(userId: string, message: QueuePush): void {
    for (const bus of this.hub.members()) bus.deliverQueue(userId, message);
  }

  async subscribe(eventId: string): Promise<void> {
    this.subscribed.add(eventId);
  }

  async unsubscribe(eventId: string): Promise<void> {
    this.subscribed.delete(eventId);
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
    this.hub.detach(this);
    this.subscribed.clear();
  }

  /** Queues `diff` for this bus's handler if it is subscribed to `eventId` now and still is then. */
  deliverDiff(eventId: string, diff: DiffPush): void {
    if (!this.subscribed.has(eventId)) return;
    queueMicrotask(() => {
      if (this.subscribed.has(eventId)) this.guard(() => this.diffHandler?.(eventId, diff));
    });
  }

  /** Queues an expiry for this bus's handler. */
  deliverExpired(userId: string, eventId: string, holdId: string): void {
    queueMicrotask(() => this.guard(() => this.expiryHandler?.(userId, eventId, holdId)));
  }

  /** Queues a waiting-room push for this bus's handler. */
  deliverQueue(userId: string, message: QueuePush): void {
    queueMicrotask(() => this.guard(() => this.queueHandler?.(userId, message)));
  }

  private guard(deliver: () => void): void {
    try {
      deliver();
    } catch (error) {
      this.onError(error);
    }
  }
}
