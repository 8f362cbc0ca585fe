// Reads the process environment once, at the composition root, into a typed configuration.
// Names and defaults are those of CONTRACT.md ("Process and configuration"); extras are marked.
import { hostname } from 'node:os';

/** Everything the server is configured with. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  /** Extra: prefix of every Redis key and channel, so clusters can share a Redis. */
  redisPrefix: string;
  nodeId: string;
  advertiseUrl: string;
  authSecret: string | undefined;
  logLevel: string;
  production: boolean;
  /** Extra: how often an actor publishes its coalesced diff (ARCHITECTURE.md: ≤ 50 ms). */
  diffTickMs: number;
  /** Extra: group commit sizing: most orders per transaction, transactions in flight per event. */
  commitMaxBatch: number;
  commitMaxInFlight: number;
  /** Extra: how long a purchase may wait for an unreachable database before `unavailable`. */
  commitRetryMs: number;
  /** Extra: pg pool size. */
  dbPoolSize: number;
  /** Extra: create the demo event on first start (default on). */
  demo: boolean;
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

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Builds the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = int(env, 'PORT', 9001, 0, 65535);
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  return {
    port,
    host,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: nonEmpty(env.DATA_DIR) ?? './data',
    redisUrl: nonEmpty(env.REDIS_URL),
    redisPrefix: nonEmpty(env.REDIS_PREFIX) ?? 'aisle:',
    nodeId: nonEmpty(env.NODE_ID) ?? `${hostname()}:${port}`,
    advertiseUrl: nonEmpty(env.ADVERTISE_URL) ?? `http://${host}:${port}`,
    authSecret: nonEmpty(env.AUTH_SECRET),
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    production: env.NODE_ENV === 'production',
    diffTickMs: int(env, 'DIFF_TICK_MS', 50, 1, 1000),
    commitMaxBatch: int(env, 'COMMIT_MAX_BATCH', 500, 1, 10_000),
    commitMaxInFlight: int(env, 'COMMIT_MAX_IN_FLIGHT', 2, 1, 16),
    commitRetryMs: int(env, 'COMMIT_RETRY_MS', 5000, 0, 600_000),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    demo: env.AISLE_DEMO !== '0',
  };
}
