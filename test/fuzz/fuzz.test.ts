// The short, seeded fuzz run of CI (npm run fuzz is the long one), and the corpus of inputs that found
// something (test/fuzz/corpus/: once the whole node down, or `internal`), replayed every time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, replayEntry } from './corpus';
import { runFuzz } from './fuzzer';
import { startFuzzTarget } from './fuzz-target';
import type { FuzzTarget } from './fuzz-target';

/** Fixed, so CI runs the same cases every time (the long run picks a new seed each time). */
const SEED = 20_250_601;
const CASES = 4000;

let target: FuzzTarget;

beforeAll(async () => {
  target = await startFuzzTarget(SEED);
});

afterAll(async () => {
  await target?.stop();
});

describe('fuzz', () => {
  it(`survives ${CASES} seeded cases: no crash, no stack trace, no internal error, no state change`, async () => {
    const report = await runFuzz(target.server, target.factory, target.eventId, {
      cases: CASES,
      httpShare: 0.3,
      connections: 4,
      batch: 32,
      rssGrowthMb: 100,
      connectionTokens: target.connectionTokens,
      adminToken: target.adminToken,
    });
    expect(report.findings).toEqual([]);
    expect(report.wsCases + report.httpCases).toBe(CASES);
    expect(report.outcomes['error:bad_request']).toBeGreaterThan(CASES / 4);
    expect(report.reconnects).toBeGreaterThan(0);
    expect(report.lostConnections, `connections lost outside a closing case: ${report.lostDetails.join('; ')}`).toBe(0);
  }, 120_000);

  it('replays the corpus: every input that once found something is answered well, and the server stays up', async () => {
    const corpus = await loadCorpus();
    expect(corpus.length).toBeGreaterThan(0);
    for (const { file, entry } of corpus) {
      expect(await replayEntry(target.server, target.eventId, target.roleTokens, entry), file).toEqual([]);
    }
  });
});
