// `npm run load -- <scenario> [--env ci] [--target URL] [--event ID]`: runs one Artillery scenario of
// artillery/scenarios against a server (started here when no target is given), saves the JSON report
// under artillery/reports/, prints the headline figures, and exits 1 if a user failed or a check did.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTILLERY_CLI, ARTILLERY_DIR, ensureArtilleryInstalled } from './runner/install.mjs';
import { ledgerProblems } from './runner/ledger.mjs';
import { startOwnServer } from './runner/own-server.mjs';
import { createQueueEvent, expectQueueOn, queueFigures, queueProblems } from './runner/queue-event.mjs';
import { formatSummary, problems, summarize } from './runner/report.mjs';

const { httpBase, eventId } = createRequire(import.meta.url)('./lib/target.js');

const SCENARIOS_DIR = join(ARTILLERY_DIR, 'scenarios');
const REPORTS_DIR = join(ARTILLERY_DIR, 'reports');
const PRELOAD = join(ARTILLERY_DIR, 'preload', 'no-telemetry.cjs');
const SCENARIOS = readdirSync(SCENARIOS_DIR)
  .filter((name) => name.endsWith('.yml'))
  .map((name) => name.slice(0, -'.yml'.length));

const USAGE = `usage: npm run load -- <${SCENARIOS.join('|')}> [--env ci] [--target URL] [--event ID]
  --env ci      the short form (seconds, small arrival rates); without it, the long form
  --target URL  the server's base URL (default: AISLE_URL; unset: start one from this checkout)
  --event ID    the event to drive (default: AISLE_EVENT, else demo; for queue, a fresh event with
                its waiting room on, created here)
Tokens: with AUTH_SECRET set (the target's secret) they are signed locally; else the target must be in
dev mode (GET /api/dev/token).`;

function fail(message) {
  console.error(message);
  process.exit(2);
}

function parseCommandLine() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { env: { type: 'string' }, target: { type: 'string' }, event: { type: 'string' }, help: { type: 'boolean' } },
    });
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1 || !SCENARIOS.includes(positionals[0])) fail(USAGE);
  const event = values.event ?? (positionals[0] === 'queue' ? process.env.AISLE_EVENT : eventId());
  return { scenario: positionals[0], environment: values.env, target: values.target ?? process.env.AISLE_URL, event };
}

/** Fails early, with the reason, when the target lacks the event or has no way to hand out tokens. */
async function preflight(base, event, signsTokens) {
  const info = await fetch(`${base}/api/events/${encodeURIComponent(event)}`).catch((error) => {
    throw new Error(`cannot reach ${base}: ${error.cause?.message ?? error.message}`);
  });
  if (info.status === 404) throw new Error(`no event ${event} at ${base} (choose one with --event or AISLE_EVENT)`);
  if (!info.ok) throw new Error(`GET ${base}/api/events/${event} answered ${info.status}`);
  if (!signsTokens) {
    const token = await fetch(`${base}/api/dev/token?role=customer&sub=load-preflight`);
    if (token.status === 404) throw new Error(`${base} is not in dev mode: set AUTH_SECRET to its secret so tokens can be signed`);
  }
  return info.json();
}

function runArtillery(scenario, environment, reportPath, env) {
  const args = ['--require', PRELOAD, ARTILLERY_CLI, 'run', join(SCENARIOS_DIR, `${scenario}.yml`), '--output', reportPath];
  if (environment) args.push('--environment', environment);
  const child = spawn(process.execPath, args, { cwd: ARTILLERY_DIR, env, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

async function main() {
  const { scenario, environment, target, ...chosen } = parseCommandLine();
  let { event } = chosen;
  ensureArtilleryInstalled();
  mkdirSync(REPORTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportPath = join(REPORTS_DIR, `${scenario}-${stamp}.json`);

  const server = target ? null : await startOwnServer(join(REPORTS_DIR, `${scenario}-${stamp}.server.log`));
  const stop = async () => server?.stop();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const base = httpBase(server?.url ?? target);
    // Our own server is in dev mode: a secret from the caller's environment would sign tokens it refuses.
    if (server) delete process.env.AUTH_SECRET;
    // The queue scenario makes an event of its own unless told one: then only its traffic touches it.
    const ownEvent = scenario === 'queue' && !event;
    if (ownEvent) event = await createQueueEvent(base, environment);
    const env = { ...process.env, AISLE_URL: base, AISLE_EVENT: event, ARTILLERY_DISABLE_TELEMETRY: '1' };
    const info = await preflight(base, event, Boolean(env.AUTH_SECRET));
    if (scenario === 'queue') await expectQueueOn(base, event);
    console.log(
      `${scenario} (${environment ? `environment ${environment}` : 'long form'}) against ${base}${server ? ' (started here, dev mode)' : ''}, ` +
        `event ${event}: ${info.seats} seats, ${info.counts?.available} available, status ${info.status}`,
    );
    const exitCode = await runArtillery(scenario, environment, reportPath, env);
    if (!existsSync(reportPath)) throw new Error(`artillery exited with ${exitCode} and wrote no report`);
    const summary = summarize(JSON.parse(readFileSync(reportPath, 'utf8')));
    const found = problems(scenario, summary, exitCode);
    // Only on our own server or event is every order in the database one of this run's.
    const ledgerChecked = Boolean(server) || ownEvent;
    if (ledgerChecked) found.push(...(await ledgerProblems(base, event, summary.counters)));
    const room = scenario === 'queue' ? await queueFigures(base, event) : null;
    if (room && ownEvent) found.push(...queueProblems(room, summary.counters));
    console.log(`\n${scenario}${environment ? ` (${environment})` : ''} against ${base}, event ${event}`);
    for (const line of formatSummary(summary)) console.log(`  ${line}`);
    if (room) console.log(`  room after       ${room.status}: ${room.waiting} waiting, ${room.active} active, ${room.admitted} admitted in all`);
    console.log(`  report           ${relative(process.cwd(), reportPath)}`);
    if (found.length > 0) {
      console.log(`FAILED: ${found.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log(
        `OK: no failed users, no errors, the scenario did what it is for${ledgerChecked ? ', and the database holds exactly the orders users were told of, no seat twice' : ''}` +
          `${room && ownEvent ? '; the room let every user go and every admission reached its user' : ''}`,
      );
    }
  } finally {
    await stop();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
