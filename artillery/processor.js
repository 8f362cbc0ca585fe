// The steps the scenarios are made of. `connect*` are `connect: {function}` hooks (they choose the URL
// and token before the engine opens the socket); the rest are async `function` steps, so any error they
// throw fails the virtual user. Step settings come from the scenario's `config.variables`.
'use strict';

const { AisleSession, AisleError } = require('./lib/aisle-session');
const { seatPreferences, pickSeats } = require('./lib/seat-picker');
const { eventId, httpBase, wsUrl } = require('./lib/target');
const { tokenFor } = require('./lib/tokens');
const M = require('./lib/metric-names');

/** A number from the scenario's variables (Artillery picks one element of an array per user). */
function setting(context, name, fallback) {
  const value = Number(context.vars[name]);
  return Number.isFinite(value) ? value : fallback;
}

function chance(context, name) {
  return Math.random() < setting(context, name, 0);
}

/** A `connect: {function}` hook for a user of `role` ('guest': no token). */
function connectAs(role) {
  return function connect(wsArgs, context, done) {
    const base = httpBase(wsArgs.target);
    context.vars.aisleBase = base;
    const token = role === 'guest' ? Promise.resolve(null) : tokenFor(base, role);
    token.then((value) => {
      wsArgs.target = wsUrl(base, value);
      done();
    }, done);
  };
}

/** Seats plus standing places in a `held` or `order` message. */
function placesIn(message) {
  return message.seats.length + Object.values(message.areas ?? {}).reduce((sum, n) => sum + n, 0);
}

/** A hold request's outcome: the `held` reply, or null for seat_unavailable; other errors throw. */
async function tryHold(session, request) {
  const reply = await session.timed(M.HOLD_MS, { type: 'hold', eventId: eventId(), ...request });
  if (reply.type === 'error' && reply.code === 'seat_unavailable') {
    session.count(M.HOLDS_UNAVAILABLE);
    return null;
  }
  const held = AisleSession.expect(reply, 'hold', 'held');
  session.count(M.HOLDS);
  session.count(M.SEATS_HELD, placesIn(held));
  return held;
}

/** Best available seats; failing that, standing places if the view shows an area with room. */
async function holdBestOrArea(session, count) {
  const held = await tryHold(session, { best: { count } });
  if (held) return held;
  const area = session.view?.areaWithRoom(count);
  return area ? tryHold(session, { area: { id: area, count } }) : null;
}

function keepHold(context, session, held) {
  context.aisleHold = held;
  if (!held) session.count(M.SOLD_OUT);
}

async function subscribe(context, events) {
  await AisleSession.of(context, events).subscribe(eventId());
}

async function unsubscribe(context, events) {
  const session = AisleSession.of(context, events);
  const reply = await session.request({ type: 'unsubscribe', eventId: eventId() });
  AisleSession.expect(reply, 'unsubscribe', 'unsubscribed');
}

/** `best` hold of `seatCount` seats (standing places when no seats fit). */
async function holdBest(context, events) {
  const session = AisleSession.of(context, events);
  keepHold(context, session, await holdBestOrArea(session, setting(context, 'seatCount', 2)));
}

/**
 * The on-sale race: a share of users (`pickShare`) click the most wanted seats their view shows as free
 * and fall back to best available when someone was faster; the others ask for best available at once.
 */
async function raceForSeats(context, events) {
  const session = AisleSession.of(context, events);
  const count = setting(context, 'seatCount', 2);
  let held = null;
  if (session.view && chance(context, 'pickShare')) {
    const seats = pickSeats(await seatPreferences(context.vars.aisleBase, eventId()), session.view, count);
    if (seats) {
      session.count(M.PICKS);
      held = await tryHold(session, { seats });
    }
  }
  keepHold(context, session, held ?? (await holdBestOrArea(session, count)));
}

/** Extends the hold for a share (`extendShare`) of users; the new expiry may not be earlier. */
async function maybeExtend(context, events) {
  const hold = context.aisleHold;
  if (!hold || !chance(context, 'extendShare')) return;
  const session = AisleSession.of(context, events);
  const reply = await session.timed(M.EXTEND_MS, { type: 'extend', eventId: eventId(), holdId: hold.holdId });
  const held = AisleSession.expect(reply, 'extend', 'held');
  if (held.expiresAt < hold.expiresAt) throw new AisleError('extend', 'expiry_moved_back', `${hold.expiresAt} → ${held.expiresAt}`);
  session.count(M.EXTENDS);
  context.aisleHold = held;
}

