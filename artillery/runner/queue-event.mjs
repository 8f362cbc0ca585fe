// The `queue` scenario's event and its checks. Without `--event` the runner creates a fresh event with
// its waiting room on, sized for the form being run (far fewer seats than arrivals, so it sells out),
// and afterwards reads the room (GET /api/events/:id/queue): every admitted user bought or left, nobody
// is still waiting, and every admission the server made reached its user.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { tokenFor } = require('../lib/tokens.js');
const M = require('../lib/metric-names.js');

/** The event of each form: rows × seats per row, and at most `maxActive` shoppers admitted at once. */
export const QUEUE_EVENTS = {
  long: { rows: 20, seatsPerRow: 100, maxActive: 200 },
  ci: { rows: 3, seatsPerRow: 20, maxActive: 8 },
};

async function call(base, method, path, role, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(base, role)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Creates a fresh event with its queue on for `environment` ('ci' or the long form); its id. */
export async function createQueueEvent(base, environment) {
  const { rows, seatsPerRow, maxActive } = QUEUE_EVENTS[environment === 'ci' ? 'ci' : 'long'];
  const id = `queue-load-${Date.now().toString(36)}`;
  await call(base, 'POST', '/api/events', 'admin', {
    id,
    name: `Load test ${id}`,
    startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    holdTtlSeconds: 600,
    maxSeatsPerUser: 10,
    categories: [{ id: 'std', name: 'Standard', price: 5000 }],
    sections: [{ id: 's', category: 'std', rows, seatsPerRow }],
    queue: { mode: 'on', maxActive },
  });
  return id;
}

/** The room's figures (staff). */
export function queueFigures(base, event) {
  return call(base, 'GET', `/api/events/${encodeURIComponent(event)}/queue`, 'staff');
}

/** Fails early when `event` has no waiting room on. */
export async function expectQueueOn(base, event) {
  const room = await queueFigures(base, event);
  if (room.mode !== 'on') throw new Error(`event ${event} has its waiting room off: turn it on (PATCH queue.mode) or leave out --event`);
}

/**
 * What is wrong with the room after a run on an event of its own; empty when nothing. `figures` is
 * GET /api/events/:id/queue after the run, `counters` the report's.
 */
export function queueProblems(figures, counters) {
  const count = (name) => counters[name] ?? 0;
  const found = [];
  if (figures.waiting !== 0) found.push(`${figures.waiting} users still wait in the queue after the run (every user left)`);
  if (figures.active !== 0) found.push(`${figures.active} admitted users neither bought nor left`);
  if (figures.admitted !== count(M.ADMITTED)) found.push(`the server admitted ${figures.admitted} users; ${count(M.ADMITTED)} were told`);
  if (count(M.PURCHASES) > count(M.ADMITTED)) found.push(`${count(M.PURCHASES)} purchases by ${count(M.ADMITTED)} admitted users`);
  if (count(M.ADMITTED) + count(M.QUEUE_CLOSED) !== count(M.JOINS)) {
    found.push(`${count(M.JOINS)} joins ended in ${count(M.ADMITTED)} admissions and ${count(M.QUEUE_CLOSED)} queue_closed`);
  }
  return found;
}
