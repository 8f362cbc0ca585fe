// The BullMQ worker that delivers webhooks. A job's lock is renewed while it runs; a worker that dies
// mid-delivery stops renewing it, and after `lockMs` another worker's stalled check puts the job back
// to wait, so it is delivered again (at least once; receivers deduplicate by id).
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../actor/clock';
import type { OutboxStore } from '../store/outbox-store';
import { WEBHOOK_QUEUE } from './bullmq-webhook-queue';
import type { DeliveryReport } from './delivery-report';
import type { WebhookDelivery, WebhookSender } from './webhook-sender';

/** How often a job may be recovered from a dead worker before it fails for good (BullMQ default: 1). */
const MAX_STALLED = 3;

/** How the worker is tuned. */
export interface WorkerOptions {
  concurrency: number;
  /** Job lock (ms): how long a dead worker's job waits before another worker takes it over. */
  lockMs: number;
}

/** Consumes the webhook queue. */
export class BullmqWebhookWorker {
  private readonly worker: Worker<WebhookDelivery>;

  constructor(
    connection: Redis,
    prefix: string,
    private readonly sender: WebhookSender,
    private readonly outbox: OutboxStore,
    private readonly report: DeliveryReport,
    private readonly clock: Clock,
    options: WorkerOptions,
    onError: (error: unknown) => void,
  ) {
    this.worker = new Worker<WebhookDelivery>(WEBHOOK_QUEUE, (job) => this.process(job), {
      connection,
      prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: MAX_STALLED,
    });
    this.worker.on('error', onError);
  }

  /** Resolves once the worker is connected and taking jobs. */
  ready(): Promise<void> {
    return this.worker.waitUntilReady().then(() => undefined);
  }

  /** Finishes the jobs in flight and stops. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.report.flush();
  }

  private async process(job: Job<WebhookDelivery>): Promise<void> {
    const delivery = job.data;
    try {
      await this.sender.deliver(delivery);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const attempt = job.attemptsMade + 1;
      if (attempt >= (job.opts.attempts ?? 1)) {
        // Recorded before the job leaves `active`: a worker dying here leaves the job to a retry.
        await this.outbox.markDead(delivery.outboxId, reason, attempt, this.clock.now());
        this.report.dead(delivery, reason);
      } else {
        this.report.failed(delivery, reason, attempt);
      }
      throw error;
    }
    this.report.delivered(delivery);
  }
}
