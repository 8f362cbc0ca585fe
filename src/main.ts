// The composition root: the only place that picks implementations for interfaces and wires them.
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import type { Logger } from 'pino';
import { ActorRegistry } from './actor/actor-registry';
import { systemClock } from './actor/clock';
import { LocalEventService } from './actor/local-event-service';
import { RandomIds } from './actor/random-ids';
import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/config';
import { DEMO_EVENT } from './demo-event';
import { expandDefinition } from './domain';
import { Auth } from './gateway/auth';
import { loadNativeUws, NativeUwsError } from './gateway/native-uws';
import { Server } from './gateway/server';
import { TopicFeed } from './gateway/topic-feed';
import { Metrics } from './observability/metrics';
import { openStore } from './store/open-store';

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
  if (config.redisUrl) {
    log.warn('REDIS_URL is set but cluster mode is not built yet: running as a single node');
  }
  const auth = Auth.create(config.authSecret);
  if (auth.devMode) {
    if (config.production) throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production (dev mode refuses to start)');
    log.warn('DEV MODE: no AUTH_SECRET, tokens are signed with a random secret and GET /api/dev/token hands them out');
  }
  const uws = loadNativeUws();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  if (!config.databaseUrl) log.info({ dataDir: config.dataDir }, 'embedded Postgres (PGlite)');
  if (!config.redisUrl) log.warn('single-node mode: holds live in memory only, a restart drops them (confirmed orders are kept)');

  const metrics = new Metrics();
  const app = uws.App();
  const feed = new TopicFeed(app);
  const registry = new ActorRegistry({
    store,
    clock: systemClock,
    feed,
    ids: new RandomIds(),
    nodeId: config.nodeId,
    tickMs: config.diffTickMs,
    commit: { maxBatch: config.commitMaxBatch, maxInFlight: config.commitMaxInFlight, retryForMs: config.commitRetryMs },
    observer: {
      command: (type, outcome) => metrics.commands.inc({ type, outcome }),
      commitBatch: (size, ms) => {
        metrics.commitBatchSize.observe(size);
        metrics.commitSeconds.observe(ms / 1000);
      },
      error: (error, context) => {
        metrics.errors.inc({ context });
        log.error({ err: error, context }, 'actor error');
      },
    },
  });
  metrics.countActors = () => registry.all().length;
  const service = new LocalEventService(registry);
  const server = new Server({
    uws,
    app,
    feed,
    store,
    service,
    auth,
    metrics,
    log,
    readiness: async () => {
      try {
        await store.ping();
        return { ready: true };
      } catch (error) {
        return { ready: false, reason: `database unreachable: ${String(error)}` };
      }
    },
  });

  if (config.demo && (await store.listEvents()).length === 0) {
    await store.createEvent(expandDefinition(DEMO_EVENT));
    log.info({ eventId: DEMO_EVENT.id }, 'created the demo event');
  }
  const port = await server.listen(config.host, config.port);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      server.stopListening();
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (registry.all().some((a) => a.commitDepth > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const actor of registry.all()) actor.flushDiff();
      server.closeConnections();
      await store.close();
    })());
  return { port, stop };
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
