// The throughput scenarios of one server, from its start to its stop: hold + release on one hot event,
// optionally ping, 100 events and an offered-load sweep, and purchases.
import type { BenchContext } from '../context';
import type { LoadStats } from '../load/load-driver';
import type { BenchEvent, ThroughputEvents } from '../scenario/bench-events';
import { planThroughputEvents } from '../scenario/bench-events';
import { purchaseCapacity } from '../scenario/plans';
import { ThroughputScenarios } from '../scenario/throughput';
import { WireClient } from '../wire/wire-client';
import type { BenchServer } from '../system/server-process';
import type { CommitFigures } from '../system/server-metrics';
import { commitBetween, readMetrics } from '../system/server-metrics';

/** Which scenarios a server gets and how its purchase events are sized. */
export interface ThroughputPlan {
  /** Short name used in event ids, user ids and progress lines. */
  name: string;
  /** The highest purchase rate it could reach here: purchase events hold that × the run's seconds. */
  maxPurchasesPerSec: number;
  ping: boolean;
  spreadEvents: number;
}

/** What one server measured. */
export interface ThroughputFigures {
  ping: LoadStats | null;
  hold: LoadStats;
  spread: LoadStats | null;
  purchase: LoadStats;
  /** Group commit during the purchase run (the server's own metrics), when it has them. */
  commit: CommitFigures | null;
  /** Hold + release at each of the options' chart connection counts. */
  sweep: LoadStats[];
}

/** The events `plan` needs under the run's options. */
export function throughputEvents(ctx: BenchContext, plan: ThroughputPlan): ThroughputEvents {
  const { options } = ctx;
  const chains = Math.max(options.connections, ...options.chartConnections) * options.depth;
  const seconds = options.warmupS + options.durationS;
  const attempts = ctx.settings.noisyRetries + 1;
  return planThroughputEvents(plan.name, chains, plan.spreadEvents, seconds * plan.maxPurchasesPerSec * attempts);
}

/** Every event of `events`, to create them. */
export function eventList(events: ThroughputEvents): BenchEvent[] {
  return [events.hot, ...events.spread, ...events.purchase];
}

/** Runs the scenarios of `plan` on `server`, where `events` exist. */
export async function measureThroughput(
  ctx: BenchContext,
  server: BenchServer,
  plan: ThroughputPlan,
  events: ThroughputEvents,
): Promise<ThroughputFigures> {
  const { options, shape } = ctx;
  // Activation (loading a 200,000-seat event takes a second or more here) is not throughput: every
  // actor is active before the runs, so no warm-up is spent waiting for one.
  const started = Date.now();
  await activateEvents(server, eventList(events));
  ctx.log(`${plan.name}: activated ${eventList(events).length} events in ${Date.now() - started} ms`);
  const scenarios = new ThroughputScenarios(server, ctx.auth, plan.name, ctx.settings);
  let ping: LoadStats | null = null;
  if (plan.ping) {
    ping = await scenarios.ping(shape);
    report(ctx, server, `${plan.name} ping`, ping);
  }
  const hold = await scenarios.hold(shape, [events.hot]);
  report(ctx, server, `${plan.name} hold+release, one hot event`, hold);
  let spread: LoadStats | null = null;
  if (plan.spreadEvents > 0) {
    spread = await scenarios.hold(shape, events.spread);
    report(ctx, server, `${plan.name} hold+release, ${plan.spreadEvents} events`, spread);
  }
  const before = await readMetrics(server);
  const purchase = await scenarios.purchase(shape, events.purchase);
  const commit = commitBetween(before, await readMetrics(server));
  report(ctx, server, `${plan.name} purchases (latency: the buy step)`, purchase);
  ctx.log(`  ${plan.name} purchase, hold sent → order received: p99 ${purchase.totalLatency.p99} ms`);
  if (commit) {
    ctx.log(
      `  ${plan.name} group commit: ${commit.batches} batches of ${commit.ordersPerBatch} orders, ` +
        `${commit.msPerBatch} ms each; event loop lag p99 ${commit.eventLoopLagP99Ms} ms`,
    );
  }
  if (purchase.exhaustedChains > 0) {
    ctx.notes.push(`${plan.name} purchases: ${purchase.exhaustedChains} chains ran out of seats (${purchaseCapacity(events.purchase)} planned)`);
  }
  const sweep: LoadStats[] = [];
  const sweepScenarios = new ThroughputScenarios(server, ctx.auth, plan.name, ctx.sweepSettings);
  for (const connections of options.chartConnections) {
    const run = await sweepScenarios.hold({ connections, depth: options.depth }, [events.hot]);
    report(ctx, server, `${plan.name} hold+release at ${connections} connections`, run);
    sweep.push(run);
  }
  return { ping, hold, spread, purchase, commit, sweep };
}

/** Events activated at once (each activation is a few Postgres round trips and some CPU). */
const ACTIVATION_CONCURRENCY = 8;

/** Subscribes to each event once (a guest may), which activates its actor; the baseline has nothing
 * to activate and answers bad_request, which is fine. */
async function activateEvents(server: BenchServer, events: BenchEvent[]): Promise<void> {
  const client = await WireClient.connect(server.host, server.port);
  let next = 0;
  const activator = async (): Promise<void> => {
    while (next < events.length) {
      const eventId = events[next++].id;
      await client.request({ type: 'subscribe', eventId });
      await client.request({ type: 'unsubscribe', eventId });
    }
  };
  try {
    await Promise.all(Array.from({ length: ACTIVATION_CONCURRENCY }, activator));
  } finally {
    client.close();
  }
}

/** Lines of a server's output shown when a run got error replies: the server logs why. */
const SERVER_LOG_LINES = 12;

/** Logs a finished run; when it got error replies, also the end of the server's log. */
function report(ctx: BenchContext, server: BenchServer, name: string, run: LoadStats): void {
  ctx.logRun(name, run);
  if (Object.keys(run.errors).length === 0) return;
  const lines = server.output().trim().split('\n').slice(-SERVER_LOG_LINES);
  ctx.log(`  ${server.name}'s last log lines:\n    ${lines.map((l) => l.slice(0, 300)).join('\n    ')}`);
}

/** Error replies of every run, summed by code (a clean run has none). */
export function errorsOf(figures: ThroughputFigures): Record<string, number> {
  const all: Record<string, number> = {};
  const runs = [figures.ping, figures.hold, figures.spread, figures.purchase, ...figures.sweep];
  for (const run of runs) {
    if (!run) continue;
    for (const [code, n] of Object.entries(run.errors)) all[code] = (all[code] ?? 0) + n;
  }
  return all;
}
