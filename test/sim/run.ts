// npm run sim -- --seed S --commands N [--nodes K] [--seeds M] [--bug skip-epoch-check]
// Runs seeds one after another (from --seed, or seed 1 upwards) until N commands in all; prints each
// seed's figures and any violation with the command that replays it. Exit 1 on a violation. SIGTERM or
// SIGINT stops a long run after printing the figures of the seeds it finished.
import { simulate, type SimResult } from './simulation';
import type { PlantedBug } from './memory-event-store';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const total = Number(arg('commands') ?? 100_000);
const nodes = Number(arg('nodes') ?? 3);
const firstSeed = Number(arg('seed') ?? 1);
const single = arg('seed') !== undefined && arg('seeds') === undefined;
const perSeed = single ? total : Number(arg('per-seed') ?? 50_000);
const bug = arg('bug') as PlantedBug | undefined;
for (const [name, value] of [['commands', total], ['nodes', nodes], ['seed', firstSeed], ['per-seed', perSeed]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
}

const started = performance.now();
const sum = { commands: 0, steps: 0, tasks: 0, crashes: 0, pauses: 0, reconnects: 0, commits: 0, epochRefusals: 0, failed: 0, inDoubt: 0, slow: 0, lost: 0, seeds: 0 };
let violation: string | null = null;
const summary = (): string => {
  const seconds = (performance.now() - started) / 1000;
  return JSON.stringify({ ...sum, seconds: Number(seconds.toFixed(1)), commandsPerSecond: Math.round(sum.commands / seconds), violations: violation ? 1 : 0 });
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    console.log(`stopped by ${signal} during seed ${firstSeed + sum.seeds}; the seeds finished: ${summary()}`);
    process.exit(violation ? 1 : 130);
  });
}
for (let seed = firstSeed; sum.commands < total && !violation; seed++) {
  const r: SimResult = await simulate({ seed, commands: Math.min(perSeed, total - sum.commands), nodes, bug });
  sum.seeds++;
  sum.commands += r.commands; sum.steps += r.steps; sum.tasks += r.tasks; sum.crashes += r.crashes; sum.pauses += r.pauses;
  sum.reconnects += r.reconnects; sum.commits += r.commits; sum.epochRefusals += r.epochRefusals;
  sum.failed += r.faults.failed; sum.inDoubt += r.faults.inDoubt; sum.slow += r.faults.slow; sum.lost += r.faults.lostMessages;
  console.log(`seed ${seed}: ${r.commands} commands, ${r.steps} steps, ${r.crashes} crashes, ${r.pauses} pauses, ${r.commits} commits, ${r.epochRefusals} epoch refusals, trace ${r.traceHash}`);
  violation = r.violation;
}
console.log(summary());
if (violation) {
  console.error(violation);
  process.exit(1);
}
