// The composition root: the only place that picks implementations for interfaces and wires them.
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { Logger } from 'pino';
import { ActorRegistry } from './actor/actor-registry';
import { systemClock } from './actor/clock';
import { RandomIds } from './actor/random-ids';
import type { DiffBus } from './cluster/diff-bus';
import type { HoldJournal } from './cluster/hold-journal';
import type { LeaseStore } from './cluster/lease-store';
import { LocalDiffBus } from './cluster/local-diff-bus';
import { LocalLeaseStore } from './cluster/local-lease-store';
import { LocalMembership } from './cluster/local-membership';
import type { Membership } from './cluster/membership';
import { OwnershipManager } from './cluster/ownership-manager';
import { PeerClient } from './cluster/peer-client';
import { registerPeerEndpoint } from './cluster/peer-endpoint';
import { openClusterRedis } from './cluster/redis-connection';
import { RedisDiffBus } from './cluster/redis-diff-bus';
import { RedisHoldJournal } from './cluster/redis-hold-journal';
import { RedisLeaseStore } from './cluster/redis-lease-store';
import { RedisMembership } from './cluster/redis-membership';
import { ReplicaHub } from './cluster/replica-hub';
import { RoutingEventService } from './cluster/routing-event-service';
import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/config';
import { DEMO_EVENT } from './demo-event';
import { expandDefinition } from './domain';
import { Auth } from './gateway/auth';
import { loadNativeUws, NativeUwsError } from './gateway/native-uws';
import { Server } from './gateway/server';
import { ensurePagesBuilt } from './web/build';
import { TopicFeed } from './gateway/topic-feed';
import type { UserRateLimiter } from './gateway/user-rate-limiter';
import { LocalUserRateLimiter } from './gateway/user-rate-limiter';
import { RedisUserRateLimiter } from './cluster/redis-user-rate-limiter';
import { Metrics } from './observability/metrics';
import { createJobs } from './jobs/jobs';
import { openDatabase } from './store/open-store';

/** A started node and how to stop it. */
export interface RunningNode {
  port: number;
  /** Graceful drain: stop accepting, finish in-flight purchases, flush, close. */
  stop(): Promise<void>;
}

/** How long a drain waits for purchases in flight before giving up on them. */
const DRAIN_TIMEOUT_MS = 15_000;

/** Builds and starts one Aisle node from its configuration. */
export async function start(config: Config, log: Logger): Promise<RunningNode> {
  const auth = Auth.create(config.authSecret);
  if (auth.devMode) {
    if (config.production) throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production (dev mode refuses to start)');
    if (config.redisUrl) throw new ConfigError('cluster mode (REDIS_URL) needs an AUTH_SECRET shared by every node');
    log.warn('DEV MODE: no AUTH_SECRET, tokens are signed with a random secret and GET /api/dev/token hands them out');
  }
  const uws = loadNativeUws();
  const { store, sql } = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  if (!config.databaseUrl) log.info({ dataDir: config.dataDir }, 'embedded Postgres (PGlite)');

  const metrics = new Metrics();
  // Webhooks, schedules, passivation: BullMQ with REDIS_URL, in process without (src/jobs).
  const jobs = createJobs({ config: config.jobs, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, sql, clock: systemClock, nodeId: config.nodeId, metrics, log });
  const self = { nodeId: config.nodeId, url: config.advertiseUrl };
  const backends = config.redisUrl ? await redisBackends(config.redisUrl, config.redisPrefix, log) : localBackends();
  if (!config.redisUrl) log.warn('single-node mode: holds live in memory only, a restart drops them (confirmed orders are kept)');
  const ownership = new OwnershipManager({
    self,
    membership: backends.membership,
    leases: backends.leases,
    journal: backends.journal,
    store,
    clock: systemClock,
    log,
    onLease: (outcome, count) => (outcome === 'lost' ? metrics.leaseLosses.inc(count) : metrics.leaseRenewals.inc({ outcome }, count)),
  });
  const registry = new ActorRegistry(
    {
      store,
      clock: systemClock,
      // Every diff and expiry goes through the bus, so every node (this one too) serves its viewers
      // from the same replicas the same way.
      feed: { diff: (eventId, diff) => backends.bus.publishDiff(eventId, diff), expired: (u, e, h) => backends.bus.publishExpired(u, e, h) },
      journal: backends.journal ?? undefined,
      sales: jobs.sales,
      ids: new RandomIds(),
      nodeId: config.nodeId,
      tickMs: config.diffTickMs,
      commit: { maxBatch: config.commitMaxBatch, maxInFlight: config.commitMaxInFlight, retryForMs: config.commitRetryMs },
      observer: {
        command: (type, outcome) => metrics.countCommand(type, outcome),
        commitBatch: (size, ms) => {
          metrics.commitBatchSize.observe(size);
          metrics.commitSeconds.observe(ms / 1000);
        },
        error: (error, context) => {
          metrics.errors.inc({ context });
          log.error({ err: error, context }, 'actor error');
        },
        applied: jobs.applied,
      },
    },
    ownership,
  );
  metrics.countActors = () => registry.all().length;

  const app = uws.App();
  const topics = new TopicFeed(app);
  const peers = config.redisUrl ? new PeerClient(config.authSecret!) : null;
  const service = new RoutingEventService(config.nodeId, ownership, registry, peers);
  const replicas = new ReplicaHub({ bus: backends.bus, ownerSnapshot: (eventId) => service.ownerSnapshot(eventId), local: topics, log });
  service.useSnapshotSource(replicas);
  if (peers) registerPeerEndpoint(app, service.local, config.authSecret!, log);
  let joined = false;
  // The seat map and staff pages: built once, and again only when their sources changed. A failed build
  // (e.g. a read-only file system) leaves the API serving; the pages then answer 503.
  await ensurePagesBuilt().then(
    (built) => built && log.info('built the web pages'),
    (error: unknown) => log.warn({ err: error }, 'could not build the web pages'),
  );
  const userLimiter = await userRateLimiter(config, metrics, log);
  const { abuse } = config;
  const server = new Server({
    uws,
    app,
    wsLimits: {
      ratePerSecond: abuse.wsRatePerSecond,
      rateBurst: abuse.wsRateBurst,
      maxConnectionsPerIp: abuse.maxConnectionsPerIp,
      maxConnectionsPerUser: abuse.maxConnectionsPerUser,
      maxBackpressureBytes: abuse.maxBackpressureBytes,
      bufferBudgetBytes: abuse.bufferBudgetBytes,
    },
    userLimiter,
    trustProxy: abuse.trustProxy,
    feed: topics,
    store,
    service,
    auth,
    metrics,
    log,
    jobs: { deadLetters: jobs.deadLetters, signTicket: (ticket) => jobs.tickets.sign(ticket) },
    readiness: async () => {
      try {
        await store.ping();
      } catch (error) {
        return { ready: false, reason: `database unreachable: ${String(error)}` };
      }
      if (!joined) return { ready: false, reason: 'not joined the cluster yet' };
      if (!backends.membership.healthy()) return { ready: false, reason: 'cluster membership heartbeat failing (Redis)' };
      return { ready: true, members: ownership.liveMembers().map((m) => m.nodeId) };
    },
  });

  if (config.demo && (await store.listEvents()).length === 0) {
    await store.createEvent(expandDefinition(DEMO_EVENT));
    log.info({ eventId: DEMO_EVENT.id }, 'created the demo event');
  }
  const port = await server.listen(config.host, config.port);
  await backends.membership.join(self);
  ownership.start(registry);
  jobs.start(registry);
  joined = true;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      server.stopListening();
      // Leave first, so the others' rings move this node's events away, then hand each one off:
      // purchases in flight commit, holds are replicated, leases are released for the successors.
      await backends.membership.leave().catch((error: unknown) => log.warn({ err: error }, 'leave failed'));
      await withTimeout(ownership.handOffAll(), DRAIN_TIMEOUT_MS);
      ownership.stop();
      server.closeConnections();
      await userLimiter.close();
      replicas.close();
      peers?.close();
      await jobs.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping jobs failed'));
      await backends.close();
      await store.close();
    })());
  return { port, stop };
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Per-user rate limits: shared through Redis in a cluster, on a connection of their own so a flood of
 * checks never delays a lease renewal; local in single-node mode.
 */
