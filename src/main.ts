// The composition root: the only place that picks implementations for interfaces and wires them.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { Logger } from 'pino';
import { ActorRegistry } from './actor/actor-registry';
import { systemClock } from './actor/clock';
import { localBackends, redisBackends, userRateLimiter } from './cluster/backends';
import { RandomIds } from './actor/random-ids';
import type { DiffPush } from './actor/event-service';
import type { QueuePush } from '../protocol';
import { EdgeSupervisor } from './cluster/edge-supervisor';
import { OwnershipManager } from './cluster/ownership-manager';
import { PeerClient } from './cluster/peer-client';
import { registerPeerEndpoint } from './cluster/peer-endpoint';
import { openClusterRedis } from './cluster/redis-connection';
import { RedisViewerTally } from './cluster/redis-viewer-tally';
import { ReplicaHub } from './cluster/replica-hub';
import { RoutingEventService } from './cluster/routing-event-service';
import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/config';
import { DEMO_EVENT } from './demo-event';
import { expandDefinition } from './domain';
import { Auth } from './gateway/auth';
import { describeUwsSelection, NativeUwsError, selectUws } from './gateway/native-uws';
import { Server } from './gateway/server';
import { ensurePagesBuilt } from './web/build';
import { TopicFeed } from './gateway/topic-feed';
import { ViewerCounter } from './gateway/viewer-tally';
import { Metrics } from './observability/metrics';
import { createJobs } from './jobs/jobs';
import { openDatabase } from './store/open-store';
import { staffView } from './gateway/staff-view';
import { PostgresTicketDesk } from './store/postgres-ticket-desk';
import { TicketCodes } from './store/ticket-code';
import { DatabaseTakenError, excludeOthers } from './store/node-exclusion';

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
  // Dev mode's random secret is made here, so the gateway edges verify the same tokens.
  const devSecret = randomBytes(32).toString('hex');
  const auth = Auth.create(config.authSecret, devSecret);
  if (config.gatewayWorkers > 0 && config.redisUrl) {
    throw new ConfigError('GATEWAY_WORKERS is not supported with REDIS_URL yet (peers reach a node through its public port)');
  }
  if (auth.devMode) {
    if (config.production) throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production (dev mode refuses to start)');
    if (config.redisUrl) throw new ConfigError('cluster mode (REDIS_URL) needs an AUTH_SECRET shared by every node');
    log.warn('DEV MODE: no AUTH_SECRET, tokens are signed with a random secret and GET /api/dev/token hands them out');
  }
  if (config.ticketSecretSource === 'derived') {
    if (config.production) throw new ConfigError('TICKET_SECRET (or AUTH_SECRET) is required when NODE_ENV=production');
    log.warn('DEV MODE: no TICKET_SECRET, ticket codes are signed with a secret derived from the database location (stable across restarts, NOT secret)');
  }
  // The first uWebSockets.js build that runs natively here (newer first), and why the others did not.
  const uwsSelection = selectUws();
  const { uws } = uwsSelection;
  log.info({ uws: uwsSelection.build, skipped: uwsSelection.skipped }, describeUwsSelection(uwsSelection));
  // One deployment per database: a second single node would grant holds on the same seats.
  const exclusion = await excludeOthers({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    mode: config.redisUrl ? 'cluster' : 'single',
    onLost: (error) => {
      log.fatal(`${error.message}; stopping`);
      process.exit(1);
    },
  });
  const { store, sql } = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    preparedStatements: config.dbPreparedStatements,
    ticketSecret: config.ticketSecret,
    // An order.confirmed row nobody delivers would only be written, then settled as skipped.
    announceOrders: config.jobs.webhookUrl !== undefined && config.jobs.webhookTypes.has('order.confirmed'),
  }).catch(
    async (error: unknown) => {
      await exclusion.release();
      throw error;
    },
  );
  if (!config.databaseUrl) log.info({ dataDir: config.dataDir }, 'embedded Postgres (PGlite)');

  const metrics = new Metrics();
  metrics.recordUwsBuild(uwsSelection.build, uwsSelection.skipped);
  // Webhooks, schedules, passivation: BullMQ with REDIS_URL, in process without (src/jobs).
  const jobs = createJobs({ config: config.jobs, redisUrl: config.queueRedisUrl, redisPrefix: config.redisPrefix, sql, clock: systemClock, nodeId: config.nodeId, metrics, log });
  const self = { nodeId: config.nodeId, url: config.advertiseUrl };
  const backends = config.redisUrl ? await redisBackends(config.redisUrl, config.redisPrefix, log) : localBackends();
  if (!config.redisUrl) log.warn('single-node mode: holds live in memory only, a restart drops them (confirmed orders are kept)');
  const ownership = new OwnershipManager({
    self,
    membership: backends.membership,
    leases: backends.leases,
    journal: backends.journal,
    queueJournal: backends.queueJournal,
    store,
    clock: systemClock,
    log,
    timing: backends.leaseTiming,
    onLease: (outcome, count) => (outcome === 'lost' ? metrics.leaseLosses.inc(count) : metrics.leaseRenewals.inc({ outcome }, count)),
  });
  const registry = new ActorRegistry(
    {
      store,
      clock: systemClock,
      // Every diff and expiry goes through the bus, so every node (this one too) serves its viewers
      // from the same replicas the same way.
      feed: {
        diff: (eventId, diff) => backends.bus.publishDiff(eventId, diff),
        expired: (u, e, h) => backends.bus.publishExpired(u, e, h),
        queue: (userId, message) => backends.bus.publishQueue(userId, message),
      },
      journal: backends.journal ?? undefined,
      queueJournal: backends.queueJournal ?? undefined,
      queueSaveMs: config.queueSaveMs,
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
        epochRefused: (orders) => {
          metrics.commitEpochRefusals.inc(orders);
          log.warn({ orders }, 'commit refused by the epoch check: another node owns the event now');
        },
        error: (error, context) => {
          metrics.errors.inc({ context });
          log.error({ err: error, context }, 'actor error');
        },
        applied: jobs.applied,
        queueChanged: jobs.queueChanged,
      },
    },
    ownership,
  );
  metrics.countActors = () => registry.all().length;

  const app = uws.App();
  const topics = new TopicFeed(app);
  const peers = config.redisUrl ? new PeerClient(config.authSecret!) : null;
  const service = new RoutingEventService(config.nodeId, ownership, registry, peers, systemClock);
  const userLimiter = await userRateLimiter(config, metrics, log);
  const { abuse } = config;
  const wsLimits = {
    ratePerSecond: abuse.wsRatePerSecond,
    rateBurst: abuse.wsRateBurst,
    maxConnectionsPerIp: abuse.maxConnectionsPerIp,
    maxConnectionsPerUser: abuse.maxConnectionsPerUser,
    maxBackpressureBytes: abuse.maxBackpressureBytes,
    bufferBudgetBytes: abuse.bufferBudgetBytes,
  };
  // GATEWAY_WORKERS > 0: edge processes hold the viewers on the public port and this process serves
  // HTTP to them on an internal one; every diff reaches them through this node's replicas.
  const edges =
    config.gatewayWorkers > 0
      ? new EdgeSupervisor({
          count: config.gatewayWorkers,
          service,
          userLimiter,
          log,
          init: {
            host: config.host,
            authSecret: config.authSecret ?? devSecret,
            devMode: auth.devMode,
            nodeId: config.nodeId,
            logLevel: config.logLevel,
            // The buffer budget is the node's: shared among its edges.
            wsLimits: { ...wsLimits, bufferBudgetBytes: Math.floor(wsLimits.bufferBudgetBytes / config.gatewayWorkers) },
            trustProxy: abuse.trustProxy,
          },
        })
      : null;
  const local = edges
    ? {
        diff: (eventId: string, diff: DiffPush) => {
          topics.diff(eventId, diff);
          edges.diff(eventId, diff);
        },
        expired: (userId: string, eventId: string, holdId: string) => {
          topics.expired(userId, eventId, holdId);
          edges.expired(userId, eventId, holdId);
        },
        queue: (userId: string, message: QueuePush) => {
          topics.queue(userId, message);
          edges.queue(userId, message);
        },
        viewers: (eventId: string) => topics.viewers(eventId) + edges.watchers(eventId),
      }
    : topics;
  const members = (): string[] => ownership.liveMembers().map((m) => m.nodeId);
  const tally = config.redisUrl ? new RedisViewerTally(await openClusterRedis(config.redisUrl), config.nodeId, members, config.redisPrefix) : null;
  const viewerCounter = new ViewerCounter((eventId) => local.viewers(eventId), tally, log);
  const replicas = new ReplicaHub({ bus: backends.bus, ownerSnapshot: (eventId) => service.ownerSnapshot(eventId), local, log });
  // Every viewer (of this process or its edges) starts with a snapshot: the events to count viewers of.
  service.useSnapshotSource({ snapshot: (eventId) => (viewerCounter.noteViewed(eventId), replicas.snapshot(eventId)) });
  if (peers) registerPeerEndpoint(app, service.local, config.authSecret!, log);
  let joined = false;
  // The seat map and staff pages: built once, and again only when their sources changed. A failed build
  // (e.g. a read-only file system) leaves the API serving; the pages then answer 503.
  await ensurePagesBuilt().then(
    (built) => built && log.info('built the web pages'),
    (error: unknown) => log.warn({ err: error }, 'could not build the web pages'),
  );
  const server = new Server({
    uws,
    app,
    wsLimits,
    userLimiter,
    trustProxy: abuse.trustProxy,
    viewerCounter,
    feed: topics,
    store,
    service,
    auth,
    metrics,
    log,
    jobs: { deadLetters: jobs.deadLetters, resendDead: jobs.resendDead, resendAllDead: jobs.resendAllDead, signTicket: (ticket) => jobs.tickets.sign(ticket) },
    staff: staffView(sql, config.ticketSecret),
    tickets: new PostgresTicketDesk(sql, new TicketCodes(config.ticketSecret)),
    readiness: async () => {
      try {
        await store.ping();
      } catch (error) {
        // The driver's text can name hosts, users and paths: it goes to the log, not to anyone who asks.
        log.warn({ err: error }, 'readiness: database unreachable');
        return { ready: false, reason: 'database unreachable' };
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
  let port: number;
  if (edges) {
    const internalPort = await server.listen('127.0.0.1', 0);
    port = await edges.start(config.port, internalPort);
    log.info({ edges: config.gatewayWorkers, internalPort }, 'gateway edges serve the public port');
  } else {
    port = await server.listen(config.host, config.port);
  }
  await backends.membership.join(self);
  ownership.start(registry);
  jobs.start(registry);
  viewerCounter.start();
  joined = true;

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      server.stopListening();
      edges?.stopListening();
      // Leave first, so the others' rings move this node's events away, then hand each one off:
      // purchases in flight commit, holds are replicated, leases are released for the successors.
      await backends.membership.leave().catch((error: unknown) => log.warn({ err: error }, 'leave failed'));
      await withTimeout(ownership.handOffAll(), DRAIN_TIMEOUT_MS);
      ownership.stop();
      server.closeConnections();
      await edges?.close();
      await userLimiter.close();
      await viewerCounter.stop();
      replicas.close();
      peers?.close();
      await jobs.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping jobs failed'));
      await backends.close();
      await store.close();
      await exclusion.release();
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
    if (error instanceof NativeUwsError || error instanceof ConfigError || error instanceof DatabaseTakenError) {
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
