// `npm run bench`: starts Aisle and the conventional baseline against fresh Postgres databases, drives
// them from worker threads on this machine, prints a markdown table and writes
// bench/results/latest.json. See bench/results/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ChartPoint } from './chart';
import { renderChart } from './chart';
import { BenchContext, RESULTS_DIR } from './context';
import type { BenchOptions } from './options';
import { parseOptions, UsageError } from './options';
import type { FanoutComparison } from './fanout/fanout-bench';
import { compareFanout, FANOUT_EVENT_SEATS, fanoutHeadline, GC_ON_SIGNAL, runFanoutOnly } from './fanout/fanout-bench';
import type { SnapshotFigures } from './phases/snapshot-phase';
import { SNAPSHOT_TARGETS, measureSnapshot, storeAsBeforeCompactLayouts } from './phases/snapshot-phase';
import type { ThroughputFigures } from './phases/throughput-phase';
import { errorsOf, eventList, measureThroughput, throughputEvents } from './phases/throughput-phase';
import { PURCHASE_SEATS_PER_USER, benchEvent, createEvents } from './scenario/bench-events';
import type { BenchResult } from './report';
import { describeMachine, markdownTable, ratio } from './report';
import { round } from './stats';

/** Purchase rates no run should exceed on this machine; purchase events are sized for them. */
const AISLE_MAX_PURCHASES_PER_SEC = 15_000;
const BASELINE_MAX_PURCHASES_PER_SEC = 5_000;
/** Events of the "100 events" scenario. */
const SPREAD_EVENTS = 100;
/** Snapshot bytes and activation time are measured on 100,000-seat events. */
const SNAPSHOT_EVENT_SEATS = 100_000;

/** The command line as a user types it. */
function commandLine(): string {
  const args = process.argv.slice(2);
  return args.length > 0 ? `npm run bench -- ${args.join(' ')}` : 'npm run bench';
}

/** Everything measured on Aisle. */
interface AisleFigures {
  throughput: ThroughputFigures;
  snapshot: SnapshotFigures;
  fanout: FanoutComparison;
}

async function measureAisle(ctx: BenchContext): Promise<AisleFigures> {
  const plan = { name: 'aisle', maxPurchasesPerSec: AISLE_MAX_PURCHASES_PER_SEC, ping: true, spreadEvents: SPREAD_EVENTS };
  const events = throughputEvents(ctx, plan);
  const big = benchEvent('aisle-100k', SNAPSHOT_EVENT_SEATS);
  const legacy = benchEvent('aisle-100k-legacy', SNAPSHOT_EVENT_SEATS);
  const sold30 = benchEvent('aisle-100k-sold30', SNAPSHOT_EVENT_SEATS, PURCHASE_SEATS_PER_USER);
  const watched = benchEvent('aisle-fanout', FANOUT_EVENT_SEATS);
  const databaseUrl = await ctx.createDatabase();
  const env = { AISLE_DEMO: '0', ...ctx.options.serverEnv };
  // A first process measures fan-out and memory with one process sending every frame while it holds
  // nothing else (no large event loaded, so no garbage of its own blurs the growth per viewer), then
  // creates the other events; a node with gateway edges measures the same on its own after it.
  // Not profiled (--profile is for the throughput scenarios of the last process).
  const single = { ...env, GATEWAY_WORKERS: '0' };
  const first = await ctx.startServer('aisle (fan-out with one sender, memory, creating events)', 'src/main.ts', databaseUrl, single, GC_ON_SIGNAL, false);
  await createEvents(first.url, ctx.adminToken, [watched]);
  const stopFirst = async (): Promise<void> => {
    const started = Date.now();
    await createEvents(first.url, ctx.adminToken, [...eventList(events), big, legacy, sold30]);
    ctx.log(`aisle: created ${eventList(events).length + 3} events in ${Date.now() - started} ms`);
    await first.stop();
  };
  const fanout = await compareFanout(ctx, { server: first, stop: stopFirst }, databaseUrl, env, watched);

  // A second process starts with no actor active: its first subscribe to the 100k-seat event is an
  // activation after server start.
  await storeAsBeforeCompactLayouts(databaseUrl, legacy.id);
  const server = await ctx.startServer('aisle', 'src/main.ts', databaseUrl, env);
  const snapshot = await measureSnapshot(ctx, server, { warmup: watched, fresh: big, legacy, sold: sold30 });
  const throughput = await measureThroughput(ctx, server, plan, events);
  await server.stop();
  return { throughput, snapshot, fanout };
}