async function userRateLimiter(config: Config, metrics: Metrics, log: Logger): Promise<UserRateLimiter> {
  const rate = { perSecond: config.abuse.userRatePerSecond, burst: config.abuse.userRateBurst };
  if (!config.redisUrl) return new LocalUserRateLimiter(rate);
  const redis = await openClusterRedis(config.redisUrl);
  let warnedAt = 0;
  const onFallback = (error: unknown): void => {
    metrics.userRateFallbacks.inc();
    if (Date.now() - warnedAt < 10_000) return;
    warnedAt = Date.now();
    log.warn({ err: error }, 'per-user rate limits decided per node: Redis did not answer in time');
  };
  return new RedisUserRateLimiter(redis, { rate, prefix: config.redisPrefix, onFallback });
}

/** The backends of the cluster interfaces. */
interface Backends {
  membership: Membership;
  leases: LeaseStore;
  journal: HoldJournal | null;
  bus: DiffBus;
  close(): Promise<void>;
}

/** Single node: everything in process; holds are not replicated (a restart drops them, and says so). */
function localBackends(): Backends {
  return {
    membership: new LocalMembership(),
    leases: new LocalLeaseStore(),
    journal: null,
    bus: new LocalDiffBus(),
    close: async () => undefined,
  };
}

/** Cluster mode: membership, leases, replicated holds and fan-out through Redis. */
async function redisBackends(url: string, prefix: string, log: Logger): Promise<Backends> {
  const onError = (error: unknown): void => log.warn({ err: error }, 'redis');
  const redis = await openClusterRedis(url, { onError });
  const bus = new RedisDiffBus(redis, { prefix, onError });
  await bus.ready();
  return {
    membership: new RedisMembership(redis, { prefix }),
    leases: new RedisLeaseStore(redis, prefix),
    journal: new RedisHoldJournal(redis, prefix),
    bus,
    close: async () => {
      await bus.close();
      redis.disconnect();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(String(error instanceof Error ? error.message : error));
    process.exit(1);
  }
  const log = pino({ level: config.logLevel, base: { nodeId: config.nodeId } });
  let node: RunningNode;
  try {
    node = await start(config, log);
  } catch (error) {
    if (error instanceof NativeUwsError || error instanceof ConfigError) {
      log.fatal(error.message);
    } else {
      log.fatal({ err: error }, 'failed to start');
    }
    process.exit(1);
  }
  const base = `http://${config.host}:${node.port}`;
  log.info({ port: node.port }, 'Aisle is serving');
  if (!config.authSecret) {
    process.stdout.write(
      `\n  Aisle is up on ${base}  (WebSocket: ws://${config.host}:${node.port}/ws)\n` +
        `  Events:      curl ${base}/api/events\n` +
        `  A token:     curl '${base}/api/dev/token?role=customer&sub=alice'\n` +
        `  Demo event:  ${DEMO_EVENT.id}  (curl ${base}/api/events/${DEMO_EVENT.id})\n\n`,
    );
  }
  let signals = 0;
  const onSignal = (signal: string): void => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, 'draining');
    node.stop().then(
      () => {
        log.info('drained, bye');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'drain failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
