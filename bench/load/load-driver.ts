// Runs one closed-loop load on worker threads and sums up what they measured, with the CPU the server,
// the load generator and Postgres used inside the measured window.
import { Worker } from 'node:worker_threads';
import type { ConnectionPlan, LoadJob, LoadKind, LoadResult, WorkerReport } from './load-job';
import { monotonicMs } from './load-job';
import type { Percentiles } from '../stats';
import { concatSamples, percentiles, round } from '../stats';
import type { CpuSample, CpuUse } from '../system/proc-stats';
import { cpuBetween, machineBusyShare, sampleCpu } from '../system/proc-stats';

/** One load run: a LoadJob over all its connections, plus how to run and watch it. */
export interface LoadRun extends LoadJob {
  /** Worker threads; connections are dealt round-robin. */
  workers: number;
  /** The server process whose CPU is read at the window's edges. */
  serverPid: number;
  /** Longest wait for the machine to be quiet (other processes' CPU) before starting. */
  quietWaitMs: number;
}

/** What a run measured. */
export interface LoadStats {
  kind: LoadKind;
  connections: number;
  depth: number;
  /** Completed commands (or purchases) per second inside the window. */
  opsPerSec: number;
  latency: Percentiles;
  /** Purchases: hold sent → order received. */
  totalLatency: Percentiles;
  errors: Record<string, number>;
  /** Error replies per completed operation. */
  errorRate: number;
  exhaustedChains: number;
  unanswered: number;
  cpu: CpuUse;
  /** Share of the machine busy just before the run (after waiting up to quietWaitMs for it to drop). */
  busyBeforeStart: number;
  /** The measured window on the monotonic clock (ms), e.g. to cut a CPU profile to it. */
  window: { fromMs: number; toMs: number };
}

/** Gives up on a worker that cannot open its connections in this time. */
const CONNECT_TIMEOUT_MS = 120_000;
/** Lead time between `go` and the first request, so every worker starts together. */
const START_LEAD_MS = 50;

/** The machine counts as quiet below this busy share (the server under test idles meanwhile). */
const QUIET_BUSY_SHARE = 0.15;
/** How long each quiet check samples. */
const QUIET_SAMPLE_MS = 250;

/** Waits until the machine is quiet or `maxMs` passed; returns the last busy share seen. */
async function waitForQuiet(maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const busy = await machineBusyShare(QUIET_SAMPLE_MS);
    if (busy < QUIET_BUSY_SHARE || Date.now() >= deadline) return round(busy);
  }
}

/** Runs `run` and returns its figures. */
export async function runLoad(run: LoadRun): Promise<LoadStats> {
  const busyBeforeStart = await waitForQuiet(run.quietWaitMs);
  const shares: ConnectionPlan[][] = Array.from({ length: run.workers }, () => []);
  run.connections.forEach((plan, i) => shares[i % run.workers].push(plan));
  const workers = shares
    .filter((share) => share.length > 0)
    .map((connections) => {
      const job: LoadJob = {
        host: run.host,
        port: run.port,
        kind: run.kind,
        maxSeatsPerUser: run.maxSeatsPerUser,
        warmupMs: run.warmupMs,
        durationMs: run.durationMs,
        connections,
      };
      return new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: job, argv: [new URL('./load-worker.ts', import.meta.url).href] });
    });
  const reports = workers.map((worker) => collect(worker));
  try {
    await Promise.all(reports.map((r) => r.connected));
    const startAt = monotonicMs() + START_LEAD_MS;
    for (const worker of workers) worker.postMessage({ type: 'go', startAt });
    const window = measureCpu(run.serverPid, startAt + run.warmupMs, run.durationMs);
    const results = await Promise.all(reports.map((r) => r.done));
    const stats = summarize(run, results, await window, busyBeforeStart);
    stats.window = { fromMs: Math.round(startAt + run.warmupMs), toMs: Math.round(startAt + run.warmupMs + run.durationMs) };
    return stats;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Either may reject while nobody awaits it yet; the awaiting caller still sees the rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function collect(worker: Worker): { connected: Promise<void>; done: Promise<LoadResult> } {
  const connected = deferred<void>();
  const done = deferred<LoadResult>();
  const fail = (error: Error): void => {
    clearTimeout(timer);
    connected.reject(error);
    done.reject(error);
  };
  const timer = setTimeout(() => fail(new Error('a load worker did not connect in time')), CONNECT_TIMEOUT_MS);
  worker.on('message', (report: WorkerReport) => {
    if (report.type === 'connected') {
      clearTimeout(timer);
      connected.resolve();
    } else if (report.type === 'failed') {
      fail(new Error(`load worker: ${report.message}`));
    } else {
      done.resolve(report.result);
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`load worker exited with ${code}`)));
  return { connected: connected.promise, done: done.promise };
}

async function measureCpu(serverPid: number, from: number, durationMs: number): Promise<CpuUse> {
  await sleepUntil(from);
  const a: CpuSample = sampleCpu(serverPid);
  const t0 = monotonicMs();
  await sleepUntil(from + durationMs);
  const b = sampleCpu(serverPid);
  return cpuBetween(a, b, monotonicMs() - t0);
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - monotonicMs())));
}

function summarize(run: LoadRun, results: LoadResult[], cpu: CpuUse, busyBeforeStart: number): LoadStats {
  const completed = results.reduce((n, r) => n + r.completed, 0);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    kind: run.kind,
    connections: run.connections.length,
    depth: run.connections[0]?.chains.length ?? 0,
    opsPerSec: Math.round((completed * 1000) / run.durationMs),
    latency: percentiles(concatSamples(results.map((r) => r.latencies))),
    totalLatency: percentiles(concatSamples(results.map((r) => r.totalLatencies))),
    errors,
    errorRate: completed > 0 ? round(errorCount / completed, 4) : errorCount > 0 ? 1 : 0,
    exhaustedChains: results.reduce((n, r) => n + r.exhaustedChains, 0),
    unanswered: results.reduce((n, r) => n + r.unanswered, 0),
    cpu,
    busyBeforeStart,
    window: { fromMs: 0, toMs: 0 },
  };
}
