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

/** CPU ms of every process on the machine, by pid, with its name. */
export function allProcessCpu(): Map<number, { ms: number; name: string }> {
  const all = new Map<number, { ms: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue;
    try {
      const name = readFileSync(`/proc/${entry}/comm`, 'latin1').trim();
      all.set(Number(entry), { ms: processCpuMs(Number(entry)), name });
    } catch {
      // Gone between readdir and read.
    }
  }
  return all;
}

/** The command line of a process, shortened, or its pid when it is gone. */
function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim().slice(0, 80);
  } catch {
    return `pid ${pid}`;
  }
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
  serverPid: number;
  processes: Map<number, { ms: number; name: string }>;
  machine: { busy: number; total: number };
}

/** Takes a CpuSample; `serverPid` is the server under test. */
export function sampleCpu(serverPid: number): CpuSample {
  return { serverPid, processes: allProcessCpu(), machine: machineJiffies() };
}

/** CPU used between two samples over `ms` of wall time, as cores busy (1.0 = one full core). */
export interface CpuUse {
  serverMs: number;
  serverCores: number;
  benchCores: number;
  postgresCores: number;
  /** Cores busy with anything else on the machine (other users' builds and tests): noise. */
  otherCores: number;
  /** The busiest other processes, e.g. "0.8 node …/vitest/… (pid 123)". */
  busiestOthers: string[];
  machineBusyPct: number;
}

/** Other processes' CPU above this share of a core is named in `busiestOthers`. */
const NAMED_OTHER_CORES = 0.05;

/** The CPU used between `a` and `b`, `wallMs` apart. */
export function cpuBetween(a: CpuSample, b: CpuSample, wallMs: number): CpuUse {
  const round = (x: number): number => Math.round(x * 100) / 100;
  const cores = (pid: number): number => ((b.processes.get(pid)?.ms ?? 0) - (a.processes.get(pid)?.ms ?? 0)) / wallMs;
  const server = cores(a.serverPid);
  const bench = cores(process.pid);
  let postgres = 0;
  const others: Array<[number, number]> = [];
  for (const [pid, { name }] of b.processes) {
    if (pid === a.serverPid || pid === process.pid) continue;
    const used = cores(pid);
    if (name === 'postgres') postgres += used;
    else if (used > NAMED_OTHER_CORES) others.push([pid, used]);
  }
  const total = b.machine.total - a.machine.total;
  const busyCores = ((b.machine.busy - a.machine.busy) * 1000) / TICKS_PER_SECOND / wallMs;
  return {
    serverMs: Math.round(server * wallMs),
    serverCores: round(server),
    benchCores: round(bench),
    postgresCores: round(postgres),
    otherCores: round(Math.max(0, busyCores - server - bench - postgres)),
    busiestOthers: others
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .map(([pid, used]) => `${round(used)} ${commandOf(pid)} (pid ${pid})`),
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
