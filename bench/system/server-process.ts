// Starts a server under test as its own Node process (so its CPU and memory can be read from /proc),
// waits until its /healthz answers, and stops it by signal.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/server-process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Keeps the end of a process's output for error messages. */
const OUTPUT_TAIL = 20_000;

/** A server process the bench started. */
export interface BenchServer {
  name: string;
  pid: number;
  host: string;
  port: number;
  url: string;
  /** True when it runs bench/system/gc-on-signal.cjs: SIGUSR2 then runs a full GC (else it would kill it). */
  gcOnSignal: boolean;
  /** The last lines it printed. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** How to start one server. */
export interface ServerSpec {
  name: string;
  /** Script path relative to the repository root, run with `node --import tsx`. */
  script: string;
  env: Record<string, string>;
  /** Extra Node flags (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** Starts `spec.script` on a free loopback port and resolves once GET /healthz answers 200. */
export async function startBenchServer(spec: ServerSpec): Promise<BenchServer> {
  const port = await freePort();
  const host = '127.0.0.1';
  const child: ChildProcess = spawn(process.execPath, [...(spec.nodeArgs ?? []), '--import', 'tsx', spec.script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env, PORT: String(port), HOST: host },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + (spec.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with ${child.exitCode} before serving:\n${tail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${spec.name} did not serve in time:\n${tail}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: spec.name,
    pid: child.pid!,
    host,
    port,
    url,
    gcOnSignal: (spec.nodeArgs ?? []).some((arg) => arg.endsWith('gc-on-signal.cjs')),
    output: () => tail,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
