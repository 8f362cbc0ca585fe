// Reads the process environment once, at the composition root, into a typed configuration.
// Names and defaults are those of docs/protocol.md ("Process and configuration"); extras are marked.
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { validate as isCron } from 'node-cron';
import { webhookTypes } from '../../protocol';
import type { WebhookType } from '../../protocol';
import { devTicketSecret } from '../store/ticket-code';

/** Everything the server is configured with. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Extra: a Redis of its own for the webhook queue (default REDIS_URL), so a delivery backlog cannot fill
   *  the Redis that holds leases and the hold journal. */
  queueRedisUrl: string | undefined;
  /** Extra: prefix of every Redis key and channel, so clusters can share a Redis. */
  redisPrefix: string;
  nodeId: string;
  advertiseUrl: string;
  authSecret: string | undefined;
  /**
   * Extra: HMAC secret of ticket codes (src/store/ticket-code.ts): TICKET_SECRET, else AUTH_SECRET,
   * else (dev mode) one derived from the database's location, stable across restarts but not secret.
   */
  ticketSecret: string;
  /** Where ticketSecret came from; `derived` is announced at start. */
  ticketSecretSource: 'TICKET_SECRET' | 'AUTH_SECRET' | 'derived';
  logLevel: string;
  production: boolean;
  /** Extra: how often an actor publishes its coalesced diff (docs/architecture.md: ≤ 50 ms). */
  diffTickMs: number;
  /** Extra: how often a waiting room is saved whole to Postgres (ms); in a cluster the room journal covers between saves. */
  queueSaveMs: number;
  /** Extra: group commit bounds: most orders per transaction, transactions in flight per event (it adapts below them). */
  commitMaxBatch: number;
  commitMaxInFlight: number;
  /** Extra: how long a purchase may wait for an unreachable database before `unavailable`. */
  commitRetryMs: number;
  /** Extra: pg pool size. */
  dbPoolSize: number;
  /** Extra: Postgres cancels a statement running longer than this (ms; 0: never). */
  dbStatementTimeoutMs: number;
  /** Extra: run hot statements as named prepared statements (off for a pooler that cannot track them). */
  dbPreparedStatements: boolean;
  /** Extra: create the demo event on first start (default on). */
  demo: boolean;
  /** Webhooks, background jobs and schedules. */
  jobs: JobsConfig;
  /** Extra: limits against abusive clients (SECURITY.md). */
  abuse: AbuseConfig;
  /**
   * Extra: gateway edge processes holding the WebSocket viewers on the public port (0: the node's own
   * process serves them). `auto`: one per core when there is more than one.
   */
  gatewayWorkers: number;
}

/** Extra: rate limits, connection caps and buffer bounds of the WebSocket edge (SECURITY.md). */
export interface AbuseConfig {
  /** Requests per second and burst of one connection. */
  wsRatePerSecond: number;
  wsRateBurst: number;
  /** Seat commands (hold, release, extend, buy) per second and burst of one user, over all nodes. */
  userRatePerSecond: number;
  userRateBurst: number;
  /** Open connections per client address and per user on one node (0: no cap). */
  maxConnectionsPerIp: number;
  maxConnectionsPerUser: number;
  /** Unsent bytes one connection may have before it is dropped, and all of them together. */
  maxBackpressureBytes: number;
  bufferBudgetBytes: number;
  /** Count connections by the last X-Forwarded-For entry (only behind a proxy that sets it). */
  trustProxy: boolean;
}

const MIB = 1024 * 1024;

