// Reads an Artillery JSON report of an Aisle scenario: the figures a load tester looks at first, and
// the checks that make `npm run load` fail.
import { createRequire } from 'node:module';

const M = createRequire(import.meta.url)('../lib/metric-names.js');

/** What each scenario must show to count as a run that exercised the server. */
const EXPECTED = {
  browse: [M.DIFFS_RECEIVED],
  onsale: [M.HOLDS, M.PURCHASES],
  checkout: [M.HOLDS, M.PURCHASES],
  staff: [M.STATS_RECEIVED, M.PURCHASES],
  queue: [M.JOINS, M.QUEUED, M.ADMITTED, M.PURCHASES],
};

/** Counters that must stay 0 in any run. */
const MUST_BE_ZERO = [M.POSITION_RISES, M.LATE_QUEUE_PUSHES];

/** The headline figures of `report` (Artillery's `--output` JSON). */
export function summarize(report) {
  const { counters = {}, summaries = {}, firstMetricAt, lastMetricAt } = report.aggregate;
  const count = (name) => counters[name] ?? 0;
  const seconds = Math.max((lastMetricAt - firstMetricAt) / 1000, 0.001);
  const holdRequests = count(M.HOLDS) + count(M.HOLDS_UNAVAILABLE);
  // Artillery's intermediate reports cover ~10 s each: the busiest one is the spike.
  const peakHoldRequestsPerSec = Math.max(
    0,
    ...(report.intermediate ?? []).map((period) => {
      const requests = (period.counters[M.HOLDS] ?? 0) + (period.counters[M.HOLDS_UNAVAILABLE] ?? 0);
      return requests / Math.max((period.lastMetricAt - period.firstMetricAt) / 1000, 1);
    }),
  );
  return {
    seconds,
    vusers: { created: count('vusers.created'), completed: count('vusers.completed'), failed: count('vusers.failed') },
    errors: Object.fromEntries(Object.entries(counters).filter(([name]) => name.startsWith('errors.'))),
    holds: count(M.HOLDS),
    holdsPerSec: count(M.HOLDS) / seconds,
    peakHoldRequestsPerSec,
    seatUnavailable: count(M.HOLDS_UNAVAILABLE),
    seatUnavailableRate: holdRequests ? count(M.HOLDS_UNAVAILABLE) / holdRequests : 0,
    holdMs: summaries[M.HOLD_MS] ?? null,
    purchases: count(M.PURCHASES),
    placesBought: count(M.SEATS_BOUGHT),
    purchasesPerSec: count(M.PURCHASES) / seconds,
    purchaseMs: summaries[M.PURCHASE_MS] ?? null,
    soldOut: count(M.SOLD_OUT),
    diffs: count(M.DIFFS_RECEIVED),
    diffGaps: count(M.DIFF_GAPS),
    stats: count(M.STATS_RECEIVED),
    queue: {
      joins: count(M.JOINS),
      queued: count(M.QUEUED),
      admitted: count(M.ADMITTED),
      admitWaitMs: summaries[M.ADMIT_WAIT_MS] ?? null,
      joinMs: summaries[M.JOIN_MS] ?? null,
      closed: count(M.QUEUE_CLOSED),
      closedSoldOut: count(`${M.QUEUE_CLOSED}.sold_out`),
      closedClosed: count(`${M.QUEUE_CLOSED}.closed`),
      positionPushes: count(M.QUEUE_PUSHES),
      left: count(M.LEFT),
    },
    counters,
  };
}

/** Why the run of `scenario` failed; empty when it passed. */
export function problems(scenario, summary, artilleryExitCode) {
  const found = [];
  if (artilleryExitCode !== 0) found.push(`artillery exited with ${artilleryExitCode}`);
  if (summary.vusers.created === 0) found.push('no virtual user ran');
  if (summary.vusers.failed > 0) found.push(`${summary.vusers.failed} virtual users failed`);
  for (const [name, n] of Object.entries(summary.errors)) found.push(`${name}: ${n}`);
  for (const metric of EXPECTED[scenario] ?? []) {
    if (!summary.counters[metric]) found.push(`no ${metric}${metric === M.PURCHASES ? ' (a sold-out event? use a fresh one)' : ''}`);
  }
  for (const metric of MUST_BE_ZERO) if (summary.counters[metric]) found.push(`${metric}: ${summary.counters[metric]}`);
  return found;
}

function latency(summary) {
  return summary ? `p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms` : 'none';
}

/** The summary as lines for a terminal. */
export function formatSummary(summary) {
  const percent = (x) => `${(100 * x).toFixed(1)}%`;
  const perSec = (x) => `${x.toFixed(1)}/s`;
  const { vusers } = summary;
  const lines = [
    `virtual users    ${vusers.created} created, ${vusers.completed} completed, ${vusers.failed} failed over ${summary.seconds.toFixed(1)} s`,
    `holds            ${summary.holds} (${perSec(summary.holdsPerSec)}), ${latency(summary.holdMs)}`,
    `hold requests    ${summary.holds + summary.seatUnavailable} (busiest 10 s: ${perSec(summary.peakHoldRequestsPerSec)}); seat_unavailable ${summary.seatUnavailable} (${percent(summary.seatUnavailableRate)}); ${summary.soldOut} users got nothing`,
    `purchases        ${summary.purchases} (${perSec(summary.purchasesPerSec)}) of ${summary.placesBought} seats and places, ${latency(summary.purchaseMs)}`,
    `diffs received   ${summary.diffs}; gaps ${summary.diffGaps} (each makes the user subscribe again)`,
    `stats received   ${summary.stats}`,
  ];
  const q = summary.queue;
  if (q.joins > 0) {
    lines.push(
      `queue joins      ${q.joins}, ${q.queued} had to wait; join reply ${latency(q.joinMs)}`,
      `admissions       ${q.admitted}; join to admitted ${latency(q.admitWaitMs)}`,
      `queue_closed     ${q.closed} (sold_out ${q.closedSoldOut}, closed ${q.closedClosed}); ${q.left} left; ${q.positionPushes} position pushes`,
    );
  }
  const errors = Object.entries(summary.errors);
  lines.push(`errors           ${errors.length ? errors.map(([name, n]) => `${name} ${n}`).join(', ') : 'none'}`);
  return lines;
}
