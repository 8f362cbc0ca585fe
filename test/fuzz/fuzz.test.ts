// The short, seeded fuzz run of CI (npm run fuzz is the long one), plus regressions it found: inputs
// that once took the whole node down or answered `internal`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../support/fixtures';
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
  }, 120_000);

  it('answers malformed percent-escapes and NULs in path parameters, and stays up', async () => {
    // Each of these once ended the process (URIError thrown in the uWS callback) or reached Postgres.
    for (const path of ['/api/events/%', '/api/events/%E0%A4%A', '/api/events/a%00b/map', '/api/orders/%ZZ', '/api/events/%/orders']) {
      const res = await http(target.server.url, 'GET', path);
      expect([401, 404], `${path}: ${res.status}`).toContain(res.status);
    }
    const admin = target.adminToken;
    for (const path of ['/api/events/%25%/sales', '/api/events/a%00/block', '/api/orders/%C0/cancel']) {
      const res = await http(target.server.url, 'POST', path, { token: admin, body: { open: true } });
      expect(res.status, path).toBeLessThan(500);
    }
    expect((await http(target.server.url, 'GET', '/healthz')).status).toBe(200);
  });
});