/** The abuse limits; defaults in SECURITY.md. */
function loadAbuseConfig(env: NodeJS.ProcessEnv): AbuseConfig {
  return {
    wsRatePerSecond: int(env, 'WS_RATE_PER_SECOND', 2000, 1, 1_000_000),
    wsRateBurst: int(env, 'WS_RATE_BURST', 4000, 1, 1_000_000),
    userRatePerSecond: int(env, 'USER_RATE_PER_SECOND', 500, 1, 1_000_000),
    userRateBurst: int(env, 'USER_RATE_BURST', 1000, 1, 1_000_000),
    maxConnectionsPerIp: int(env, 'MAX_CONNECTIONS_PER_IP', 0, 0, 1_000_000),
    maxConnectionsPerUser: int(env, 'MAX_CONNECTIONS_PER_USER', 16, 0, 1_000_000),
    maxBackpressureBytes: int(env, 'WS_MAX_BACKPRESSURE_BYTES', 4 * MIB, 64 * 1024, 1024 * MIB),
    bufferBudgetBytes: int(env, 'WS_BUFFER_BUDGET_BYTES', 256 * MIB, MIB, 64 * 1024 * MIB),
    trustProxy: env.TRUST_PROXY === '1',
  };
}

/** Webhooks (docs/protocol.md: WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_EVENTS) and the jobs' extras. */
export interface JobsConfig {
  /** Both set: webhooks on; neither: off. */
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** The types delivered: the defaults plus those WEBHOOK_EVENTS names. */
  webhookTypes: Set<WebhookType>;
  /** Extra: per attempt (ms). */
  webhookTimeoutMs: number;
  /** Extra: attempts in all before a delivery is dead-lettered, and the first backoff (ms, doubling). */
  webhookAttempts: number;
  webhookBackoffMs: number;
  /** Extra: deliver webhooks in this process (else only relay them to the queue; REDIS_URL only). */
  worker: boolean;
  /** Extra: deliveries in flight per process. */
  concurrency: number;
  /** Extra: failed jobs kept in the queue's Redis at most (the dead letters stay in Postgres). */
  keepFailedJobs: number;
  /** Extra: BullMQ job lock (ms): how soon a dead worker's delivery is taken over. */
  lockMs: number;
  /** Extra: how often the outbox is polled for rows committed by other nodes (ms). */
  outboxPollMs: number;
  /** Extra: passivate actors idle this long (ms); 0: never. */
  actorIdleMs: number;
  /** Extra: cron expressions (6 fields, with seconds) of the schedules. */
  cron: { salesWindow: string; outboxSweep: string; passivation: string; reconciliation: string };
  /** Extra: HMAC secret of the tickets' QR payloads (default AUTH_SECRET; none: random per process). */
  ticketSecret: string | undefined;
}