/** Buys the hold; the order must be confirmed and carry exactly the held seats and places. */
async function buy(context, events) {
  const hold = context.aisleHold;
  if (!hold) return;
  const session = AisleSession.of(context, events);
  const reply = await session.timed(M.PURCHASE_MS, {
    type: 'buy',
    eventId: eventId(),
    holdId: hold.holdId,
    idempotencyKey: `load-${hold.holdId}`,
  });
  const order = AisleSession.expect(reply, 'buy', 'order');
  const sameSeats = order.seats.length === hold.seats.length && order.seats.every((seat) => hold.seats.includes(seat));
  if (order.status !== 'confirmed' || order.holdId !== hold.holdId || !sameSeats || placesIn(order) !== placesIn(hold)) {
    throw new AisleError('buy', 'order_differs_from_hold', JSON.stringify({ hold, order }));
  }
  session.count(M.PURCHASES);
  session.count(M.SEATS_BOUGHT, placesIn(order));
  context.aisleHold = null;
  context.aisleBought = true;
}

/** Releases the whole hold. */
async function releaseHold(context, events) {
  const hold = context.aisleHold;
  if (!hold) return;
  const session = AisleSession.of(context, events);
  const reply = await session.timed(M.RELEASE_MS, { type: 'release', eventId: eventId(), holdId: hold.holdId });
  AisleSession.expect(reply, 'release', 'released');
  session.count(M.RELEASES);
  context.aisleHold = null;
}

/** The end of a checkout: buy (`buyShare`), release (`releaseShare`), or walk away and let it expire. */
async function finishCheckout(context, events) {
  if (!context.aisleHold) return;
  const roll = Math.random();
  const buyShare = setting(context, 'buyShare', 1);
  if (roll < buyShare) return buy(context, events);
  if (roll < buyShare + setting(context, 'releaseShare', 0)) return releaseHold(context, events);
  AisleSession.of(context, events).count(M.ABANDONED);
}

/** Think times of the `queue` scenario's shopping steps, skipped by users who have nothing to shop. */
const SHOPPING_THINKS = ['reactionThink', 'payThink'];

/**
 * Joins the event's waiting room and waits there (at most `queueWaitSeconds`) until admitted or told
 * the queue closed; `context.aisleAdmitted` says which. Told it closed, the user leaves at once.
 */
async function joinQueue(context, events) {
  const session = AisleSession.of(context, events);
  const outcome = await session.join(eventId(), setting(context, 'queueWaitSeconds', 300) * 1000);
  context.aisleAdmitted = Boolean(outcome.admitted);
  if (context.aisleAdmitted) return;
  for (const name of SHOPPING_THINKS) context.vars[name] = '0';
  await leaveQueue(context, events);
}

/** A step for admitted users only: the others were told the queue closed and have nothing to shop. */
function whenAdmitted(step) {
  return async (context, events) => {
    if (context.aisleAdmitted) await step(context, events);
  };
}

/** Gives the place or the admission up, unless an order already ended the admission. */
async function leaveQueue(context, events) {
  if (context.aisleBought || context.aisleLeft) return;
  const session = AisleSession.of(context, events);
  AisleSession.expect(await session.request({ type: 'leave', eventId: eventId() }), 'leave', 'left');
  session.count(M.LEFT);
  context.aisleLeft = true;
}

const STAT_FIELDS = ['available', 'held', 'sold', 'blocked', 'revenue', 'ordersLastMinute', 'seatsSoldLastMinute', 'viewers'];

/** Checks a `stats` message: every figure a non-negative number, and seats adding up to the same total. */
function checkStatsMessage(session, stats) {
  for (const field of STAT_FIELDS) {
    if (typeof stats[field] !== 'number' || stats[field] < 0) throw new AisleError('watch', 'bad_stats', `${field}: ${stats[field]}`);
  }
  const seats = stats.available + stats.held + stats.sold + stats.blocked;
  session.seatTotal ??= seats;
  if (seats !== session.seatTotal) throw new AisleError('watch', 'seat_total_changed', `${session.seatTotal} → ${seats}`);
}

/** Staff: `watch` the event (stats now, then a push every second). */
async function watch(context, events) {
  const session = AisleSession.of(context, events);
  const reply = await session.timed(M.WATCH_MS, { type: 'watch', eventId: eventId() });
  checkStatsMessage(session, AisleSession.expect(reply, 'watch', 'stats'));
}

/** Staff, after watching for more than a second: pushes came, and they add up. */
async function checkStats(context, events) {
  const session = AisleSession.of(context, events);
  if (!session.lastStats) throw new AisleError('watch', 'no_stats_pushed', 'no stats push while watching');
  checkStatsMessage(session, session.lastStats);
}

module.exports = {
  connectGuest: connectAs('guest'),
  connectCustomer: connectAs('customer'),
  connectStaff: connectAs('staff'),
  subscribe,
  unsubscribe,
  holdBest,
  raceForSeats,
  maybeExtend,
  buy,
  releaseHold,
  finishCheckout,
  watch,
  checkStats,
  joinQueue,
  subscribeWhenAdmitted: whenAdmitted(subscribe),
  raceWhenAdmitted: whenAdmitted(raceForSeats),
  leaveQueue,
};
