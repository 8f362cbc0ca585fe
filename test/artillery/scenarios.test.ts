// The Artillery scenarios' short forms (`-e ci`), each through `npm run load`'s runner, green against a
// real server: browse, onsale, checkout and queue against a server of this test with AUTH_SECRET (tokens
// signed by the processor), staff against the dev-mode server the runner starts itself (tokens from
// /api/dev/token). Each report must show no failed user and custom metrics that make sense.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A short form takes ~10 s of phases plus ~7 s of Artillery start and report; the runner's own server ~5 s. */
const RUN_TIMEOUT_MS = 120_000;
/** `npm ci --prefix artillery` when test/setup/ensure-services.mjs did not run first (~1.5 min here). */
const INSTALL_TIMEOUT_MS = 600_000;

interface Summary {
  min: number;
  p50: number;
  p99: number;
  max: number;
  count: number;
}

interface Report {
  counters: Record<string, number>;
  summaries: Record<string, Summary>;
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs `node args…` in the repository root with `env` on top of ours, less any Aisle target settings. */
function runNode(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  for (const name of ['AUTH_SECRET', 'AISLE_URL', 'AISLE_EVENT']) delete base[name];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** `npm run load -- <scenario> --env ci [args]`; resolves with the aggregate of its JSON report. */
async function load(scenario: string, args: string[] = [], env: Record<string, string> = {}): Promise<Report> {
  const run = await runNode(['artillery/run.mjs', scenario, '--env', 'ci', ...args], env);
  const tail = run.output.split('\n').slice(-40).join('\n');
  expect(run.code, `npm run load -- ${scenario} failed:\n${tail}`).toBe(0);
  const reportPath = /^\s*report\s+(\S+\.json)$/m.exec(run.output)?.[1];
  expect(reportPath, `no report path in:\n${tail}`).toBeDefined();
  const report = JSON.parse(await readFile(join(ROOT, reportPath!), 'utf8')) as { aggregate: Report };
  return report.aggregate;
}

function count(report: Report, name: string): number {
  return report.counters[name] ?? 0;
}

/** Every user came back, none failed, nothing was counted as an error. */
function expectCleanRun(report: Report): void {
  expect(count(report, 'vusers.created')).toBeGreaterThan(0);
  expect(count(report, 'vusers.failed')).toBe(0);
  expect(count(report, 'vusers.completed')).toBe(count(report, 'vusers.created'));
  expect(Object.keys(report.counters).filter((name) => name.startsWith('errors.'))).toEqual([]);
}

/** A latency histogram with `count` samples and ordered, plausible percentiles (ms). */
function expectLatency(report: Report, name: string, samples: number): void {
  const summary = report.summaries[name];
  expect(summary, `no ${name} histogram`).toBeDefined();
  expect(summary.count).toBe(samples);
  expect(summary.min).toBeGreaterThanOrEqual(0);
  expect(summary.p50).toBeLessThanOrEqual(summary.p99);
  // Artillery's percentiles come from a sketch accurate to 1% of the value (max is exact): a p99 of
  // 242.3 beside a max of 242.2 is the same sample.
  expect(summary.p99).toBeLessThanOrEqual(summary.max * 1.01);
  expect(summary.max).toBeLessThan(10_000);
}

let server: ServerProcess;
let dataDir: string;

beforeAll(async () => {
  const install = await runNode(['--input-type=module', '-e', "(await import('./artillery/runner/install.mjs')).ensureArtilleryInstalled()"]);
  expect(install.code, install.output).toBe(0);
  dataDir = await mkdtemp(join(tmpdir(), 'aisle-artillery-'));
  server = await startServer({ DATA_DIR: dataDir, AISLE_DEMO: '1', AUTH_SECRET: TEST_SECRET }, 60_000);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('artillery scenarios, short forms', () => {
  const signed = (): [string[], Record<string, string>] => [['--target', server.url], { AUTH_SECRET: TEST_SECRET }];

  it('browse: viewers get a snapshot and gap-free diffs while shoppers hold and release', async () => {
    const report = await load('browse', ...signed());
    expectCleanRun(report);
    const viewers = count(report, 'vusers.created_by_name.viewer');
    expect(viewers).toBeGreaterThan(0);
    expectLatency(report, 'aisle.subscribe_ms', viewers);
    expect(count(report, 'aisle.diffs_received')).toBeGreaterThan(0);
    expect(count(report, 'aisle.diff_changes')).toBeGreaterThanOrEqual(count(report, 'aisle.diffs_received'));
    expect(count(report, 'aisle.diff_gaps')).toBe(0);
    expect(count(report, 'aisle.holds')).toBeGreaterThan(0);
    expect(count(report, 'aisle.releases')).toBe(count(report, 'aisle.holds'));
  }, RUN_TIMEOUT_MS);

  it('onsale: the race holds and sells seats, and collisions answer seat_unavailable', async () => {
    const report = await load('onsale', ...signed());
    expectCleanRun(report);
    const holds = count(report, 'aisle.holds');
    const unavailable = count(report, 'aisle.holds_seat_unavailable');
    expect(holds).toBeGreaterThan(0);
    expectLatency(report, 'aisle.hold_ms', holds + unavailable);
    // Every unavailable pick falls back to best available, which cannot miss on a far-from-sold-out event.
    expect(unavailable).toBeLessThanOrEqual(count(report, 'aisle.picks'));
    expect(count(report, 'aisle.sold_out')).toBe(0);
    expect(count(report, 'aisle.purchases')).toBe(holds);
    expectLatency(report, 'aisle.purchase_ms', holds);
    expect(count(report, 'aisle.seats_bought')).toBe(count(report, 'aisle.seats_held'));
    expect(count(report, 'aisle.diffs_received')).toBeGreaterThan(0);
    expect(count(report, 'aisle.diff_gaps')).toBe(0);
  }, RUN_TIMEOUT_MS);

  it('checkout: every hold ends bought, released or abandoned', async () => {
    const report = await load('checkout', ...signed());
    expectCleanRun(report);
    const holds = count(report, 'aisle.holds');
    expect(holds).toBe(count(report, 'vusers.created'));
    expect(count(report, 'aisle.purchases')).toBeGreaterThan(0);
    expect(count(report, 'aisle.purchases') + count(report, 'aisle.releases') + count(report, 'aisle.abandoned')).toBe(holds);
    expectLatency(report, 'aisle.purchase_ms', count(report, 'aisle.purchases'));
    if (count(report, 'aisle.extends') > 0) expectLatency(report, 'aisle.extend_ms', count(report, 'aisle.extends'));
  }, RUN_TIMEOUT_MS);

  it('queue: far more users than seats join the waiting room; the admitted buy, the rest are told it sold out', async () => {
    // No --event: the runner creates a fresh event with its queue on, and exits 1 unless the room lets
    // every user go afterwards, every admission reached its user and the ledger matches.
    const report = await load('queue', ...signed());
    expectCleanRun(report);
    const joins = count(report, 'aisle.joins');
    const admitted = count(report, 'aisle.admitted');
    expect(joins).toBe(count(report, 'vusers.created'));
    expect(count(report, 'aisle.queued')).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThan(0);
    expectLatency(report, 'aisle.admit_wait_ms', admitted);
    expectLatency(report, 'aisle.join_ms', joins);
    // Every join ended admitted or told the queue closed, and the event sold out.
    expect(count(report, 'aisle.queue_closed.sold_out')).toBeGreaterThan(0);
    expect(admitted + count(report, 'aisle.queue_closed')).toBe(joins);
    expect(count(report, 'aisle.purchases')).toBeGreaterThan(0);
    expect(count(report, 'aisle.purchases')).toBeLessThanOrEqual(admitted);
    expect(count(report, 'aisle.seats_bought')).toBe(count(report, 'aisle.seats_held'));
    expect(count(report, 'aisle.position_rises')).toBe(0);
    expect(count(report, 'aisle.late_queue_pushes')).toBe(0);
    // Everyone who did not buy gave the place or admission up.
    expect(count(report, 'aisle.left') + count(report, 'aisle.purchases')).toBe(joins);
  }, RUN_TIMEOUT_MS);

  it('staff: against a dev-mode server of its own, watchers get stats pushes while customers buy', async () => {
    const report = await load('staff');
    expectCleanRun(report);
    const watchers = count(report, 'vusers.created_by_name.watcher');
    expect(watchers).toBeGreaterThan(0);
    expectLatency(report, 'aisle.watch_ms', watchers);
    expect(count(report, 'aisle.stats_received')).toBeGreaterThanOrEqual(watchers);
    expect(count(report, 'aisle.purchases')).toBeGreaterThan(0);
  }, RUN_TIMEOUT_MS);
});
