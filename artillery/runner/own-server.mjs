// The server `npm run load` starts when no target is given: `src/main.ts` of this checkout on a free
// loopback port, in dev mode (tokens from /api/dev/token) on an embedded database in a temporary
// DATA_DIR, with the demo event. Ready when GET /readyz answers 200.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** PGlite start, migrations and the demo event take a few seconds; a cold tsx cache adds more. */
const READY_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 15_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function isReady(url) {
  try {
    return (await fetch(`${url}/readyz`)).ok;
  } catch {
    return false;
  }
}

/** Starts the server, its output appended to `logPath`; resolves once it is ready. */
export async function startOwnServer(logPath) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'aisle-load-'));
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, AISLE_DEMO: '1' };
  // Dev mode on the embedded database, whatever the caller's environment points at.
  for (const name of ['AUTH_SECRET', 'DATABASE_URL', 'REDIS_URL', 'NODE_ENV']) delete env[name];
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', log, log] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  let gone = null;
  void exited.then((how) => (gone = how));
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (!(await isReady(url))) {
    if (gone !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server ${gone !== null ? `exited (${gone})` : `was not ready in ${READY_DEADLINE_MS} ms`}; see ${logPath}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return server;
}
