// Makes sure the services the tests talk to are up: PostgreSQL on 127.0.0.1:5432 and Redis on
// 127.0.0.1:6379. If one is down and we are root, it is started (or installed with apt first);
// otherwise this says exactly what is missing and exits 1.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: Number(process.env.PGPORT ?? 5432),
    packages: 'postgresql',
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | sort -V | tail -1) main start',
  },
  {
    name: 'Redis',
    port: 6379,
    packages: 'redis-server',
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp --logfile /tmp/redis-aisle.log',
  },
];

function reachable(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function waitFor(port, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await reachable(port)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

const isRoot = process.getuid?.() === 0;
let failed = false;
for (const service of services) {
  if (await reachable(service.port)) continue;
  if (!isRoot) {
    console.error(`${service.name} is not reachable on 127.0.0.1:${service.port}; start it (as root: ${service.start})`);
    failed = true;
    continue;
  }
  console.error(`${service.name} is down on 127.0.0.1:${service.port}: starting it`);
  try {
    const binary = service.name === 'Redis' ? 'redis-server' : 'pg_ctlcluster';
    try {
      execSync(`command -v ${binary}`, { stdio: 'ignore' });
    } catch {
      console.error(`installing ${service.packages} with apt-get`);
      execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${service.packages}`, {
        stdio: 'inherit',
      });
    }
    execSync(service.start, { stdio: 'inherit', shell: '/bin/bash' });
  } catch (error) {
    console.error(`could not start ${service.name}: ${error.message}`);
  }
  if (!(await waitFor(service.port, 20_000))) {
    console.error(`${service.name} still unreachable on 127.0.0.1:${service.port}`);
    failed = true;
  }
}

// The browser tests drive Debian's Chromium (never a downloaded browser). Present: nothing to do. Missing
// and root: install it (~30 s, once per machine). Otherwise those tests skip and say why.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  if (isRoot) {
    console.error(`no Chromium at ${CHROMIUM}: installing the chromium package with apt-get for the browser tests`);
    try {
      execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    } catch (error) {
      console.error(`could not install chromium (${error.message}): the browser tests will be skipped`);
    }
  } else {
    console.error(`no Chromium at ${CHROMIUM} and not root: the browser tests will be skipped (apt-get install -y chromium)`);
  }
}

// test/artillery runs the Artillery scenarios: artillery/ is its own package (~600 MB), installed from
// its lockfile once (`npm ci --prefix artillery`, ~1.5 min from the registry); present, nothing to do.
const { ensureArtilleryInstalled } = await import('../../artillery/runner/install.mjs');
try {
  ensureArtilleryInstalled();
} catch (error) {
  console.error(`could not install artillery/ (${error.message}): test/artillery will fail`);
  failed = true;
}
if (failed) process.exit(1);
