// The long fuzz run: npm run fuzz -- [--cases 100000] [--seed N] [--http-share 0.3] [--connections 8]
// Prints what came back and what was found; exits 1 on any finding or connection lost without a close
// frame. A case can be replayed with the same seed: cases are numbered and built from (seed, number)
// alone, and each finding's input is written to test/fuzz/corpus/ (corpus.ts). Progress every 10,000
// cases (rate, connections lost, findings so far); SIGINT or SIGTERM ends the run early with the report.
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzzer';
import { startFuzzTarget } from './fuzz-target';
import { entryOf, minimize, saveEntry } from './corpus';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'http-share': { type: 'string', default: '0.3' },
    connections: { type: 'string', default: '8' },
  },
});

const seed = Number(values.seed);
const cases = Number(values.cases);
let stopping: string | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopping = signal));
const target = await startFuzzTarget(seed);
console.log(`fuzz: ${cases} cases, seed ${seed}, server pid ${target.server.child.pid}`);
try {
  const report = await runFuzz(target.server, target.factory, target.eventId, {
    cases,
    httpShare: Number(values['http-share']),
    connections: Number(values.connections),
    batch: 32,
    rssGrowthMb: 100,
    connectionTokens: target.connectionTokens,
    adminToken: target.adminToken,
    progressEvery: Math.min(10_000, Math.max(1, Math.floor(cases / 10))),
    progress: (done, total, so) =>
      console.log(
        `  ${done}/${total} in ${so.seconds.toFixed(0)} s (${(done / so.seconds).toFixed(0)} cases/s): ${so.reconnects} closed on purpose, ` +
          `${so.lostConnections} lost without a close frame, ${so.overloadAnswers} overload answers, ${so.findings.length} findings${so.findings.length ? ` (last: ${so.findings[so.findings.length - 1].slice(0, 300)})` : ''}`,
      ),
    shouldStop: () => stopping !== null,
  });
  if (stopping) console.log(`stopped early by ${stopping} after ${report.cases} of ${cases} cases`);
  console.log(JSON.stringify({ ...report, findings: undefined }, null, 2));
  console.log(
    `fuzz done in ${report.seconds.toFixed(1)} s: ${report.cases} cases (${report.wsCases} WebSocket frames, ${report.httpCases} HTTP requests), ` +
      `${(report.cases / report.seconds).toFixed(0)} cases/s, ${report.framesReceived} frames back, ${report.reconnects} connections closed by the server on purpose, ${report.lostConnections} lost without a close frame, RSS ${report.rssWarmMb.toFixed(1)} → ${report.rssEndMb.toFixed(1)} MB, ` +
      `${report.findings.length} findings`,
  );
  for (const f of report.findings) console.log(`FINDING ${f}`);
  for (const lost of report.lostDetails) console.log(`LOST ${lost}`);
  // Each finding's input, cut down to one frame or request when one alone still finds something, into
  // the corpus: commit the files once fixed, and CI replays them.
  for (const [i, input] of report.findingInputs.slice(0, 10).entries()) {
    const entry = entryOf(input.finding, input.cases, (input.token && target.roleOf(input.token)) || 'guest', target.roleOf);
    const kept = await minimize(target.server, target.eventId, target.roleTokens, entry);
    console.log(`kept in the corpus: ${await saveEntry(kept, `found-${seed}-${i + 1}`)}`);
  }
  process.exitCode = report.findings.length > 0 || report.lostConnections > 0 ? 1 : 0;
} finally {
  await target.stop();
}
