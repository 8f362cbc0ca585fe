// Starts a real Aisle server process (tsx src/main.ts) on a free loopback port for a test, and
// stops it by signal. Readiness is the process's own "Aisle is serving" log line, with a deadline.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running server process. */
export interface ServerProcess {
  port: number;
  url: string;
  wsUrl: string;
  child: ChildProcess;
  /** Everything it logged so far. */
  output(): string;
  /** Sends `signal` and waits for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Per-user rate limits high enough that no test meets them unless it sets its own. */
const UNLIMITED_USER_RATE = { USER_RATE_PER_SECOND: '1000000', USER_RATE_BURST: '1000000' };

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Another entry point than the server's (a webhook worker), and the log line that says it is ready. */
export interface ProcessProgram {
  script: string;
  ready: string;
}

/** Starts `src/main.ts` (or `program`) with `env` on top of a clean test environment. */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
  program: ProcessProgram = { script: 'src/main.ts', ready: 'Aisle is serving' },
): Promise<ServerProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', program.script], {
    cwd: ROOT,
    // Tests drive one user far faster than a person can (the abuse suite sets the limits it tests).
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', AISLE_DEMO: '0', ...UNLIMITED_USER_RATE, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(program.ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
