// Connections to the cluster's Redis, configured to fail fast: a call made while Redis is down or not
// answering rejects at once (or after `commandTimeoutMs`) with ClusterUnavailableError instead of
// waiting in a queue, because its caller (a lease renewal racing its TTL, a hold waiting for its ack)
// is better served by a prompt failure than by a late success.
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { ClusterUnavailableError, clusterCall } from './cluster-unavailable-error';

/** How a cluster connection behaves. */
export interface ClusterRedisOptions {
  /** Milliseconds a command waits for its reply before failing, so a hung Redis fails too (default 1000). */
  commandTimeoutMs?: number;
  /** Milliseconds a connection attempt may take (default 2000). */
  connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 500 ms: Redis is local, recover quickly). */
  maxReconnectDelayMs?: number;
  /** Receives connection errors (one per failed reconnect); default: ignored (callers see their calls fail). */
  onError?: (error: Error) => void;
}

const ignore = (): void => undefined;

/**
 * The ioredis options of a cluster connection:
 * - `enableOfflineQueue: false`: a command sent while disconnected fails at once, it is not queued;
 * - `maxRetriesPerRequest: 0` with `autoResendUnfulfilledCommands: false`: a command in flight when the
 *   connection drops fails at once, and is never re-sent later behind its caller's back;
 * - `commandTimeout`: a command without a reply in time fails (a paused or overloaded Redis);
 * - reconnection forever, at most `maxReconnectDelayMs` apart; subscriber connections resubscribe.
 */
export function clusterRedisOptions(options: ClusterRedisOptions = {}): RedisOptions {
  const maxDelay = options.maxReconnectDelayMs ?? 500;
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    retryStrategy: (attempt) => Math.min(attempt * 50, maxDelay),
  };
}

/** Connects to `url` with clusterRedisOptions; rejects with ClusterUnavailableError if Redis is unreachable. */
export async function openClusterRedis(url: string, options: ClusterRedisOptions = {}): Promise<Redis> {
  return connected(new Redis(url, clusterRedisOptions(options)), options.onError ?? ignore);
}

/** A second, connected connection with `redis`'s options (for subscriber mode); the caller closes it. */
export async function duplicateConnection(redis: Redis, onError: (error: Error) => void = ignore): Promise<Redis> {
  return connected(redis.duplicate({ lazyConnect: true }), onError);
}

// Connects a new lazy connection; on failure it is dropped, so it does not retry in the background.
async function connected(redis: Redis, onError: (error: Error) => void): Promise<Redis> {
  redis.on('error', onError);
  try {
    await whenReady(redis, 'connect');
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/** Resolves when `redis` is ready for commands: connects a lazy one, waits for one that is connecting. */
export async function whenReady(redis: Redis, what: string): Promise<void> {
  switch (redis.status) {
    case 'ready':
      return;
    case 'wait':
      await clusterCall(what, () => redis.connect());
      return;
    case 'connecting':
    case 'connect':
      await new Promise<void>((resolve, reject) => {
        const ready = (): void => {
          redis.off('close', closed);
          resolve();
        };
        const closed = (): void => {
          redis.off('ready', ready);
          reject(new ClusterUnavailableError(`${what}: Redis connection closed while connecting`));
        };
        redis.once('ready', ready);
        redis.once('close', closed);
      });
      return;
    default:
      // reconnecting, close, end: Redis is known to be unreachable right now.
      throw new ClusterUnavailableError(`${what}: Redis connection is ${redis.status}`);
  }
}

/** Closes a connection this code opened: QUIT when connected (pending replies arrive), else drop it. */
export async function closeConnection(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the connection broke while quitting.
    }
  }
  redis.disconnect();
}
