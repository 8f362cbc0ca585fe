// Hold + release over many events, with the connections dealt over a cluster's nodes: connection c
// goes to lane c mod lanes, and lane i to node i mod nodes. Every connection's events are spread over
// all events, so on several nodes most of its commands are forwarded to another node's actor. The same
// lanes run against one node too, so one node and a cluster are driven by the same load generator
// (same threads, same connections per thread); only where the lanes point differs.
import { cpus } from 'node:os';
import type { Auth } from '../../src/gateway/auth';
import type { LoadStats } from '../load/load-driver';
import { runLoad } from '../load/load-driver';
import type { ConnectionPlan } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import type { Shape } from '../scenario/plans';
import { connectionTokens, holdPlan } from '../scenario/plans';
import { round } from '../stats';
import { allProcessCpu, machineBusyShare, machineJiffies } from '../system/proc-stats';
import type { BenchServer } from '../system/server-process';

/** The machine counts as quiet below this busy share (as in the load driver). */
const QUIET_BUSY_SHARE = 0.15;
const QUIET_SAMPLE_MS = 250;
/** The CPU window starts this long after the lanes' warm-up would begin: threads start and connect first. */
const CPU_WINDOW_DELAY_MS = 1_500;

/** Timing of one spread load. */
export interface SpreadSettings {
  warmupMs: number;
  durationMs: number;
  /** Longest wait for other processes to leave the CPUs before starting. */
  quietWaitMs: number;
}

/** What one spread load measured. */
export interface SpreadFigures {
  /** Commands (hold or release) completed per second inside the window, all lanes together. */
  opsPerSec: number;
  /** The worst lane's p50 and p99 (lanes are measured separately; their samples are not merged). */
  p50Ms: number;
  p99Ms: number;
  errors: Record<string, number>;
  /**
   * CPU of all nodes together per completed command (µs): what a command costs wherever it runs,
   * forwarding included; unlike throughput, it hardly depends on what else the machine is doing.
   */
  nodeCpuUsPerCommand: number;
  /** Redis CPU per completed command (µs): hold journal writes, rate limits, diff publishes. One Redis
   * serves the whole cluster, so 1,000,000 / this is a ceiling on cluster commands per Redis core. */
  redisCpuUsPerCommand: number;
  /** CPU cores busy inside the window, by process. */
  cpu: SpreadCpu;
  busyBeforeStart: number;
  lanes: LoadStats[];
}

/** Cores busy in a window inside the load's: each node, the load generator, Postgres, Redis and the rest. */
export interface SpreadCpu {
  nodes: Record<string, number>;
  bench: number;
  postgres: number;
  redis: number;
  /** The machine's busy cores minus all of the above: processes outside the bench (noise). */
  other: number;
  machineBusyPct: number;
  /** Length of the window read (ms). */
  windowMs: number;
}

/** Waits until the machine is quiet or `maxMs` passed; returns the last busy share seen. */
async function waitForQuiet(maxMs: number): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const busy = await machineBusyShare(QUIET_SAMPLE_MS);
    if (busy < QUIET_BUSY_SHARE || Date.now() >= deadline) return round(busy);
  }
}

/** The plan of every connection: one user each, chains spread over `events`. */
export async function spreadPlan(auth: Auth, users: string, shape: Shape, events: BenchEvent[]): Promise<ConnectionPlan[]> {
  return holdPlan(shape, await connectionTokens(auth, users, shape.connections), events);
}

/**
 * Runs `plan` in `lanes` lanes at once, lane i on `nodes[i mod nodes.length]`, one load worker thread
 * per lane. `nodeIds[i]` names `nodes[i]` in the CPU figures; `redisPid` is the cluster's Redis.
 */
export async function runSpreadLoad(
  plan: ConnectionPlan[],
  lanes: number,
  nodes: BenchServer[],
  nodeIds: string[],
  maxSeatsPerUser: number,
  settings: SpreadSettings,
  redisPid: number,
): Promise<SpreadFigures> {
  const busyBeforeStart = await waitForQuiet(settings.quietWaitMs);
  const shares: ConnectionPlan[][] = Array.from({ length: lanes }, () => []);
  plan.forEach((connection, c) => shares[c % lanes].push(connection));
  // The lanes' windows start after their threads connected; this one starts later and ends with them.
  const cpuFromMs = settings.warmupMs + CPU_WINDOW_DELAY_MS;
  const cpu = new Promise<SpreadCpu>((resolve) => setTimeout(resolve, cpuFromMs)).then(() =>
    readCpu(Object.fromEntries(nodeIds.map((id, i) => [id, nodes[i].pid])), redisPid, Math.max(500, settings.durationMs - CPU_WINDOW_DELAY_MS)),
  );
  const runs = await Promise.all(
    shares.map((connections, i) => {
      const node = nodes[i % nodes.length];
      return runLoad({
        host: node.host,
        port: node.port,
        kind: 'hold',
        connections,
        maxSeatsPerUser,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        workers: 1,
        serverPid: node.pid,
        // Waited for above, once for all lanes, so they start together.
        quietWaitMs: 0,
      });
    }),
  );
  const errors: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + n;
  const opsPerSec = runs.reduce((n, run) => n + run.opsPerSec, 0);
  const busy = await cpu;
  const nodeCores = Object.values(busy.nodes).reduce((a, b) => a + b, 0);
  return {
    opsPerSec,
    p50Ms: Math.max(...runs.map((run) => run.latency.p50)),
    p99Ms: Math.max(...runs.map((run) => run.latency.p99)),
    errors,
    nodeCpuUsPerCommand: opsPerSec > 0 ? Math.round((nodeCores * 1e6) / opsPerSec) : 0,
    redisCpuUsPerCommand: opsPerSec > 0 ? Math.round((busy.redis * 1e6) / opsPerSec) : 0,
    cpu: busy,
    busyBeforeStart,
    lanes: runs,
  };
}

/** CPU of every process that matters, over `ms` from now; `nodes` maps a name to a pid. */
async function readCpu(nodes: Record<string, number>, redisPid: number, ms: number): Promise<SpreadCpu> {
  const a = allProcessCpu();
  const ja = machineJiffies();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = allProcessCpu();
  const jb = machineJiffies();
  const wall = performance.now() - t0;
  const coresOf = (pid: number): number => ((b.get(pid)?.ms ?? 0) - (a.get(pid)?.ms ?? 0)) / wall;
  let postgres = 0;
  for (const [pid, { name }] of b) if (name === 'postgres' || name === 'pgbouncer') postgres += coresOf(pid);
  const nodeCores = Object.fromEntries(Object.entries(nodes).map(([id, pid]) => [id, round(coresOf(pid))]));
  const known = Object.values(nodes).reduce((n, pid) => n + coresOf(pid), 0) + coresOf(process.pid) + postgres + coresOf(redisPid);
  const busyShare = jb.total > ja.total ? (jb.busy - ja.busy) / (jb.total - ja.total) : 0;
  return {
    nodes: nodeCores,
    bench: round(coresOf(process.pid)),
    postgres: round(postgres),
    redis: round(coresOf(redisPid)),
    other: round(Math.max(0, busyShare * cpus().length - known)),
    machineBusyPct: Math.round(busyShare * 100),
    windowMs: Math.round(wall),
  };
}
