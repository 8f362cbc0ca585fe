// `npm run bench`: starts Aisle and the conventional baseline against fresh Postgres databases, drives
// them from worker threads on this machine, prints a markdown table and writes
// bench/results/latest.json. See bench/results/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { BenchContext, RESULTS_DIR } from './context';
import type { BenchOptions } from './options';
import { parseOptions, UsageError } from './options';
import type { ThroughputFigures } from './phases/throughput-phase';
import { errorsOf, measureThroughput } from './phases/throughput-phase';
import type { BenchResult } from './report';
import { describeMachine, markdownTable, ratio } from './report';
import { round } from './stats';

/** Purchase rates no run should exceed on this machine; purchase events are sized for them. */
const AISLE_MAX_PURCHASES_PER_SEC = 25_000;
const BASELINE_MAX_PURCHASES_PER_SEC = 5_000;
/** Events of the "100 events" scenario (issue 6). */
const SPREAD_EVENTS = 100;

/** The command line as a user types it. */
function commandLine(): string {
  const args = process.argv.slice(2);
  return args.length > 0 ? `npm run bench -- ${args.join(' ')}` : 'npm run bench';
}

async function measureAisle(ctx: BenchContext): Promise<ThroughputFigures> {
  const server = await ctx.startServer('aisle', 'src/main.ts', { AISLE_DEMO: '0' });
  const figures = await measureThroughput(ctx, server, {
    name: 'aisle',
    maxPurchasesPerSec: AISLE_MAX_PURCHASES_PER_SEC,
    ping: true,
    spreadEvents: SPREAD_EVENTS,
  });
  await server.stop();
  return figures;
}

async function measureBaseline(ctx: BenchContext): Promise<ThroughputFigures> {
  const server = await ctx.startServer('baseline', 'bench/baseline/conventional-server.ts');
  const figures = await measureThroughput(ctx, server, {
    name: 'baseline',
    maxPurchasesPerSec: BASELINE_MAX_PURCHASES_PER_SEC,
    ping: false,
    spreadEvents: 0,
  });
  await server.stop();
  return figures;
}

function buildResult(ctx: BenchContext, aisle: ThroughputFigures, baseline: ThroughputFigures | null, started: number): BenchResult {
  const { options } = ctx;
  const { hold, purchase } = aisle;
  const ping = aisle.ping!;
  const spread = aisle.spread!;
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
    fanoutViewers: null,
    fanoutP99Ms: null,
    bytesPerConnection: null,
    snapshotBytes100k: null,
    activationMs100k: null,
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
    },
    runs: { aisle, ...(baseline ? { baseline } : {}) },
    notes: ctx.notes,
    elapsedS: Math.round((Date.now() - started) / 1000),
  };
}

async function main(options: BenchOptions): Promise<void> {
  const started = Date.now();
  const ctx = await BenchContext.create(options);
  try {
    const aisle = await measureAisle(ctx);
    const baseline = options.skipBaseline ? null : await measureBaseline(ctx);
    if (!baseline) ctx.notes.push('the conventional baseline was skipped (--no-baseline): no ratios');
    const result = buildResult(ctx, aisle, baseline, started);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${markdownTable(result)}\n\n`);
    for (const note of ctx.notes) process.stdout.write(`note: ${note}\n`);
    ctx.log(`wrote bench/results/latest.json in ${result.elapsedS} s`);
  } finally {
    await ctx.cleanup();
  }
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
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
