// Queue and schedule health: webhook deliveries, the outbox and queue by state, schedule
// runs, passivation and reconciliation, registered in the node's registry beside its other metrics.
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';

/** How long a scrape waits for the queue depths (ms). */
const DEPTHS_TIMEOUT_MS = 1000;

/** Counts by state of the delivery pipeline, read at scrape time. */
export interface QueueDepths {
  /** Outbox rows not yet relayed or finished. */
  pending: number;
  /** BullMQ: jobs waiting, delayed (backing off) and active; in-process: null (they are pending rows). */
  waiting: number | null;
  delayed: number | null;
  active: number | null;
  /** Jobs failed for good (BullMQ failed set), or dead-lettered outbox rows. */
  failed: number;
  /** Dead-lettered outbox rows: visible to staff at GET /api/webhooks/dead. */
  dead: number;
}

/** The jobs' metrics of one node. */
export class JobMetrics {
  /** Where the depth gauges read at scrape time (set once the jobs are wired). */
  depths: () => Promise<QueueDepths | null> = async () => null;

  readonly deliveries: Counter<'type' | 'outcome'>;
  readonly deliverySeconds: Histogram<'type'>;
  readonly queue: Gauge<'state'>;
  readonly outboxDropped: Counter;
  readonly scheduleRuns: Counter<'schedule' | 'outcome'>;
  readonly scheduleSeconds: Histogram<'schedule'>;
  readonly scheduleLastRun: Gauge<'schedule'>;
  readonly passivated: Counter;
  readonly reconcileDifference: Gauge<'event_id' | 'kind'>;
  readonly reconcileMismatches: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.deliveries = new Counter({
      name: 'aisle_webhook_attempts_total',
      help: 'Webhook delivery attempts by type and outcome (delivered, failed: will retry, dead: last attempt failed)',
      labelNames: ['type', 'outcome'] as const,
      registers,
    });
    this.deliverySeconds = new Histogram({
      name: 'aisle_webhook_delivery_seconds',
      help: 'From the commit that wrote the outbox row to the receiver acknowledging the webhook',
      labelNames: ['type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.queue = new Gauge({
      name: 'aisle_jobs_queue',
      help: 'Webhook work by state: pending (outbox, not relayed), waiting, delayed, active, failed, dead (dead letters)',
      labelNames: ['state'] as const,
      registers,
      collect: async (): Promise<void> => {
        // A scrape must not hang on an unreachable Redis or Postgres: no figures this time instead.
        const timeout = new Promise<null>((resolve) => setTimeout(resolve, DEPTHS_TIMEOUT_MS, null).unref());
        const depths = await Promise.race([this.depths().catch(() => null), timeout]);
        if (!depths) return;
        for (const state of ['pending', 'waiting', 'delayed', 'active', 'failed', 'dead'] as const) {
          const value = depths[state];
          if (value !== null) this.queue.set({ state }, value);
        }
      },
    });
    this.outboxDropped = new Counter({
      name: 'aisle_outbox_writes_dropped_total',
      help: 'Hold and sell-out announcements dropped because the database stayed away (buffer full)',
      registers,
    });
    this.scheduleRuns = new Counter({
      name: 'aisle_schedule_runs_total',
      help: 'Schedule ticks by outcome: ran, skipped (another node has the slot, or the last run still going), failed',
      labelNames: ['schedule', 'outcome'] as const,
      registers,
    });
    this.scheduleSeconds = new Histogram({
      name: 'aisle_schedule_seconds',
      help: 'Duration of a schedule run on this node',
      labelNames: ['schedule'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.scheduleLastRun = new Gauge({
      name: 'aisle_schedule_last_run_timestamp_seconds',
      help: 'When a schedule last ran on this node (unix seconds)',
      labelNames: ['schedule'] as const,
      registers,
    });
    this.passivated = new Counter({
      name: 'aisle_actors_passivated_total',
      help: 'Idle actors passivated (flushed, stopped and freed; reactivated on the next command)',
      registers,
    });
    this.reconcileDifference = new Gauge({
      name: 'aisle_reconcile_sold_difference',
      help: 'Sold seats or places (kind) an active actor counts minus what Postgres records; 0 when they agree',
      labelNames: ['event_id', 'kind'] as const,
      registers,
    });
    this.reconcileMismatches = new Counter({
      name: 'aisle_reconcile_mismatches_total',
      help: 'Reconciliation runs that found an actor disagreeing with Postgres',
      registers,
    });
  }
}
