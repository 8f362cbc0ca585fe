// Wires the background work of one node from its configuration: with REDIS_URL, outbox → relay →
// BullMQ → worker; without, the same deliveries in process from the outbox, with the same retry
// policy. Plus the actor hooks that write announcements, the schedules, dead letters for staff and
// the ticket signer. The composition root calls `createJobs`, builds the actors with its hooks, then
// `start(registry)`.
import { announcedSales } from './announced-sales';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ActorRegistry } from '../actor/actor-registry';
import type { Clock } from '../actor/clock';
import type { JobsConfig } from '../config/config';
import type { SalesWriter } from '../actor/staff-commands';
import type { SalesState } from '../domain/types';
import type { DomainEvent } from '../domain/commands';
import type { ObservedActor } from '../actor/actor-deps';
import type { QueueDepths } from '../observability/job-metrics';
import { JobMetrics } from '../observability/job-metrics';
import type { Metrics } from '../observability/metrics';
import type { DeadLetter, ResentLetter } from '../store/outbox-store';
import { PostgresOutboxStore } from '../store/postgres-outbox-store';
import { PostgresScheduleStore } from '../store/postgres-schedule-store';
import type { SqlClient } from '../store/sql-client';
import { ActorAnnouncer } from './actor-announcer';
import { BullmqWebhookQueue } from './bullmq-webhook-queue';
import { BullmqWebhookWorker } from './bullmq-webhook-worker';
import { DeliveryReport } from './delivery-report';
import { LocalWebhookRunner } from './local-webhook-runner';
import { OutboxRelay } from './outbox-relay';
import { OutboxSweep } from './outbox-sweep';
import { Passivator } from './passivation';
import { Reconciler } from './reconciliation';
import type { RetryPolicy } from './retry-policy';
import { Schedules } from './schedules';
import { TicketSigner } from './ticket-signer';
import { WebhookSender } from './webhook-sender';
import type { QueueWebhookData, WebhookType } from '../../protocol';

/** Share of each backoff that is random, so retries after a receiver outage do not arrive in step. */
const RETRY_JITTER = 0.2;
/** Outbox rows per relay batch (one addBulk, one UPDATE). */
const RELAY_BATCH = 500;
/** Dead letters read per page when all are sent again. */
const RESEND_PAGE = 500;
/** A relay's or runner's claim on rows (ms); a process that dies leaves them for this long. */
const RELAY_LEASE_MS = 30_000;
/** A relayed row still unsettled after this long is checked against the queue (ms). */
const STUCK_AFTER_MS = 5 * 60_000;
/** Sales window announcements are made for window edges up to this old (ms): covers a day of downtime. */
const SALES_LOOKBACK_MS = 24 * 3600_000;
/** Lease of a cluster schedule's run (ms): longer than any run takes. */
const SCHEDULE_LEASE_MS = 60_000;

/** Longest wait for one step of stopping (ms): longer than a delivery attempt's default timeout. */
const STOP_STEP_MS = 10_000;

/** `work`, or nothing after STOP_STEP_MS. */
function bounded(work: Promise<unknown> | undefined): Promise<void> {
  if (!work) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, STOP_STEP_MS);
    timer.unref();
    void work.catch(() => undefined).finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The retry policy of a configuration. */
export function retryPolicyOf(config: JobsConfig): RetryPolicy {
  return { attempts: config.webhookAttempts, delayMs: config.webhookBackoffMs, jitter: RETRY_JITTER };
}

/** A BullMQ prefix under the node's Redis prefix (`aisle:` → `aisle:jobs`). */
export function queuePrefixOf(redisPrefix: string): string {
  return `${redisPrefix}jobs`;
}

/** Redis for BullMQ: workers block, so commands must wait through reconnects rather than fail. */
export function bullmqConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** What the jobs are built from. */
export interface JobsDeps {
  config: JobsConfig;
  /** The webhook queue's Redis (QUEUE_REDIS_URL, else REDIS_URL); none: deliveries run in process. */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** The event store's database. */
  sql: SqlClient;
  clock: Clock;
  nodeId: string;
  metrics: Metrics;
  log: Logger;
}

