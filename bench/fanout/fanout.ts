// Fan-out and idle memory: N idle viewers subscribed to one event in viewer child processes; a trigger
// client holds or releases a seat, and each viewer records when the resulting diff arrives. The time
// to reach them is arrival minus the moment the hold was sent, on the shared monotonic clock: it
// includes the actor's diff tick (DIFF_TICK_MS, 50 ms by default), as a user would see it. Memory per
// idle viewer is the growth of the live memory of the server's processes (its gateway edges included)
// over the viewers it holds. Each viewer process connects from a loopback address of its own
// (127.0.0.2, .3, …): one source address has only ~28,000 ephemeral ports towards one server port.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../context';
import { monotonicMs } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import { seatRange } from '../scenario/bench-events';
import { seatIdAt } from '../load/load-job';
import type { Percentiles } from '../stats';
import { concatSamples, percentiles } from '../stats';
import { edgePids } from '../../test/support/socket-owners';
import { ChildDriver } from '../system/child-driver';
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

/** What one viewer count measured. */
export interface FanoutLevel {
  viewers: number;
  /** Hold or release sent → diff received, over every viewer and round. */
  latency: Percentiles;
  /** First viewer reached → each viewer reached, per round: the publish itself. */
  spread: Percentiles;
  rounds: number;
  /** Diffs a viewer got out of order or not at all (every viewer must get every diff: 0). */
  gaps: number;
  /** Server processes (the node and its gateway edges). */
  serverProcesses: number;
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
  private readonly driver = new ChildDriver<ToViewers, FromViewers>('bench/fanout/viewer-process.ts');
  viewers = 0;

  /** Resolves with the next message `match` accepts, or rejects after `timeoutMs` or on exit. */
  next<T extends FromViewers>(match: (m: FromViewers) => m is T, timeoutMs: number): Promise<T> {
    return this.driver.next(match, timeoutMs);
  }

  async open(server: BenchServer, eventId: string, count: number, localAddress: string | undefined): Promise<void> {
    if (count <= 0) return;
    const opened = this.next((m): m is Extract<FromViewers, { type: 'opened' }> => m.type === 'opened', 300_000);
    this.driver.send({ type: 'open', host: server.host, port: server.port, eventId, count, localAddress });
    this.viewers = (await opened).total;
  }

  close(): Promise<void> {
    return this.driver.close({ type: 'close' });
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
  await untilReady(server);
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
        await Promise.all(processes.map((p, i) => p.open(server, event.id, share(level, processCount, i) - p.viewers, sourceAddress(server, i))));
      } catch (error) {
        figures.stoppedBy = `opening ${level} viewers failed: ${String(error instanceof Error ? error.message : error)}`;
        ctx.log(`${figures.stoppedBy}; the server's last output:\n${server.output().slice(-3000)}`);
        break;
      }
      const openMs = Date.now() - started;
      const memory = await settledMemory(server);
      const rss = memory.rss;
      const latencies: Float64Array[] = [];
      const spreads: Float64Array[] = [];
      let gaps = 0;
      try {
        for (let r = 0; r < rounds; r++) {
          const diffs = Promise.all(processes.map((p) => p.next(isDiff, ROUND_TIMEOUT_MS)));
          const sentAt = monotonicMs();
          await toggle();
          const received = await diffs;
          const arrivals = concatSamples(received.map((d) => d.arrivals));
          const first = arrivals.reduce((a, b) => Math.min(a, b), Infinity);
          latencies.push(arrivals.map((t) => t - sentAt));
          spreads.push(arrivals.map((t) => t - first));
          gaps = received.reduce((sum, d) => sum + d.gaps, 0);
        }
      } catch (error) {
        figures.stoppedBy = `a diff did not reach all ${level} viewers: ${String(error instanceof Error ? error.message : error)}`;
        ctx.log(figures.stoppedBy);
        break;
      }
      const result: FanoutLevel = {
        viewers: level,
        latency: percentiles(concatSamples(latencies)),
        spread: percentiles(concatSamples(spreads)),
        rounds,
        gaps,
        serverProcesses: memory.processes,
        serverRssBytes: rss,
        bytesPerConnection: Math.round((liveBytes(memory) - liveBytes(before)) / level),
        rssBytesPerConnection: Math.round((rss - before.rss) / level),
        openMs,
      };
      figures.levels.push(result);
      ctx.log(
        `fan-out to ${level.toLocaleString('en-US')} viewers: p50 ${result.latency.p50} p99 ${result.latency.p99} ` +
          `max ${result.latency.max} ms (publish spread p99 ${result.spread.p99} ms); ${gaps} gaps; server RSS ` +
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

/** A server's memory after a full GC, summed over its processes: RSS, and the V8 heap (committed, used). */
export interface MemoryReading {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  processes: number;
}

/** Memory that is in use: native (RSS less the committed V8 heap) plus live V8 objects. */
function liveBytes(m: MemoryReading): number {
  return m.rss - m.heapTotal + m.heapUsed;
}

/**
 * The server's memory once its heaps hold only live objects: a full GC by SIGUSR2 in each of its
 * processes when the server runs bench/system/gc-on-signal.cjs (SIGUSR2 would kill any other; its
 * gateway edges inherit it), then a pause for pages to go back. Each process's V8 heap comes from the
 * file the signal wrote; without one, the node's heap from its /metrics.
 */
export async function settledMemory(server: BenchServer): Promise<MemoryReading> {
  const pids = [server.pid, ...edgePids(server.pid)];
  const files = pids.map((pid) => join(tmpdir(), `aisle-bench-memory-${pid}.json`));
  for (const file of files) rmSync(file, { force: true });
  if (server.gcOnSignal) for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const reading: MemoryReading = { rss: 0, heapTotal: 0, heapUsed: 0, processes: pids.length };
  for (const [i, pid] of pids.entries()) {
    reading.rss += processRssBytes(pid);
    let heap: { heapTotal: number; heapUsed: number } | null = null;
    try {
      heap = JSON.parse(readFileSync(files[i], 'utf8')) as { heapTotal: number; heapUsed: number };
      rmSync(files[i], { force: true });
    } catch {
      if (pid === server.pid) {
        const metrics = await readMetrics(server);
        heap = { heapTotal: metrics.get('nodejs_heap_size_total_bytes') ?? 0, heapUsed: metrics.get('nodejs_heap_size_used_bytes') ?? 0 };
      }
    }
    reading.heapTotal += heap?.heapTotal ?? 0;
    reading.heapUsed += heap?.heapUsed ?? 0;
  }
  return reading;
}

/**
 * Waits for /readyz: /healthz (what the server start waited for) answers as soon as the first gateway
 * edge listens, and a signal to an edge still loading would end it.
 */
export async function untilReady(server: BenchServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fetch(`${server.url}/readyz`).then((res) => res.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`${server.name} not ready in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Viewer process `i`'s source address: its own loopback address when the server is on 127.0.0.1. */
export function sourceAddress(server: BenchServer, i: number): string | undefined {
  return server.host === '127.0.0.1' ? `127.0.0.${2 + (i % 250)}` : undefined;
}

/** Viewers of process `i` when `total` are spread over `processes`. */
function share(total: number, processes: number, i: number): number {
  return Math.floor(total / processes) + (i < total % processes ? 1 : 0);
}
