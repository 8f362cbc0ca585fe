// `npm run bench -- --queue [--quick] [--waiters n] [--rounds n]`: the waiting room with 19,000 users
// waiting on one node (bench/phases/queue-phase.ts). Prints each figure beside its target and writes
// bench/results/queue.json (or `--json file`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BenchContext, RESULTS_DIR } from '../context';
import { parseOptions, UsageError, wholeNumber } from '../options';
import type { QueueFigures, QueuePlan } from '../phases/queue-phase';
import { measureQueue } from '../phases/queue-phase';
import type { Machine } from '../report';
import { describeMachine } from '../report';

/** Targets: admission after a seat frees up (p99), and server RSS per waiting user. */
export const QUEUE_TARGETS = { admitP99Ms: 100, rssBytesPerWaiter: 1536 };
const FULL_PLAN: QueuePlan = { waiters: 19_000, rounds: 60, intervalMs: 250 };
const QUICK_PLAN: QueuePlan = { waiters: 2_000, rounds: 12, intervalMs: 250 };

/** How to call the queue bench. */
export const QUEUE_USAGE = `usage: npm run bench -- --queue [--quick] [--waiters <n>] [--rounds <n>] [--json <file>] [--server-env NAME=value]...
  --quick         2,000 waiting users and 12 releases (a smoke test) instead of 19,000 and 60
  --waiters <n>   waiting users (1..100000)
  --rounds <n>    seats released in the window, one each ${FULL_PLAN.intervalMs} ms (1..900)
  --json <file>   where to write the results (default bench/results/queue.json)
  --profile       write a V8 CPU profile of the server to bench/results/profiles/`;

/** queue.json. */
export interface QueueResult {
  joinsPerSec: number;
  cpuUsPerPositionPush: number;
  positionPushesPerSec: number;
  admitP50Ms: number;
  admitP99Ms: number;
  rssBytesPerWaiter: number;
  targets: typeof QUEUE_TARGETS;
  machine: Machine;
  date: string;
  command: string;
  mode: 'full' | 'quick';
  plan: QueuePlan;
  run: QueueFigures;
  notes: string[];
  elapsedS: number;
}

interface QueueOptions {
  quick: boolean;
  plan: QueuePlan;
  json: string;
  /** What the shared bench options take (--server-env). */
  rest: string[];
}

function parseQueueOptions(argv: string[]): QueueOptions {
  const quick = argv.includes('--quick');
  const plan = { ...(quick ? QUICK_PLAN : FULL_PLAN) };
  let json = `${RESULTS_DIR}queue.json`;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const number = (min: number, max: number): number => wholeNumber(flag, argv[++i], min, max, QUEUE_USAGE);
    if (flag === '--queue') continue;
    else if (flag === '--waiters') plan.waiters = number(1, 100_000);
    else if (flag === '--rounds') plan.rounds = number(1, 900);
    else if (flag === '--json') json = argv[++i] ?? '';
    else if (flag === '--quick' || flag === '--profile') rest.push(flag);
    else if (flag === '--server-env') rest.push(flag, argv[++i] ?? '');
    else throw new UsageError(`unknown flag ${flag}\n${QUEUE_USAGE}`);
  }
  if (!json) throw new UsageError(`--json takes a file\n${QUEUE_USAGE}`);
  return { quick, plan, json, rest };
}

const fmt = (x: number): string => x.toLocaleString('en-US');

/** The figures beside their targets, as a markdown table. */
export function queueTable(r: QueueResult): string {
  const f = r.run;
  const rows = [
    [`joins per second (${fmt(f.waiters)} users joining at once)`, fmt(r.joinsPerSec), ''],
    [
      `server CPU per queue position push (µs), ${fmt(r.positionPushesPerSec)} pushes/s delivered`,
      `${r.cpuUsPerPositionPush} (server ${f.serverCores} cores)`,
      '',
    ],
    [`seat freed → next user's \`admitted\`, p50 / p99 (ms), ${f.rounds} releases`, `${f.admitLatency.p50} / ${f.admitLatency.p99}`, `p99 ≤ ${r.targets.admitP99Ms}`],
    [`server RSS per waiting user (bytes), ${fmt(f.waiters)} waiting`, `${fmt(r.rssBytesPerWaiter)} (live ${fmt(f.liveBytesPerWaiter)}; the place alone ${fmt(f.rssBytesPerPlace)})`, `≤ ${fmt(r.targets.rssBytesPerWaiter)}`],
  ];
  const m = r.machine;
  return [
    '| measure | Aisle | target |',
    '|---|---:|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    `\`${r.command}\` (${r.mode}: ${fmt(f.waiters)} waiting users in ${f.waiterProcesses} processes, one node; ${m.cpus} × ${m.model}, ${m.memGb} GB, ` +
      `Node ${m.node}, load generator on the same machine, other processes ${f.otherCores} cores busy in the window; ${r.date})`,
  ].join('\n');
}

/** Runs the queue bench; resolves with the process exit code. `command` is recorded in the results. */
export async function runQueueBench(argv: string[], command: string): Promise<number> {
  let options: QueueOptions;
  try {
    options = parseQueueOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  const started = Date.now();
  const ctx = await BenchContext.create(parseOptions(options.rest));
  try {
    const run = await measureQueue(ctx, options.plan);
    if (run.waiterCounts.positionRises > 0) ctx.notes.push(`${run.waiterCounts.positionRises} position pushes moved a user back`);
    if (Object.keys(run.waiterCounts.errors).length > 0) ctx.notes.push(`waiting users got errors: ${JSON.stringify(run.waiterCounts.errors)}`);
    if (run.otherCores > 0.3) ctx.notes.push(`other processes used ${run.otherCores} cores in the window (a busy machine): CPU and latency figures are noisy`);
    const result: QueueResult = {
      joinsPerSec: run.joinsPerSec,
      cpuUsPerPositionPush: run.cpuUsPerPositionPush,
      positionPushesPerSec: run.positionPushesPerSec,
      admitP50Ms: run.admitLatency.p50,
      admitP99Ms: run.admitLatency.p99,
      rssBytesPerWaiter: run.rssBytesPerWaiter,
      targets: QUEUE_TARGETS,
      machine: describeMachine(),
      date: new Date().toISOString(),
      command,
      mode: options.quick ? 'quick' : 'full',
      plan: options.plan,
      run,
      notes: ctx.notes,
      elapsedS: Math.round((Date.now() - started) / 1000),
    };
    mkdirSync(dirname(options.json), { recursive: true });
    writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\n${queueTable(result)}\n\n`);
    for (const note of ctx.notes) process.stdout.write(`note: ${note}\n`);
    ctx.log(`wrote ${options.json} in ${result.elapsedS} s`);
    return 0;
  } catch (error) {
    process.stderr.write(`queue bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n${ctx.serverOutputs()}\n`);
    return 1;
  } finally {
    await ctx.cleanup();
  }
}
