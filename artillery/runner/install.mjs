// artillery/ is a package of its own (Artillery 2.0.21 and its ~600 MB of dependencies stay out of the
// server's install): this installs it from its lockfile when it is missing or not the pinned versions.
// Used by run.mjs and by test/setup/ensure-services.mjs (so `npm test` installs it once).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/** Whether every dependency of artillery/package.json is installed at its pinned version. */
export function artilleryInstalled() {
  const { dependencies } = JSON.parse(readFileSync(join(ARTILLERY_DIR, 'package.json'), 'utf8'));
  return Object.entries(dependencies).every(([name, version]) => installedVersion(name) === version);
}

/** Runs `npm ci` in artillery/ unless it is installed; true when it installed. */
export function ensureArtilleryInstalled() {
  if (artilleryInstalled()) return false;
  console.error('installing artillery/ from its lockfile (npm ci --prefix artillery; ~600 MB, 1-2 minutes, once)');
  execFileSync('npm', ['ci', '--prefix', ARTILLERY_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
    // Artillery's Playwright engine would download a browser at install; the scenarios never use it.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  return true;
}
