// Turns what actors do into outbox rows that are not written by the store's own transactions: hold
// changes (only when WEBHOOK_EVENTS names them) and sell-outs. It hangs on the actor's `applied`
// observer hook, so no command path calls it, and it never awaits: rows are gathered and written in
// batches. A crash can lose the last few milliseconds of them, like the in-memory holds they describe;
// a sell-out is written with a dedupe key, so writing it twice does no harm.
import type { Logger } from 'pino';
import type { Clock } from '../actor/clock';
import type { ObservedActor } from '../actor/actor-deps';
import type { DomainEvent } from '../domain/commands';
import type { JobMetrics } from '../observability/job-metrics';
import type { NewOutboxMessage, OutboxStore } from '../store/outbox-store';
import { BatchWriter, DEFAULT_BATCHING } from './batch-writer';
import type { HoldCreatedWebhookData, HoldReleasedWebhookData, QueueWebhookData, SoldOutWebhookData, WebhookType } from '../../protocol';

/** Writes hold and sell-out announcements; tells the relay when rows of any kind were committed. */
export class ActorAnnouncer {
  private readonly writer: BatchWriter<NewOutboxMessage>;

  constructor(
    outbox: OutboxStore,
    private readonly types: ReadonlySet<WebhookType>,
    clock: Clock,
    metrics: JobMetrics | null,
    log: Logger,
    /** Called when new outbox rows were committed (by a purchase, a cancel, a sales change or here). */
    private readonly committed: () => void,
  ) {
    this.writer = new BatchWriter<NewOutboxMessage>({
      write: (rows) => outbox.append(rows).then(() => undefined),
      clock,
      ...DEFAULT_BATCHING,
      onError: (error) => log.warn({ err: error }, 'could not write announcements to the outbox; will retry'),
      onDropped: (count) => metrics?.outboxDropped.inc(count),
      onWritten: () => committed(),
    });
  }

  /** The actor observer hook (ActorObserver.applied). */
  readonly applied = (actor: ObservedActor, event: DomainEvent): void => {
    const eventId = actor.eventId;
    switch (event.type) {
      case 'SeatsHeld':
        if (event.created && this.types.has('hold.created')) {
          const { holdId, userId, areas, expiresAt } = event;
          this.writer.add({ eventId, type: 'hold.created', payload: { eventId, holdId, userId, seats: actor.seatIds(event.seats), areas, expiresAt } satisfies HoldCreatedWebhookData });
        }
        break;
      case 'SeatsReleased': {
        const type = event.reason === 'expired' ? 'hold.expired' : 'hold.released';
        if (this.types.has(type)) {
          const { holdId, userId, areas, holdEnded } = event;
          this.writer.add({ eventId, type, payload: { eventId, holdId, userId, seats: actor.seatIds(event.seats), areas, holdEnded } satisfies HoldReleasedWebhookData });
        }
        break;
      }
      case 'OrderConfirmed':
        // Its order.confirmed row was committed with it.
        this.committed();
        if (actor.isSoldOut()) {
          this.writer.add({
            eventId,
            type: 'event.sold_out',
            payload: { eventId, orderId: event.orderId } satisfies SoldOutWebhookData,
            // Once per sell-out: a cancellation and a new last sale make a new one.
            dedupeKey: `event.sold_out:${eventId}:${event.orderId}`,
          });
        }
        break;
      case 'OrderCancelled':
      case 'SalesChanged':
        this.committed();
        break;
      default:
        break;
    }
  };

  /** The actor observer hook (ActorObserver.queueChanged): queue.opened and queue.closed when asked for. */
  readonly queueChanged = (eventId: string, change: QueueWebhookData): void => {
    const type = change.reason === 'sold_out' || change.reason === 'closed' ? 'queue.closed' : 'queue.opened';
    if (this.types.has(type)) this.writer.add({ eventId, type, payload: { ...change } });
  };

  /** Writes what is gathering (drain, tests). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
