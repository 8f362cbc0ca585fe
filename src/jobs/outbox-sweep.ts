// BullMQ mode's safety net for rows handed to the queue long ago and never settled in Postgres: the
// job is gone (Redis lost it: put the row back to pending, the relay adds it again), failed for good
// without the dead mark (a worker died at that moment, or the job stalled too often: mark it dead),
// or completed without the delivered mark (lost with a worker: mark it delivered). In-process mode
// needs none of this: a row being delivered is only leased, and comes back when the lease ends.
import type { Logger } from 'pino';
import type { Clock } from '../actor/clock';
import type { OutboxStore } from '../store/outbox-store';
import type { QueuedState } from './bullmq-webhook-queue';

/** Rows looked at per run. */
const SWEEP_LIMIT = 500;

/** What the sweep asks of the queue. */
export interface QueueLookup {
  stateOf(outboxId: string): Promise<{ state: QueuedState; failedReason?: string }>;
}

/** What one run did. */
export interface SweepResult {
  requeued: number;
  dead: number;
  delivered: number;
}

/** Settles stuck outbox rows against the queue. */
export class OutboxSweep {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly queue: QueueLookup,
    private readonly clock: Clock,
    /** How long after relaying a row counts as stuck (ms): longer than all its retries normally take. */
    private readonly stuckMs: number,
    private readonly log: Logger,
    private readonly requeued: () => void,
  ) {}

  async run(): Promise<SweepResult> {
    const rows = await this.outbox.findQueued(this.clock.now() - this.stuckMs, SWEEP_LIMIT);
    const missing: string[] = [];
    const completed: string[] = [];
    let dead = 0;
    for (const row of rows) {
      const { state, failedReason } = await this.queue.stateOf(row.id);
      if (state === 'missing') missing.push(row.id);
      else if (state === 'completed') completed.push(row.id);
      else if (state === 'failed') {
        await this.outbox.markDead(row.id, failedReason ?? 'failed', 0, this.clock.now());
        dead += 1;
      }
    }
    await this.outbox.requeue(missing);
    await this.outbox.markDelivered(completed, this.clock.now());
    const result = { requeued: missing.length, dead, delivered: completed.length };
    if (missing.length + dead + completed.length > 0) {
      this.log.warn(result, 'outbox sweep settled stuck rows');
      if (missing.length > 0) this.requeued();
    }
    return result;
  }
}
