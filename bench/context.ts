// What every phase of a bench run shares: options, the signing secret, load settings, progress output,
// and the servers and databases to tear down at the end.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../test/support/database';
import { Auth } from '../src/gateway/auth';
import type { LoadStats } from './load/load-driver';
import type { BenchOptions } from './options';
import type { Shape } from './scenario/plans';
import type { LoadSettings } from './scenario/throughput';
import { NOISY_OTHER_CORES } from './scenario/throughput';
import type { BenchServer } from './system/server-process';
import { startBenchServer } from './system/server-process';

/** Where results, the chart and profiles go. */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Longest waits for a quiet machine before each run: the machine is shared with builds and tests. */
const QUICK_QUIET_WAIT_MS = 2_000;
const FULL_QUIET_WAIT_MS = 20_000;
/** Each point of the offered-load sweep runs at most this long (s): it has many points. */
const SWEEP_WARMUP_S = 2;
const SWEEP_DURATION_S = 8;
/** Full runs measure a noisy scenario again, this many times at most, and keep the quietest run. */
const FULL_NOISY_RETRIES = 1;

/** Shared state of one bench run. */
export class BenchContext {
  /** What was missed or reduced, for the JSON and the printout. */
  readonly notes: string[] = [];
  readonly settings: LoadSettings;
  /** Shorter runs for the offered-load sweep of the chart. */
  readonly sweepSettings: LoadSettings;
  readonly shape: Shape;
  private readonly cleanups: Array<() => Promise<void>> = [];
  private readonly servers: BenchServer[] = [];

  private constructor(
    readonly options: BenchOptions,
    private readonly secret: string,
    readonly auth: Auth,
    readonly adminToken: string,
  ) {
    this.settings = {
      warmupMs: options.warmupS * 1000,
      durationMs: options.durationS * 1000,
      workers: options.workers,
      quietWaitMs: options.mode === 'quick' ? QUICK_QUIET_WAIT_MS : FULL_QUIET_WAIT_MS,
      noisyRetries: options.mode === 'quick' ? 0 : FULL_NOISY_RETRIES,
    };
    this.sweepSettings = {
      ...this.settings,
      warmupMs: Math.min(options.warmupS, SWEEP_WARMUP_S) * 1000,
      durationMs: Math.min(options.durationS, SWEEP_DURATION_S) * 1000,
    };
    this.shape = { connections: options.connections, depth: options.depth };
  }

  /** A context with a fresh AUTH_SECRET shared by the bench and its servers. */
  static async create(options: BenchOptions): Promise<BenchContext> {
    const secret = randomBytes(24).toString('hex');
    const auth = Auth.create(secret);
    return new BenchContext(options, secret, auth, await auth.sign({ userId: 'bench-admin', role: 'admin' }));
  }

  /** A fresh Postgres database, dropped at the end of the run. */
  async createDatabase(): Promise<string> {
    const db = await createTestDatabase();
    this.cleanups.push(() => db.drop());
    return db.url;
  }

  /** Starts `script` against `databaseUrl` as a user would: DATABASE_URL and AUTH_SECRET, default tuning. */
  async startServer(
    name: string,
    script: string,
    databaseUrl: string,
    env: Record<string, string> = {},
    extraNodeArgs: string[] = [],
    profiled = true,
  ): Promise<BenchServer> {
    this.log(`starting ${name}`);
    // One folder per server: Node writes a profile per thread (the main one and tsx's loader thread).
    const profile =
      this.options.profile && profiled ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS_DIR}profiles/${name.replace(/[^a-z0-9-]+/gi, '-')}`] : [];
    const nodeArgs = [...profile, ...extraNodeArgs];
    const server = await startBenchServer({ name, script, env: { DATABASE_URL: databaseUrl, AUTH_SECRET: this.secret, ...env }, nodeArgs });
    this.cleanups.push(() => server.stop());
    this.servers.push(server);
    return server;
  }

  /** Runs `fn` at the end of the run, before what was deferred earlier. */
  defer(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  /** Stops servers and drops databases, newest first. */
  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch((error: unknown) => this.log(`cleanup failed: ${String(error)}`));
    this.cleanups.length = 0;
  }

  /** The end of every server's output, for a run that failed. */
  serverOutputs(lines = 15): string {
    return this.servers
      .map((server) => `--- ${server.name} (pid ${server.pid}):\n${server.output().trim().split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** A progress line on stderr. */
  log(message: string): void {
    process.stderr.write(`[bench] ${message}\n`);
  }

  /** A progress line for a finished load run. */
  logRun(name: string, s: LoadStats): void {
    const errors = Object.keys(s.errors).length > 0 ? ` errors ${JSON.stringify(s.errors)}` : '';
    this.log(
      `${name}: ${s.opsPerSec.toLocaleString('en-US')}/s p50 ${s.latency.p50} p99 ${s.latency.p99} p999 ${s.latency.p999} ms; ` +
        `cpu cores: server ${s.cpu.serverCores} bench ${s.cpu.benchCores} postgres ${s.cpu.postgresCores} ` +
        `other ${s.cpu.otherCores}, machine ${s.cpu.machineBusyPct}% busy${errors}`,
    );
    if (s.cpu.otherCores > NOISY_OTHER_CORES) {
      this.notes.push(`${name}: other processes used ${s.cpu.otherCores} cores during the window (noisy): ${s.cpu.busiestOthers.join('; ')}`);
    }
  }
}
