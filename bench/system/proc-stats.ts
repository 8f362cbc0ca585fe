// Readings from Linux /proc: CPU time and resident memory of processes, and the machine's busy time.
// They tell which resource ran out during a run (server, load generator, Postgres, the whole machine).
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK` is 100 on Linux x86-64). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process in ms, or 0 when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) are at 11 and 12 once pid and comm are cut off.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** VmRSS of a process in bytes, or 0 when it is gone. */
export function processRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU ms of every process named `postgres` (the server and all its backends). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'latin1').trim() === 'postgres') total += processCpuMs(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th values.
  return { busy: total - values[3] - values[4], total };
}

/** A CPU reading of the processes that matter, taken at one instant. */
export interface CpuSample {
  serverMs: number;
  benchMs: number;
  postgresMs: number;
  machine: { busy: number; total: number };
}

/** Takes a CpuSample; `serverPid` is the server under test. */
export function sampleCpu(serverPid: number): CpuSample {
  return {
    serverMs: processCpuMs(serverPid),
    benchMs: processCpuMs(process.pid),
    postgresMs: postgresCpuMs(),
    machine: machineJiffies(),
  };
}

/** CPU used between two samples over `ms` of wall time, as cores busy (1.0 = one full core). */
export interface CpuUse {
  serverMs: number;
  serverCores: number;
  benchCores: number;
  postgresCores: number;
  /** Cores busy with anything else on the machine (other users' builds and tests): noise. */
  otherCores: number;
  machineBusyPct: number;
}

/** The CPU used between `a` and `b`, `wallMs` apart. */
export function cpuBetween(a: CpuSample, b: CpuSample, wallMs: number): CpuUse {
  const round = (x: number): number => Math.round(x * 100) / 100;
  const total = b.machine.total - a.machine.total;
  const busyCores = ((b.machine.busy - a.machine.busy) * 1000) / TICKS_PER_SECOND / wallMs;
  const server = (b.serverMs - a.serverMs) / wallMs;
  const bench = (b.benchMs - a.benchMs) / wallMs;
  const postgres = (b.postgresMs - a.postgresMs) / wallMs;
  return {
    serverMs: b.serverMs - a.serverMs,
    serverCores: round(server),
    benchCores: round(bench),
    postgresCores: round(postgres),
    otherCores: round(Math.max(0, busyCores - server - bench - postgres)),
    machineBusyPct: total > 0 ? Math.round(((b.machine.busy - a.machine.busy) / total) * 100) : 0,
  };
}

/** The machine's busy share (0..1) over the next `ms`. */
export async function machineBusyShare(ms: number): Promise<number> {
  const a = machineJiffies();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineJiffies();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}
