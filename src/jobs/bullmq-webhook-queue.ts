// The BullMQ side of webhook delivery that every node needs: adding jobs (the relay's dispatcher),
// looking a job up (the stuck-outbox sweep) and counting jobs by state (/metrics).
import { Queue } from 'bullmq';
import type { JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WebhookDispatcher } from './outbox-relay';
import type { RetryPolicy } from './retry-policy';
import type { WebhookDelivery } from './webhook-sender';

/** The queue's name under the configured prefix. */
export const WEBHOOK_QUEUE = 'webhooks';

/** Completed jobs kept (s / count): a relay retrying within this window adds no duplicate. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 100_000 };
/** Failed jobs kept (s): two weeks to look into, beside the dead letters in Postgres; the count is capped too
 *  (`keepFailed`), so a receiver outage cannot grow Redis without bound. */
const KEEP_FAILED_SECONDS = 14 * 24 * 3600;

/** BullMQ forbids integer and `:`-containing custom ids; the outbox id behind a fixed prefix is neither. */
export function jobIdOf(outboxId: string): string {
  return `outbox-${outboxId}`;
}

/** Where a relayed delivery stands in the queue. */
export type QueuedState = 'pending' | 'completed' | 'failed' | 'missing';

/** Producer-side handle on the webhook queue. */
export class BullmqWebhookQueue implements WebhookDispatcher {
  private readonly queue: Queue<WebhookDelivery>;
  private readonly jobOptions: JobsOptions;

  constructor(connection: Redis, prefix: string, policy: RetryPolicy, keepFailed: number) {
    this.queue = new Queue<WebhookDelivery>(WEBHOOK_QUEUE, { connection, prefix });
    this.jobOptions = {
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.delayMs, jitter: policy.jitter },
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: { age: KEEP_FAILED_SECONDS, count: keepFailed },
    };
  }

  async dispatch(deliveries: WebhookDelivery[]): Promise<void> {
    await this.queue.addBulk(
      deliveries.map((delivery) => ({
        name: delivery.type,
        data: delivery,
        opts: { ...this.jobOptions, jobId: jobIdOf(delivery.outboxId) },
      })),
    );
  }

  /**
   * Removes the failed jobs of outbox rows about to be sent again: a job id is added once, so the new
   * job would be dropped while the failed one is kept. A job in any other state is left alone.
   */
  async forgetFailed(outboxIds: string[]): Promise<void> {
    for (const id of outboxIds) {
      const jobId = jobIdOf(id);
      if ((await this.queue.getJobState(jobId)) === 'failed') await this.queue.remove(jobId);
    }
  }

  /** The state of an outbox row's job, and why it failed if it did. */
  async stateOf(outboxId: string): Promise<{ state: QueuedState; failedReason?: string }> {
    const jobId = jobIdOf(outboxId);
    const state = await this.queue.getJobState(jobId);
    if (state === 'unknown') return { state: 'missing' };
    if (state === 'completed') return { state: 'completed' };
    if (state === 'failed') {
      const job = await this.queue.getJob(jobId);
      return { state: 'failed', failedReason: job?.failedReason ?? 'failed' };
    }
    return { state: 'pending' };
  }

  /** Job counts by state. */
  counts(): Promise<{ waiting: number; delayed: number; active: number; failed: number }> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'failed') as Promise<{
      waiting: number;
      delayed: number;
      active: number;
      failed: number;
    }>;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
