// The configuration refuses values that would run the server unsafely, and says which variable is wrong.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MIN_AUTH_SECRET_LENGTH } from './config';

describe('loadConfig', () => {
  it('refuses an AUTH_SECRET shorter than an HS256 key should be', () => {
    expect(() => loadConfig({ AUTH_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTH_SECRET: 'x'.repeat(MIN_AUTH_SECRET_LENGTH - 1) })).toThrow(/AUTH_SECRET must be at least 32 bytes/);
    expect(loadConfig({ AUTH_SECRET: 'x'.repeat(MIN_AUTH_SECRET_LENGTH) }).authSecret).toHaveLength(MIN_AUTH_SECRET_LENGTH);
  });

  it('gives the webhook queue its own Redis when QUEUE_REDIS_URL is set, else REDIS_URL', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a:6379' }).queueRedisUrl).toBe('redis://a:6379');
    expect(loadConfig({ REDIS_URL: 'redis://a:6379', QUEUE_REDIS_URL: 'redis://b:6379' }).queueRedisUrl).toBe('redis://b:6379');
    expect(loadConfig({}).queueRedisUrl).toBeUndefined();
  });

  it('caps the failed jobs kept, by default and as configured', () => {
    expect(loadConfig({}).jobs.keepFailedJobs).toBe(10_000);
    expect(loadConfig({ JOBS_KEEP_FAILED: '50' }).jobs.keepFailedJobs).toBe(50);
    expect(() => loadConfig({ JOBS_KEEP_FAILED: '-1' })).toThrow(/JOBS_KEEP_FAILED/);
  });

  it('prepares hot statements unless DB_PREPARED_STATEMENTS=0, and refuses anything but 0 or 1', () => {
    expect(loadConfig({}).dbPreparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: '1' }).dbPreparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: '0' }).dbPreparedStatements).toBe(false);
    expect(() => loadConfig({ DB_PREPARED_STATEMENTS: 'off' })).toThrow(/DB_PREPARED_STATEMENTS/);
  });

  it('runs no gateway edges unless asked; auto is one per core on a machine with several', () => {
    expect(loadConfig({}).gatewayWorkers).toBe(0);
    expect(loadConfig({ GATEWAY_WORKERS: '3' }).gatewayWorkers).toBe(3);
    const cores = availableParallelism();
    expect(loadConfig({ GATEWAY_WORKERS: 'auto' }).gatewayWorkers).toBe(cores > 1 ? cores : 0);
    expect(() => loadConfig({ GATEWAY_WORKERS: 'many' })).toThrow(/GATEWAY_WORKERS/);
    expect(() => loadConfig({ GATEWAY_WORKERS: '65' })).toThrow(/GATEWAY_WORKERS/);
  });
});
