// Fan-out and idle memory (issue 6): N idle viewers subscribed to one event in viewer child processes;
// a trigger client holds or releases a seat, and each viewer records when the resulting diff arrives.
// The time to reach them is arrival minus the moment the hold was sent, on the shared monotonic clock:
// it includes the actor's diff tick (DIFF_TICK_MS, 50 ms by default), as a user would see it.
// Memory per idle viewer is the server's VmRSS growth over the viewers it holds.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context';
import { monotonicMs } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import { seatRange } from '../scenario/bench-events';
import { seatIdAt } from '../load/load-job';
import type { Percentiles } from '../stats';
import { concatSamples, percentiles } from '../stats';
import { processRssBytes } from '../system/proc-stats';
import { readMetrics } from '../system/server-metrics';
import type { BenchServer } from '../system/server-process';
import type { Replied } from '../wire/wire-client';
import { WireClient } from '../wire/wire-client';
import type { FromViewers, ToViewers } from './viewer-protocol';

/** Viewers per child process: each process may hold 20,000 file descriptors here; stay well under. */
export const VIEWERS_PER_PROCESS = 9_500;
/** How long one diff may take to reach every viewer before the round counts as failed. */
const ROUND_TIMEOUT_MS = 15_000;
/** Lets the server's memory settle (a GC, the viewers' snapshots drained) before reading its RSS. */
const SETTLE_MS = 1_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What one viewer count measured. */
export interface FanoutLevel {
  viewers: number;
  /** Hold or release sent → diff received, over every viewer and round. */
  latency: Percentiles;
  /** First viewer reached → each viewer reached, per round: the publish itself. */
  spread: Percentiles;
  rounds: number;
  serverRssBytes: number;
  /** Live memory per viewer: growth of (RSS − V8 heap committed) + growth of V8 heap used, over the
   * viewers, after a full GC. RSS alone also moves with how much empty heap V8 keeps committed. */
  bytesPerConnection: number;
  /** (RSS now − RSS before any viewer) / viewers, as read. */
  rssBytesPerConnection: number;
  openMs: number;
}

/** The fan-out measurement at every level that fit. */
export interface FanoutFigures {
  rssBeforeBytes: number;
  before: MemoryReading;
  levels: FanoutLevel[];
  /** Why the largest level was not reached, if it was not. */
  stoppedBy: string | null;
}

