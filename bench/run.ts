// `npm run bench`: starts Aisle (and the conventional baseline) against fresh Postgres databases,
// drives them from worker threads on this machine, prints a markdown table and writes
// bench/results/latest.json. See bench/results/README.md.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/support/database';
import { Auth } from '../src/gateway/auth';
import type { LoadStats } from './load/load-driver';
import type { BenchOptions } from './options';
import { parseOptions, UsageError } from './options';
import type { BenchResult } from './report';
import { describeMachine, markdownTable, ratio } from './report';
import type { BenchEvent } from './scenario/bench-events';
import { benchEvent, createEvents, MAX_EVENT_SEATS, PURCHASE_SEATS_PER_USER } from './scenario/bench-events';
import { purchaseCapacity } from './scenario/plans';
import type { LoadSettings } from './scenario/throughput';
import { ThroughputScenarios } from './scenario/throughput';
import type { BenchServer } from './system/server-process';
import { startBenchServer } from './system/server-process';
import { round } from './stats';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
/** A purchase rate no run should exceed on this machine; purchase events are sized for it. */
const PLANNED_MAX_PURCHASES_PER_SEC = 25_000;
/** Events of the "100 events" scenario (issue 6). */
const SPREAD_EVENTS = 100;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function describe(name: string, s: LoadStats): void {
  const errors = Object.keys(s.errors).length > 0 ? ` errors ${JSON.stringify(s.errors)}` : '';
  log(
    `${name}: ${s.opsPerSec.toLocaleString('en-US')}/s p50 ${s.latency.p50} p99 ${s.latency.p99} p999 ${s.latency.p999} ms; ` +
      `cpu server ${s.cpu.serverCores} bench ${s.cpu.benchCores} postgres ${s.cpu.postgresCores} machine ${s.cpu.machineBusyPct}%${errors}`,
  );
}

/** The events of the throughput scenarios, on either server. */
interface ThroughputEvents {
  hot: BenchEvent;
  spread: BenchEvent[];
  purchase: BenchEvent[];
}

function planEvents(options: BenchOptions, prefix: string): ThroughputEvents {
  const chains = options.connections * options.depth;
  const purchaseSeats = ((options.warmupS + options.durationS) * PLANNED_MAX_PURCHASES_PER_SEC);
  const purchaseEvents = Math.max(1, Math.ceil(purchaseSeats / MAX_EVENT_SEATS));
  return {
    hot: benchEvent(`${prefix}-hot`, chains),
    spread: Array.from({ length: SPREAD_EVENTS }, (_, i) => benchEvent(`${prefix}-e${i}`, Math.ceil(chains / SPREAD_EVENTS))),
    purchase: Array.from({ length: purchaseEvents }, (_, i) => benchEvent(`${prefix}-buy${i}`, MAX_EVENT_SEATS, PURCHASE_SEATS_PER_USER)),
  };
}

async function main(options: BenchOptions): Promise<void> {
  const started = Date.now();
  const notes: string[] = [];
  const secret = randomBytes(24).toString('hex');
  const auth = Auth.create(secret);
  const adminToken = await auth.sign({ userId: 'bench-admin', role: 'admin' });
  const settings: LoadSettings = { warmupMs: options.warmupS * 1000, durationMs: options.durationS * 1000, workers: options.workers };
  const shape = { connections: options.connections, depth: options.depth };
  const cleanups: Array<() => Promise<void>> = [];
  const profileArgs = (name: string): string[] =>
    options.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}profiles`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  try {
    const aisleDb = await createTestDatabase();
    cleanups.push(() => aisleDb.drop());
    log('starting Aisle');
    const aisle: BenchServer = await startBenchServer({
      name: 'aisle',
      script: 'src/main.ts',
      env: { DATABASE_URL: aisleDb.url, AUTH_SECRET: secret, AISLE_DEMO: '0' },
      nodeArgs: profileArgs('aisle'),
    });
    cleanups.push(() => aisle.stop());
    const events = planEvents(options, 'a');
    const t0 = Date.now();
    await createEvents(aisle.url, adminToken, [events.hot, ...events.spread, ...events.purchase]);
    log(`created ${2 + events.spread.length + events.purchase.length - 1} events in ${Date.now() - t0} ms`);

    const scenarios = new ThroughputScenarios(aisle, auth, 'aisle', settings);
    const ping = await scenarios.ping(shape);
    describe('ping', ping);
    const hold = await scenarios.hold(shape, [events.hot]);
    describe('hold+release, one hot event', hold);
    const hold100 = await scenarios.hold(shape, events.spread);
    describe('hold+release, 100 events', hold100);
    const purchase = await scenarios.purchase(shape, events.purchase, 0);
    describe('purchases', purchase);
    log(`  purchase total (hold+buy) p99 ${purchase.totalLatency.p99} ms`);
    if (purchase.exhaustedChains > 0) {
      notes.push(`purchases: ${purchase.exhaustedChains} chains ran out of seats (${purchaseCapacity(events.purchase)} planned)`);
    }

    const result: BenchResult = {
      holdOpsPerSec: hold.opsPerSec,
      holdP50Ms: hold.latency.p50,
      holdP99Ms: hold.latency.p99,
      holdP999Ms: hold.latency.p999,
      pingOpsPerSec: ping.opsPerSec,
      holdVsPingRatio: ratio(hold.opsPerSec, ping.opsPerSec) ?? 0,
      holdOpsPerSec100Events: hold100.opsPerSec,
      holdP99Ms100Events: hold100.latency.p99,
      baselineHoldOpsPerSec: null,
      baselineHoldP99Ms: null,
      holdRatio: null,
      purchasesPerSec: purchase.opsPerSec,
      purchaseP99Ms: purchase.latency.p99,
      purchaseTotalP99Ms: purchase.totalLatency.p99,
      baselinePurchasesPerSec: null,
      baselinePurchaseP99Ms: null,
      purchaseRatio: null,
      fanoutViewers: null,
      fanoutP99Ms: null,
      bytesPerConnection: null,
      snapshotBytes100k: null,
      activationMs100k: null,
      cpuMsPer1000Commands: hold.latency.count > 0 ? round((hold.cpu.serverMs / (hold.opsPerSec * options.durationS)) * 1000, 3) : 0,
      machine: describeMachine(),
      date: new Date().toISOString(),
      mode: options.mode,
      command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
      settings: { connections: options.connections, depth: options.depth, workers: options.workers, warmupS: options.warmupS, durationS: options.durationS },
      runs: { ping, hold, hold100, purchase },
      notes,
      elapsedS: 0,
    };
    result.elapsedS = Math.round((Date.now() - started) / 1000);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(`${RESULTS_DIR}latest.json`, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${markdownTable(result)}\n\n`);
    for (const note of notes) process.stdout.write(`note: ${note}\n`);
    log(`wrote bench/results/latest.json in ${result.elapsedS} s`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  throw error;
}
main(options).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
