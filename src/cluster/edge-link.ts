// The edge process's side of its IPC channel to the primary: calls with replies (seat commands, the
// primary's snapshot, the per-user rate limit), and the diff subscriptions, offered as the DiffBus,
// EventService and UserRateLimiter the gateway and the replica hub already work with.
import type { DiffPush, EventService, Outcome, SnapshotView } from '../actor/event-service';
import type { UserRateLimiter } from '../gateway/user-rate-limiter';
import type { QueuePush } from '../../protocol';
import type { DiffBus, DiffHandler, ExpiryHandler, QueuePushHandler } from './diff-bus';
import type { EdgeOp, FromEdge, ToEdge } from './edge-protocol';

/** How long a call waits for the primary (a purchase may wait out a database outage, COMMIT_RETRY_MS). */
const CALL_TIMEOUT_MS = 30_000;

/** Where the link sends: `process.send` in an edge process. */
export type SendToPrimary = (message: FromEdge) => void;

/** Calls to the primary and the pushes it sends back. */
export class EdgeLink implements DiffBus, UserRateLimiter {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (outcome: Outcome<unknown>) => void; timer: NodeJS.Timeout }>();
  private diffHandler: DiffHandler | null = null;
  private expiryHandler: ExpiryHandler | null = null;
  private queueHandler: QueuePushHandler | null = null;

  constructor(private readonly send: SendToPrimary) {}

  /** Feeds a message from the primary in (replies, diffs, expiries); false for one that is not the link's. */
  receive(message: ToEdge): boolean {
    switch (message.type) {
      case 'reply': {
        const call = this.pending.get(message.id);
        if (!call) return true;
        this.pending.delete(message.id);
        clearTimeout(call.timer);
        call.resolve(message.outcome);
        return true;
      }
      case 'diff':
        this.diffHandler?.(message.eventId, message.diff);
        return true;
      case 'expired':
        this.expiryHandler?.(message.userId, message.eventId, message.holdId);
        return true;
      case 'queue':
        this.queueHandler?.(message.userId, message.message);
        return true;
      default:
        return false;
    }
  }

  /** Asks the primary; resolves with its outcome (`unavailable` if it does not answer in time). */
  call<T>(op: EdgeOp, eventId: string, args: unknown[]): Promise<Outcome<T>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'unavailable', message: 'the server did not answer in time; the request may or may not have been done' } });
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (outcome: Outcome<unknown>) => void, timer });
      this.send({ type: 'call', id, op, eventId, args });
    });
  }

  /** The EventService of an edge: every call goes to the primary; snapshots from `snapshots` (the edge's replicas). */
  service(snapshots: { snapshot(eventId: string): Promise<Outcome<SnapshotView>> }): EventService {
    return {
      hold: (eventId, ...args) => this.call('hold', eventId, args),
      release: (eventId, ...args) => this.call('release', eventId, args),
      extend: (eventId, ...args) => this.call('extend', eventId, args),
      holds: (eventId, ...args) => this.call('holds', eventId, args),
      buy: (eventId, ...args) => this.call('buy', eventId, args),
      snapshot: (eventId) => snapshots.snapshot(eventId),
      stats: (eventId) => this.call('stats', eventId, []),
      liveInfo: (eventId) => this.call('liveInfo', eventId, []),
      setSales: (eventId, ...args) => this.call('setSales', eventId, args),
      block: (eventId, ...args) => this.call('block', eventId, args),
      cancelOrder: (eventId, ...args) => this.call('cancelOrder', eventId, args),
      updateEvent: (eventId, ...args) => this.call('updateEvent', eventId, args),
      staffHolds: (eventId) => this.call('staffHolds', eventId, []),
      forceRelease: (eventId, ...args) => this.call('forceRelease', eventId, args),
      placeStaffHold: (eventId, ...args) => this.call('placeStaffHold', eventId, args),
      releaseStaffHold: (eventId, ...args) => this.call('releaseStaffHold', eventId, args),
      join: (eventId, ...args) => this.call('join', eventId, args),
      leave: (eventId, ...args) => this.call('leave', eventId, args),
      queueInfo: (eventId) => this.call('queueInfo', eventId, []),
    };
  }

  /** The primary's snapshot (its replica's state, consistent with the diffs it relays). */
  primarySnapshot(eventId: string): Promise<Outcome<SnapshotView>> {
    return this.call('snapshot', eventId, []);
  }

  // ------------------------------------------------------------------ UserRateLimiter: decided by the primary for every edge

  async admit(userId: string): Promise<boolean> {
    const outcome = await this.call<boolean>('admit', '', [userId]);
    // A primary that cannot answer refuses nothing it cannot count: the per-connection limit still holds.
    return outcome.ok ? outcome.value : true;
  }

  // ------------------------------------------------------------------ DiffBus: the primary relays what this edge subscribed to

  publishDiff(_eventId: string, _diff: DiffPush): void {
    throw new Error('an edge publishes no diffs: actors live in the primary');
  }

  publishExpired(_userId: string, _eventId: string, _holdId: string): void {
    throw new Error('an edge publishes no expiries: actors live in the primary');
  }

  publishQueue(_userId: string, _message: QueuePush): void {
    throw new Error('an edge publishes no waiting-room pushes: actors live in the primary');
  }

  async subscribe(eventId: string): Promise<void> {
    const outcome = await this.call('subscribe', eventId, []);
    if (!outcome.ok) throw new Error(`subscribing to ${eventId}: ${outcome.error.message}`);
  }

  async unsubscribe(eventId: string): Promise<void> {
    await this.call('unsubscribe', eventId, []);
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
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.resolve({ ok: false, error: { code: 'unavailable', message: 'the server is shutting down' } });
      this.pending.delete(id);
    }
  }
}
