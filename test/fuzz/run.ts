// The long fuzz run: npm run fuzz -- [--cases 100000] [--seed N] [--http-share 0.3]
// Prints what came back and what was found; exits 1 on any finding. A case can be replayed with the
// same seed: cases are numbered and built from (seed, number) alone.
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzzer';
import { startFuzzTarget } from './fuzz-target';

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
    progress: (done, total) => console.log(`  ${done}/${total}`),
  });
  console.log(JSON.stringify({ ...report, findings: undefined }, null, 2));
  console.log(
    `fuzz done in ${report.seconds.toFixed(1)} s: ${report.cases} cases (${report.wsCases} WebSocket frames, ${report.httpCases} HTTP requests), ` +
      `${report.framesReceived} frames back, ${report.reconnects} connections closed by the server on purpose, RSS ${report.rssWarmMb.toFixed(1)} → ${report.rssEndMb.toFixed(1)} MB, ` +
      `${report.findings.length} findings`,
  );
  for (const f of report.findings) console.log(`FINDING ${f}`);
  process.exitCode = report.findings.length > 0 ? 1 : 0;
} finally {
  await target.stop();
}