/** Thrown when an environment variable has a value that cannot be used. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** GATEWAY_WORKERS: a count, or `auto` (one per core on a machine with several). */
function gatewayWorkers(env: NodeJS.ProcessEnv): number {
  if (env.GATEWAY_WORKERS?.trim() === 'auto') {
    const cores = availableParallelism();
    return cores > 1 ? cores : 0;
  }
  return int(env, 'GATEWAY_WORKERS', 0, 0, 64);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function cron(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = nonEmpty(env[name]) ?? fallback;
  if (value.trim().split(/\s+/).length !== 6 || !isCron(value)) {
    throw new ConfigError(`${name} must be a 6-field cron expression (with seconds), got "${value}"`);
  }
  return value;
}

/** HS256 keys shorter than the hash output (32 bytes) are guessable offline from one token (RFC 7518 §3.2). */
export const MIN_AUTH_SECRET_LENGTH = 32;

function authSecret(env: NodeJS.ProcessEnv): string | undefined {
  const secret = nonEmpty(env.AUTH_SECRET);
  if (secret !== undefined && Buffer.byteLength(secret) < MIN_AUTH_SECRET_LENGTH) {
    throw new ConfigError(`AUTH_SECRET must be at least ${MIN_AUTH_SECRET_LENGTH} bytes (got ${Buffer.byteLength(secret)}): use e.g. \`openssl rand -hex 32\``);
  }
  return secret;
}

/** The jobs' part of the configuration. */
function loadJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  const webhookUrl = nonEmpty(env.WEBHOOK_URL);
  const webhookSecret = nonEmpty(env.WEBHOOK_SECRET);
  if ((webhookUrl === undefined) !== (webhookSecret === undefined)) {
    throw new ConfigError('WEBHOOK_URL and WEBHOOK_SECRET go together: set both to turn webhooks on, or neither');
  }
  if (webhookUrl !== undefined && !/^https?:\/\/[^/]/.test(webhookUrl)) {
    throw new ConfigError(`WEBHOOK_URL must be an http(s) URL, got "${webhookUrl}"`);
  }
  let types: Set<WebhookType>;
  try {
    types = webhookTypes(env.WEBHOOK_EVENTS);
  } catch (error) {
    throw new ConfigError(`WEBHOOK_EVENTS: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    webhookUrl,
    webhookSecret,
    webhookTypes: types,
    webhookTimeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 120_000),
    webhookAttempts: int(env, 'WEBHOOK_ATTEMPTS', 10, 1, 100),
    webhookBackoffMs: int(env, 'WEBHOOK_BACKOFF_MS', 2000, 1, 3_600_000),
    worker: env.JOBS_WORKER !== '0',
    concurrency: int(env, 'JOBS_CONCURRENCY', 32, 1, 1000),
    keepFailedJobs: int(env, 'JOBS_KEEP_FAILED', 10_000, 0, 1_000_000),
    lockMs: int(env, 'JOBS_LOCK_MS', 30_000, 500, 600_000),
    outboxPollMs: int(env, 'OUTBOX_POLL_MS', 250, 10, 60_000),
    actorIdleMs: int(env, 'ACTOR_IDLE_SECONDS', 900, 0, 30 * 86_400) * 1000,
    cron: {
      salesWindow: cron(env, 'CRON_SALES_WINDOW', '* * * * * *'),
      outboxSweep: cron(env, 'CRON_OUTBOX_SWEEP', '*/30 * * * * *'),
      passivation: cron(env, 'CRON_PASSIVATION', '0 * * * * *'),
      reconciliation: cron(env, 'CRON_RECONCILIATION', '30 * * * * *'),
    },
    ticketSecret: nonEmpty(env.TICKET_SECRET) ?? nonEmpty(env.AUTH_SECRET),
  };
}

/** Builds the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 9001, 0, 65535);
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const dataDir = nonEmpty(env.DATA_DIR) ?? './data';
  const ticketSecret = nonEmpty(env.TICKET_SECRET) ?? nonEmpty(env.AUTH_SECRET);
  return {
    port,
    host,
    databaseUrl,
    dataDir,
    redisUrl: nonEmpty(env.REDIS_URL),
    queueRedisUrl: nonEmpty(env.QUEUE_REDIS_URL) ?? nonEmpty(env.REDIS_URL),
    redisPrefix: nonEmpty(env.REDIS_PREFIX) ?? 'aisle:',
    nodeId: nonEmpty(env.NODE_ID) ?? `${hostname()}:${port}`,
    advertiseUrl: nonEmpty(env.ADVERTISE_URL) ?? `http://${host}:${port}`,
    authSecret: authSecret(env),
    ticketSecret: ticketSecret ?? devTicketSecret(databaseUrl ?? resolve(dataDir)),
    ticketSecretSource: nonEmpty(env.TICKET_SECRET) ? 'TICKET_SECRET' : ticketSecret ? 'AUTH_SECRET' : 'derived',
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    production: env.NODE_ENV === 'production',
    diffTickMs: int(env, 'DIFF_TICK_MS', 50, 1, 1000),
    queueSaveMs: int(env, 'QUEUE_SAVE_MS', 1000, 1000, 3_600_000),
    commitMaxBatch: int(env, 'COMMIT_MAX_BATCH', 500, 1, 10_000),
    commitMaxInFlight: int(env, 'COMMIT_MAX_IN_FLIGHT', 4, 1, 16),
    commitRetryMs: int(env, 'COMMIT_RETRY_MS', 5000, 0, 600_000),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
    dbPreparedStatements: int(env, 'DB_PREPARED_STATEMENTS', 1, 0, 1) === 1,
    demo: env.AISLE_DEMO !== '0',
    jobs: loadJobsConfig(env),
    abuse: loadAbuseConfig(env),
    gatewayWorkers: gatewayWorkers(env),
  };
}