async function measureBaseline(ctx: BenchContext): Promise<ThroughputFigures> {
  const plan = { name: 'baseline', maxPurchasesPerSec: BASELINE_MAX_PURCHASES_PER_SEC, ping: false, spreadEvents: 0 };
  const events = throughputEvents(ctx, plan);
  const server = await ctx.startServer('baseline', 'bench/baseline/conventional-server.ts', await ctx.createDatabase());
  await createEvents(server.url, ctx.adminToken, eventList(events));
  const figures = await measureThroughput(ctx, server, plan, events);
  await server.stop();
  return figures;
}

function buildResult(ctx: BenchContext, aisleFigures: AisleFigures, baseline: ThroughputFigures | null, started: number): BenchResult {
  const { options } = ctx;
  const aisle = aisleFigures.throughput;
  const { hold, purchase } = aisle;
  const ping = aisle.ping!;
  const spread = aisle.spread!;
  const { snapshot, fanout } = aisleFigures;
  for (const [name, figures] of [['Aisle', aisle], ['the baseline', baseline]] as const) {
    if (!figures) continue;
    const errors = errorsOf(figures);
    if (Object.keys(errors).length > 0) ctx.notes.push(`${name} answered errors: ${JSON.stringify(errors)}`);
  }
  return {
    holdOpsPerSec: hold.opsPerSec,
    holdP50Ms: hold.latency.p50,
    holdP99Ms: hold.latency.p99,
    holdP999Ms: hold.latency.p999,
    pingOpsPerSec: ping.opsPerSec,
    holdVsPingRatio: ratio(hold.opsPerSec, ping.opsPerSec) ?? 0,
    holdOpsPerSec100Events: spread.opsPerSec,
    holdP99Ms100Events: spread.latency.p99,
    baselineHoldOpsPerSec: baseline?.hold.opsPerSec ?? null,
    baselineHoldP99Ms: baseline?.hold.latency.p99 ?? null,
    holdRatio: ratio(hold.opsPerSec, baseline?.hold.opsPerSec),
    purchasesPerSec: purchase.opsPerSec,
    purchaseP99Ms: purchase.latency.p99,
    purchaseTotalP99Ms: purchase.totalLatency.p99,
    baselinePurchasesPerSec: baseline?.purchase.opsPerSec ?? null,
    baselinePurchaseP99Ms: baseline?.purchase.latency.p99 ?? null,
    purchaseRatio: ratio(purchase.opsPerSec, baseline?.purchase.opsPerSec),
    ...fanoutHeadline(fanout),
    snapshotBytes100k: snapshot.packedFrameBytes,
    snapshotBytes100kV1: snapshot.snapshotFrameBytes,
    snapshotBytes100kSold30: snapshot.sold30.packedFrameBytes,
    snapshotBytes100kSold30V1: snapshot.sold30.v1FrameBytes,
    activationMs100k: snapshot.activationMs,
    activationMs100kLegacy: snapshot.legacyActivationMs,
    snapshotTargets: SNAPSHOT_TARGETS,
    // Server CPU time in the hold window over the commands completed in it.
    cpuMsPer1000Commands: hold.opsPerSec > 0 ? round((hold.cpu.serverMs / (hold.opsPerSec * options.durationS)) * 1000, 2) : 0,
    machine: describeMachine(),
    date: new Date().toISOString(),
    mode: options.mode,
    command: commandLine(),
    settings: {
      connections: options.connections,
      depth: options.depth,
      workers: options.workers,
      warmupS: options.warmupS,
      durationS: options.durationS,
      serverEnv: options.serverEnv,
    },
    runs: { aisle, snapshot, fanout, ...(baseline ? { baseline } : {}) },
    notes: ctx.notes,
    elapsedS: Math.round((Date.now() - started) / 1000),
  };
}

