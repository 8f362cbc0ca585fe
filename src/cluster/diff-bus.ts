// Cross-node pushes: the owner publishes each coalesced diff once per event, and every node that has
// viewers of the event receives it; hold expiries reach the node where the hold's owner is connected.
import type { QueuePush } from '../../protocol';
import type { DiffPush } from '../actor/event-service';

/** A handler of one event's diffs. */
export type DiffHandler = (eventId: string, diff: DiffPush) => void;

/** A handler of hold expiries (every node gets every expiry; it pushes to its own sockets only). */
export type ExpiryHandler = (userId: string, eventId: string, holdId: string) => void;

/** A handler of waiting-room pushes (every node gets each; it pushes to its own sockets only). */
export type QueuePushHandler = (userId: string, message: QueuePush) => void;

/** Publish/subscribe of diffs and expiries between nodes. */
export interface DiffBus {
  publishDiff(eventId: string, diff: DiffPush): void;
  publishExpired(userId: string, eventId: string, holdId: string): void;
  /** A waiting-room push to a user, wherever the user is connected. */
  publishQueue(userId: string, message: QueuePush): void;
  /** Starts receiving `eventId`'s diffs; resolves once the subscription is active (no diff after it is missed). */
  subscribe(eventId: string): Promise<void>;
  /** Stops receiving `eventId`'s diffs. */
  unsubscribe(eventId: string): Promise<void>;
  /** Sets the single receiver of diffs of subscribed events. */
  onDiff(handler: DiffHandler): void;
  /** Sets the single receiver of expiries. */
  onExpired(handler: ExpiryHandler): void;
  /** Sets the single receiver of waiting-room pushes. */
  onQueue(handler: QueuePushHandler): void;
  /** Closes connections. */
  close(): Promise<void>;
}
