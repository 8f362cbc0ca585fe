// Summarizes a V8 .cpuprofile (from `npm run bench -- --profile`, or `node --cpu-prof`): self time by
// function and by file, heaviest first, so a profile can be read without a browser.
// Usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--from MS --to MS]
// --from/--to keep the samples of one window on the monotonic clock (ms), as each run's `window` in
// bench/results/latest.json gives it: V8 stamps samples with CLOCK_MONOTONIC like process.hrtime.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const cut = url.replace(/^file:\/\//, '');
  const modules = cut.lastIndexOf('node_modules/');
  if (modules >= 0) return cut.slice(modules + 'node_modules/'.length);
  const root = cut.indexOf('/src/') >= 0 ? cut.indexOf('/src/') : cut.indexOf('/protocol/');
  return root >= 0 ? cut.slice(root + 1) : cut;
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--top N] [--from MS --to MS]\n');
    process.exit(2);
  }
  const flag = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const top = flag('--top', 30);
  const fromUs = flag('--from', -Infinity) * 1000;
  const toUs = flag('--to', Infinity) * 1000;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs && at < toUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const where = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const fileKey = where.startsWith('(') ? frame.functionName || where : where;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const print = (title: string, table: Map<string, number>): void => {
    process.stdout.write(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)\n`);
    for (const [name, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}\n`);
    }
  };
  print('self time by function', byFunction);
  print('self time by file', byFile);
}

main();
