// What an actor is built from: its store, clock, feed, ids, journal and observers (event-actor.ts).
import type { QueueWebhookData } from '../../protocol';
import type { HoldJournal } from './hold-journal';
import type { QueueJournal } from './queue-journal';
import type { DomainEvent } from '../domain/commands';
import type { EventStore } from '../store/event-store';
import type { Clock } from './clock';
import type { EventFeed } from './event-service';
import type { SalesWriter } from './staff-commands';

/** Ids the actor mints (hold and order ids must be unguessable: they are capabilities). */
export interface IdSource {
  holdId(): string;
  orderId(): string;
}

/** What an observer may ask of the actor that applied an event (not EventActor itself: that imports this module). */
export interface ObservedActor {
  readonly eventId: string;
  seatIds(indexes: readonly number[]): string[];
  isSoldOut(): boolean;
}

/** Hooks for metrics; all optional. */
export interface ActorObserver {
  command?(type: string, outcome: string): void;
  commitBatch?(size: number, ms: number): void;
  /** The epoch check refused a commit (a newer owner claimed the event): `orders` were not written. */
  epochRefused?(orders: number): void;
  error?(error: unknown, context: string): void;
  /** Each applied domain event, after the actor's own effects (jobs: hold webhooks, sell-outs). */
  applied?(actor: ObservedActor, event: DomainEvent): void;
  /** The waiting room opened (lottery drawn, or seats came back to a sold-out waitlist) or closed. */
  queueChanged?(eventId: string, change: QueueWebhookData): void;
}

/** Everything an actor is built from. */
export interface ActorDeps {
  store: EventStore;
  clock: Clock;
  feed: EventFeed;
  ids: IdSource;
  nodeId: string;
  tickMs: number;
  commit: { maxBatch: number; maxInFlight: number; retryForMs: number };
  /** Where holds are replicated before they are acknowledged (cluster mode); none: memory only. */
  journal?: HoldJournal;
  /** Where waiting rooms' changes are replicated before joins are answered (cluster mode); none: not replicated. */
  queueJournal?: QueueJournal;
  /** How often a waiting room is saved whole to the store (ms; default a second). */
  queueSaveMs?: number;
  /** Persists staff's pause/resume together with its announcement (jobs outbox); none: store.setSales. */
  sales?: SalesWriter;
  observer?: ActorObserver;
}
