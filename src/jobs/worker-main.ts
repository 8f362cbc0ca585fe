// A webhook worker on its own: `node --import tsx src/jobs/worker-main.ts` with the server's
// DATABASE_URL, REDIS_URL, REDIS_PREFIX, WEBHOOK_URL and WEBHOOK_SECRET. Servers relay the outbox to
// the queue (run them with JOBS_WORKER=0 to leave all delivery to such processes); this process only
// delivers. SIGTERM finishes the deliveries in flight and exits 0.
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { systemClock } from '../actor/clock';
import { loadConfig } from '../config/config';
import { PgClient } from '../store/pg-client';
import { PostgresOutboxStore } from '../store/postgres-outbox-store';
import { BullmqWebhookWorker } from './bullmq-webhook-worker';
import { DeliveryReport } from './delivery-report';
import { bullmqConnection, queuePrefixOf } from './jobs';
import { WebhookSender } from './webhook-sender';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, base: { nodeId: config.nodeId, role: 'webhook-worker' } });
  const { webhookUrl, webhookSecret } = config.jobs;
  if (!config.queueRedisUrl || !config.databaseUrl || !webhookUrl || !webhookSecret) {
    log.fatal('a webhook worker needs REDIS_URL (or QUEUE_REDIS_URL), DATABASE_URL, WEBHOOK_URL and WEBHOOK_SECRET');
    process.exit(1);
  }
  const sql = new PgClient({ connectionString: config.databaseUrl, poolSize: 2 });
  const outbox = new PostgresOutboxStore(sql);
  const connection = bullmqConnection(config.queueRedisUrl);
  connection.on('error', (error) => log.warn({ err: error }, 'redis error'));
  const worker = new BullmqWebhookWorker(
    connection,
    queuePrefixOf(config.redisPrefix),
    new WebhookSender({ url: webhookUrl, secret: webhookSecret, timeoutMs: config.jobs.webhookTimeoutMs }, systemClock),
    outbox,
    new DeliveryReport(outbox, null, log, systemClock),
    systemClock,
    { concurrency: config.jobs.concurrency, lockMs: config.jobs.lockMs },
    (error) => log.warn({ err: error }, 'worker error'),
  );
  await worker.ready();
  log.info('Aisle webhook worker is ready');
  const stop = (): void => {
    log.info('draining');
    worker
      .close()
      .then(() => connection.quit())
      .then(() => sql.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'drain failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
