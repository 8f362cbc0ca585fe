// What happens after each delivery attempt, the same for BullMQ and in-process delivery: metrics, a
// log line for failures, and the delivered mark in the outbox (batched: one UPDATE per few ms however
// many deliveries finish, so the acknowledgement never waits on Postgres).
import type { Logger } from 'pino';
import type { Clock } from '../actor/clock';
import type { JobMetrics } from '../observability/job-metrics';
import type { OutboxStore } from '../store/outbox-store';
import { BatchWriter, DEFAULT_BATCHING } from './batch-writer';
import type { WebhookDelivery } from './webhook-sender';

/** Records the outcome of delivery attempts. */
export class DeliveryReport {
  private readonly marks: BatchWriter<string>;

  constructor(
    outbox: OutboxStore,
    private readonly metrics: JobMetrics | null,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.marks = new BatchWriter<string>({
      write: (ids) => outbox.markDelivered(ids, clock.now()),
      clock,
      // Marks dropped during a long outage are settled later by the outbox sweep (from the queue).
      ...DEFAULT_BATCHING,
      onError: (error) => log.warn({ err: error }, 'could not mark webhooks delivered; will retry'),
    });
  }

  /** The receiver acknowledged. */
  delivered(delivery: WebhookDelivery): void {
    this.marks.add(delivery.outboxId);
    this.metrics?.deliveries.inc({ type: delivery.type, outcome: 'delivered' });
    const ms = this.clock.now() - Date.parse(delivery.createdAt);
    if (Number.isFinite(ms)) this.metrics?.deliverySeconds.observe({ type: delivery.type }, Math.max(0, ms) / 1000);
  }

  /** An attempt failed; another follows. */
  failed(delivery: WebhookDelivery, reason: string, attempt: number): void {
    this.metrics?.deliveries.inc({ type: delivery.type, outcome: 'failed' });
    this.log.info({ outboxId: delivery.outboxId, type: delivery.type, attempt, reason }, 'webhook attempt failed; will retry');
  }

  /** The last attempt failed: a dead letter. */
  dead(delivery: WebhookDelivery, reason: string): void {
    this.metrics?.deliveries.inc({ type: delivery.type, outcome: 'dead' });
    this.log.warn({ outboxId: delivery.outboxId, type: delivery.type, reason }, 'webhook dead-lettered after its last attempt');
  }

  /** Writes the delivered marks still gathering. */
  flush(): Promise<void> {
    return this.marks.flush();
  }
}