/** One viewer child process. */
class ViewerProcess {
  private readonly child: ChildProcess;
  private readonly waiters: Array<(message: FromViewers) => boolean> = [];
  private readonly exited: Promise<void>;
  viewers = 0;

  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout/viewer-process.ts'], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (message: FromViewers) => {
      const index = this.waiters.findIndex((accept) => accept(message));
      if (index >= 0) this.waiters.splice(index, 1);
    });
  }

  /** Resolves with the next message `match` accepts, or rejects after `timeoutMs` or on exit. */
  next<T extends FromViewers>(match: (m: FromViewers) => m is T, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`viewer process: nothing in ${timeoutMs} ms`)), timeoutMs);
      void this.exited.then(() => reject(new Error('viewer process exited')));
      this.waiters.push((message) => {
        if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`viewer process: ${message.message}`));
          return true;
        }
        if (!match(message)) return false;
        clearTimeout(timer);
        resolve(message);
        return true;
      });
    });
  }

  async open(server: BenchServer, eventId: string, count: number): Promise<void> {
    if (count <= 0) return;
    const opened = this.next((m): m is Extract<FromViewers, { type: 'opened' }> => m.type === 'opened', 120_000);
    this.send({ type: 'open', host: server.host, port: server.port, eventId, count });
    this.viewers = (await opened).total;
  }

  send(message: ToViewers): void {
    this.child.send(message);
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null) this.send({ type: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const isDiff = (m: FromViewers): m is Extract<FromViewers, { type: 'diff' }> => m.type === 'diff';

/** Measures fan-out to `levels` viewers (ascending) of `event` on `server`, `rounds` diffs per level. */
export async function measureFanout(
  ctx: BenchContext,
  server: BenchServer,
  event: BenchEvent,
  levels: number[],
  rounds: number,
): Promise<FanoutFigures> {
  const processCount = Math.ceil(Math.max(...levels) / VIEWERS_PER_PROCESS);
  const processes = Array.from({ length: processCount }, () => new ViewerProcess());
  const token = await ctx.auth.sign({ userId: 'bench-fanout-trigger', role: 'customer' });
  const trigger = await WireClient.connect(server.host, server.port, token);
  const seat = seatIdAt(seatRange(event, 0, 1), 0);
  let holdId: string | null = null;
  const toggle = async (): Promise<void> => {
    const reply: Replied = holdId
      ? await trigger.request({ type: 'release', eventId: event.id, holdId })
      : await trigger.request({ type: 'hold', eventId: event.id, seats: [seat] });
    if (reply.message.type === 'error') throw new Error(`fan-out trigger: ${JSON.stringify(reply.message)}`);
    holdId = reply.message.type === 'held' ? (reply.message.holdId as string) : null;
  };
  // Activate the event's actor before the memory baseline, so the baseline holds it already.
  await toggle();
  await toggle();
  const before = await settledMemory(server);
  const figures: FanoutFigures = { rssBeforeBytes: before.rss, before, levels: [], stoppedBy: null };
  try {
    for (const level of levels) {
      const started = Date.now();
      try {
        await Promise.all(processes.map((p, i) => p.open(server, event.id, share(level, processCount, i) - p.viewers)));
      } catch (error) {
        figures.stoppedBy = `opening ${level} viewers failed: ${String(error instanceof Error ? error.message : error)}`;
        ctx.log(figures.stoppedBy);
        break;
      }
      const openMs = Date.now() - started;
      const memory = await settledMemory(server);
      const rss = memory.rss;
      const latencies: Float64Array[] = [];
      const spreads: Float64Array[] = [];
      for (let r = 0; r < rounds; r++) {
        const diffs = Promise.all(processes.map((p) => p.next(isDiff, ROUND_TIMEOUT_MS)));
        const sentAt = monotonicMs();
        await toggle();
        const arrivals = concatSamples((await diffs).map((d) => d.arrivals));
        const first = arrivals.reduce((a, b) => Math.min(a, b), Infinity);
        latencies.push(arrivals.map((t) => t - sentAt));
        spreads.push(arrivals.map((t) => t - first));
      }
      const result: FanoutLevel = {
        viewers: level,
        latency: percentiles(concatSamples(latencies)),
        spread: percentiles(concatSamples(spreads)),
        rounds,
        serverRssBytes: rss,
        bytesPerConnection: Math.round((liveBytes(memory) - liveBytes(before)) / level),
        rssBytesPerConnection: Math.round((rss - before.rss) / level),
        openMs,
      };
      figures.levels.push(result);
      ctx.log(
        `fan-out to ${level.toLocaleString('en-US')} viewers: p50 ${result.latency.p50} p99 ${result.latency.p99} ` +
          `max ${result.latency.max} ms (publish spread p99 ${result.spread.p99} ms); server RSS ` +
          `${Math.round(rss / 2 ** 20)} MiB; per viewer ${result.bytesPerConnection} B live (${result.rssBytesPerConnection} B of RSS); ` +
          `opened in ${openMs} ms`,
      );
    }
  } finally {
    trigger.close();
    await Promise.all(processes.map((p) => p.close()));
  }
  return figures;
}

/** A server's memory after a full GC: RSS, and its V8 heap (committed, used) from its /metrics. */
export interface MemoryReading {
  rss: number;
  heapTotal: number;
  heapUsed: number;
}

/** Memory that is in use: native (RSS less the committed V8 heap) plus live V8 objects. */
function liveBytes(m: MemoryReading): number {
  return m.rss - m.heapTotal + m.heapUsed;
}

/**
 * The server's memory once its heap holds only live objects: a full GC by SIGUSR2 when the server
 * runs bench/system/gc-on-signal.cjs (SIGUSR2 would kill any other), then a pause for pages to go back.
 */
async function settledMemory(server: BenchServer): Promise<MemoryReading> {
  if (server.gcOnSignal) process.kill(server.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const metrics = await readMetrics(server);
  return {
    rss: processRssBytes(server.pid),
    heapTotal: metrics.get('nodejs_heap_size_total_bytes') ?? 0,
    heapUsed: metrics.get('nodejs_heap_size_used_bytes') ?? 0,
  };
}

/** Viewers of process `i` when `total` are spread over `processes`. */
function share(total: number, processes: number, i: number): number {
  return Math.floor(total / processes) + (i < total % processes ? 1 : 0);
}
