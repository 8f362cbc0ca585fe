// artillery/ is a package of its own (Artillery 2.0.21 and its ~600 MB of dependencies stay out of the
// server's install): this installs it from its lockfile when it is missing or not the pinned versions.
// Used by run.mjs and by test/setup/ensure-services.mjs (so `npm test` installs it once).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The artillery/ package folder. */
export const ARTILLERY_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Artillery's CLI entry, run with `node` so the telemetry stub can be preloaded. */
export const ARTILLERY_CLI = join(ARTILLERY_DIR, 'node_modules', 'artillery', 'bin', 'run');

function installedVersion(name) {
  const manifest = join(ARTILLERY_DIR, 'node_modules', name, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : null;
}

/**
 * Whether an install finished (npm writes node_modules/.package-lock.json last) with every dependency of
 * artillery/package.json at its pinned version.
 */
export function artilleryInstalled() {
  if (!existsSync(join(ARTILLERY_DIR, 'node_modules', '.package-lock.json'))) return false;
  const { dependencies } = JSON.parse(readFileSync(join(ARTILLERY_DIR, 'package.json'), 'utf8'));
  return Object.entries(dependencies).every(([name, version]) => installedVersion(name) === version);
}

/** Held while one process installs: `npm test` and `npm run load` may both find artillery/ missing. */
const LOCK = join(tmpdir(), `aisle-artillery-install-${createHash('sha256').update(ARTILLERY_DIR).digest('hex').slice(0, 12)}.lock`);
/** An install takes 1-2 minutes here; a lock older than this was left by a process that died. */
const STALE_LOCK_MS = 15 * 60_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the install lock, waiting while another live install holds it. */
function lock() {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else sleep(1000);
    }
  }
}

/** Runs `npm ci` in artillery/ unless it is installed; true when it installed. */
export function ensureArtilleryInstalled() {
  if (artilleryInstalled()) return false;
  lock();
  try {
    // Another process may have installed it while this one waited.
    if (artilleryInstalled()) return false;
    console.error('installing artillery/ from its lockfile (npm ci --prefix artillery; ~600 MB, 1-2 minutes, once)');
    execFileSync('npm', ['ci', '--prefix', ARTILLERY_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
      stdio: 'inherit',
      // Artillery's Playwright engine would download a browser at install; the scenarios never use it.
      env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
    });
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