/** The background work of a node. */
export interface Jobs {
  readonly mode: 'bullmq' | 'in-process';
  /** For ActorObserver.applied. */
  applied(actor: ObservedActor, event: DomainEvent): void;
  /** For ActorObserver.queueChanged. */
  queueChanged(eventId: string, change: QueueWebhookData): void;
  /** For ActorDeps.sales: staff pause/resume with its announcement, in one statement, fenced by the epoch. */
  readonly sales: SalesWriter;
  /** Dead-lettered webhooks, newest first (staff). */
  deadLetters(limit: number, beforeId?: string): Promise<DeadLetter[]>;
  /** Sends the dead letters among `ids` again (the others are left alone); returns those. */
  resendDead(ids: string[]): Promise<ResentLetter[]>;
  /** Sends every dead letter again, `eventId`'s only when given. */
  resendAllDead(eventId?: string): Promise<ResentLetter[]>;
  readonly tickets: TicketSigner;
  /** Starts delivery and the schedules over the node's actors. */
  start(registry: ActorRegistry): void;
  /** Stops schedules, writes what is gathering, finishes deliveries in flight. */
  stop(): Promise<void>;
}

/** Builds the jobs of a node (nothing runs until `start`). */
export function createJobs(deps: JobsDeps): Jobs {
  const { config, clock, log } = deps;
  const metrics = new JobMetrics(deps.metrics.registry);
  const outbox = new PostgresOutboxStore(deps.sql);
  const scheduleStore = new PostgresScheduleStore(deps.sql);
  const webhooksOn = config.webhookUrl !== undefined && config.webhookSecret !== undefined;
  const types: ReadonlySet<WebhookType> = webhooksOn ? config.webhookTypes : new Set();
  const subscribed = (type: string): boolean => types.has(type as WebhookType);
  const sender = webhooksOn
    ? new WebhookSender({ url: config.webhookUrl!, secret: config.webhookSecret!, timeoutMs: config.webhookTimeoutMs }, clock)
    : null;
  const policy = retryPolicyOf(config);
  const report = new DeliveryReport(outbox, metrics, log, clock);
  const onError = (context: string) => (error: unknown) => log.warn({ err: error, context }, 'jobs error');

  let connection: Redis | null = null;
  let queue: BullmqWebhookQueue | null = null;
  let worker: BullmqWebhookWorker | null = null;
  let workerConnection: Redis | null = null;
  let runner: LocalWebhookRunner | null = null;
  let relay: OutboxRelay | null = null;
  const relayOptions = { batchSize: RELAY_BATCH, leaseMs: RELAY_LEASE_MS, pollMs: config.outboxPollMs };
  if (deps.redisUrl && sender) {
    connection = bullmqConnection(deps.redisUrl);
    connection.on('error', onError('redis'));
    queue = new BullmqWebhookQueue(connection, queuePrefixOf(deps.redisPrefix), policy, config.keepFailedJobs);
    relay = new OutboxRelay(outbox, queue, subscribed, clock, relayOptions, onError('relay'));
  } else if (sender) {
    const leaseMs = 2 * config.webhookTimeoutMs + RELAY_LEASE_MS;
    const options = { concurrency: config.concurrency, leaseMs, pollMs: config.outboxPollMs };
    runner = new LocalWebhookRunner(outbox, sender, subscribed, policy, report, clock, options, onError('runner'));
  } else {
    // Webhooks off: rows are settled as skipped, so the outbox does not grow a pending backlog.
    relay = new OutboxRelay(outbox, { dispatch: async () => undefined }, subscribed, clock, relayOptions, onError('relay'));
  }
  const nudge = (): void => {
    relay?.nudge();
    runner?.nudge();
  };
  const announcer = new ActorAnnouncer(outbox, types, clock, metrics, log, nudge);
  const schedules = new Schedules(scheduleStore, clock, deps.nodeId, metrics, log);

  metrics.depths = async (): Promise<QueueDepths> => {
    const counts = await outbox.counts();
    if (!queue) return { pending: counts.pending, waiting: null, delayed: null, active: null, failed: counts.dead, dead: counts.dead };
    const jobs = await queue.counts();
    return { pending: counts.pending, ...jobs, dead: counts.dead };
  };

  async function resendDead(ids: string[]): Promise<ResentLetter[]> {
    if (ids.length === 0) return [];
    // The failed job goes first: the row is still dead, so the relay cannot hand it over before that.
    await queue?.forgetFailed(ids);
    const resent = await outbox.resendDead(ids);
    if (resent.length > 0) nudge();
    return resent;
  }

  return {
    mode: deps.redisUrl ? 'bullmq' : 'in-process',
    applied: announcer.applied,
    queueChanged: announcer.queueChanged,
    sales: announcedSales(deps.sql),
    deadLetters: (limit, beforeId) => outbox.listDead(limit, beforeId),
    resendDead,
    async resendAllDead(eventId?: string): Promise<ResentLetter[]> {
      const resent: ResentLetter[] = [];
      // Newest first by id, a page at a time: a letter that dies again meanwhile is not met twice.
      let before: string | undefined;
      for (;;) {
        const page = await outbox.listDead(RESEND_PAGE, before);
        if (page.length === 0) return resent;
        before = page[page.length - 1].id;
        resent.push(...(await resendDead(page.filter((d) => eventId === undefined || d.eventId === eventId).map((d) => d.id))));
      }
    },
    tickets: new TicketSigner(config.ticketSecret),

    start(registry: ActorRegistry): void {
      if (deps.redisUrl && sender && config.worker) {
        const options = { concurrency: config.concurrency, lockMs: config.lockMs };
        workerConnection = bullmqConnection(deps.redisUrl);
        workerConnection.on('error', onError('redis'));
        worker = new BullmqWebhookWorker(workerConnection, queuePrefixOf(deps.redisPrefix), sender, outbox, report, clock, options, onError('worker'));
      }
      relay?.start();
      runner?.start();
      schedules.add({
        name: 'sales-window',
        cron: config.cron.salesWindow,
        scope: 'cluster',
        leaseMs: SCHEDULE_LEASE_MS,
        run: async () => {
          if ((await outbox.announceSalesWindows(clock.now(), SALES_LOOKBACK_MS)) > 0) nudge();
        },
      });
      if (queue) {
        const sweep = new OutboxSweep(outbox, queue, clock, STUCK_AFTER_MS, log, nudge);
        schedules.add({ name: 'outbox-sweep', cron: config.cron.outboxSweep, scope: 'cluster', leaseMs: SCHEDULE_LEASE_MS, run: () => sweep.run().then(() => undefined) });
      }
      if (config.actorIdleMs > 0) {
        const passivator = new Passivator(registry, clock, config.actorIdleMs, metrics, log);
        schedules.add({ name: 'passivation', cron: config.cron.passivation, scope: 'node', leaseMs: SCHEDULE_LEASE_MS, run: () => passivator.sweep().then(() => undefined) });
      }
      const reconciler = new Reconciler(() => registry.all(), scheduleStore, metrics, log);
      schedules.add({ name: 'reconciliation', cron: config.cron.reconciliation, scope: 'node', leaseMs: SCHEDULE_LEASE_MS, run: () => reconciler.run().then(() => undefined) });
      log.info({ mode: deps.redisUrl ? 'bullmq' : 'in-process', webhooks: webhooksOn ? [...types] : 'off', worker: Boolean(worker || runner) }, 'jobs started');
    },

    async stop(): Promise<void> {
      // Each step is bounded: a drain must end even with Redis or Postgres gone.
      await bounded(schedules.stop());
      await bounded(announcer.flush());
      await bounded(relay?.stop());
      await bounded(runner?.stop());
      await bounded(worker?.close());
      await bounded(report.flush());
      await bounded(queue?.close());
      connection?.disconnect();
      workerConnection?.disconnect();
    },
  };
}