function chartOf(ctx: BenchContext, aisle: ThroughputFigures, baseline: ThroughputFigures, result: BenchResult): string {
  const points = (figures: ThroughputFigures): ChartPoint[] =>
    figures.sweep.map((s) => ({ connections: s.connections, opsPerSec: s.opsPerSec, p99Ms: s.latency.p99 }));
  const { sweepSettings, options } = ctx;
  return renderChart(
    [
      { name: 'Aisle', color: '#1f6feb', points: points(aisle) },
      { name: 'conventional (Postgres row locks)', color: '#d1651b', points: points(baseline) },
    ],
    `${result.command}: one hot event, hold+release, depth ${options.depth}, ${sweepSettings.durationMs / 1000} s per point; ` +
      `${result.machine.cpus} × ${result.machine.model}, load generator on the same machine; ${result.date.slice(0, 10)}`,
  );
}

async function main(options: BenchOptions): Promise<void> {
  const started = Date.now();
  const ctx = await BenchContext.create(options);
  // Ctrl-C or a kill stops the servers and drops the databases this run made.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      ctx.log(`${signal}: stopping servers and dropping databases`);
      void ctx.cleanup().finally(() => process.exit(130));
    });
  }
  try {
    if (options.fanoutOnly) {
      await runFanoutOnly(ctx, commandLine());
      return;
    }
    const aisle = await measureAisle(ctx);
    const baseline = options.skipBaseline ? null : await measureBaseline(ctx);
    if (!baseline) ctx.notes.push('the conventional baseline was skipped (--no-baseline): no ratios');
    const result = buildResult(ctx, aisle, baseline, started);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
    if (baseline && baseline.sweep.length > 0 && aisle.throughput.sweep.length > 0) {
      writeFileSync(`${RESULTS_DIR}throughput.svg`, chartOf(ctx, aisle.throughput, baseline, result));
      ctx.log('wrote bench/results/throughput.svg');
    }
    process.stdout.write(`\n${markdownTable(result)}\n\n`);
    for (const note of ctx.notes) process.stdout.write(`note: ${note}\n`);
    ctx.log(`wrote bench/results/latest.json in ${result.elapsedS} s`);
  } catch (error) {
    ctx.log(`failed; the servers' last output:\n${ctx.serverOutputs()}`);
    throw error;
  } finally {
    await ctx.cleanup();
  }
}

// Other benches, routed by their mode flag (loaded only when asked for: they bring Redis, BullMQ).
const argv = process.argv.slice(2);
if (argv.includes('--cluster')) {
  const { runClusterBench } = await import('./cluster');
  process.exit(await runClusterBench(argv, commandLine()));
}
if (argv.includes('--queue')) {
  const { runQueueBench } = await import('./queue/queue-bench');
  process.exit(await runQueueBench(argv, commandLine()));
}
if (argv.includes('--render')) {
  const { runRenderBench } = await import('./render');
  await runRenderBench(argv).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`render bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
if (argv.includes('--map')) {
  const { runMapBench } = await import('./map');
  await runMapBench(argv).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`map bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
if (argv.includes('--jobs')) {
  const { runJobsBench } = await import('./jobs');
  await runJobsBench(argv).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`jobs bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

let options: BenchOptions;
try {
  options = parseOptions(argv);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(error.exitCode);
}
main(options).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
