// Deciding the hold commands: hold (named seats, best available, area places), release, extend, expire.

import { heldBackSeats, holdBackActive } from './accessible-hold-back';
import { findBestSeats } from './best-available';
import { strandedSeats } from './orphan-rule';
import {
  accept,
  addTarget,
  findDuplicates,
  held,
  isRejection,
  limitRejection,
  ownHold,
  reject,
  releaseAll,
} from './decide-rules';
import type { EventState, HoldRecord } from './state-model';
import { SeatStatus } from './types';
import type { Decision, ExtendHold, HoldArea, HoldBest, HoldSeats, Rejection, ReleaseHold, SeatsReleased } from './commands';

/** docs/protocol.md: "a fourth extension is limit_exceeded". */
export const MAX_EXTENSIONS = 3;

/** HoldSeats: the named seats, all or none. */
export function decideHoldSeats(state: EventState, command: HoldSeats, now: number): Decision {
  const ids = command.seats;
  if (ids.length === 0) return reject({ code: 'bad_request', message: 'seats must not be empty' });
  const duplicates = findDuplicates(ids);
  if (duplicates.length > 0) {
    return reject({ code: 'bad_request', message: `duplicate seats: ${duplicates.join(', ')}` });
  }
  const hold = addTarget(state, command, now);
  if (isRejection(hold)) return reject(hold);

  const { layout, status } = state;
  const seats: number[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const seat = layout.seatIndex(id);
    if (seat < 0) unknown.push(id);
    else seats.push(seat);
  }
  if (unknown.length > 0) return reject({ code: 'not_found', message: 'unknown seats', seats: unknown });
  const limit = limitRejection(state, command.userId, seats.length);
  if (limit) return reject(limit);
  const taken = seats.filter((seat) => status[seat] !== SeatStatus.Available).map((seat) => layout.seatId(seat));
  if (taken.length > 0) return reject({ code: 'seat_unavailable', message: 'seats are taken', seats: taken });
  const reserved = heldBackSeats(layout, now, seats, hold?.seats ?? []);
  if (reserved.length > 0) {
    return reject({
      code: 'seat_unavailable',
      message: 'these seats are kept for wheelchair users and their companions for now: hold an accessible seat with them',
      seats: reserved.map((seat) => layout.seatId(seat)),
    });
  }
  const orphans = orphanRejection(state, seats, 'taken');
  if (orphans) return reject(orphans);
  return held(state, command, hold, seats, {}, now);
}

/** HoldBest: the best `count` adjacent seats that match the filters. */
export function decideHoldBest(state: EventState, command: HoldBest, now: number): Decision {
  const { count, category, section, accessible } = command.best;
  if (!Number.isInteger(count) || count < 1) {
    return reject({ code: 'bad_request', message: 'best.count must be a positive integer' });
  }
  const hold = addTarget(state, command, now);
  if (isRejection(hold)) return reject(hold);

  const { layout } = state;
  const categoryIndex = category === undefined ? -1 : layout.categoryIndex(category);
  if (categoryIndex < 0 && category !== undefined) {
    return reject({ code: 'not_found', message: `unknown category '${category}'` });
  }
  const sectionIndex = section === undefined ? -1 : layout.sectionIndex(section);
  if (sectionIndex < 0 && section !== undefined) {
    return reject({ code: 'not_found', message: `unknown section '${section}'` });
  }
  const limit = limitRejection(state, command.userId, count);
  if (limit) return reject(limit);
  const seats = findBestSeats(layout, state.status, state.rowAvailable, {
    count,
    category: categoryIndex,
    section: sectionIndex,
    accessible: accessible === undefined ? -1 : accessible ? 1 : 0,
    holdBack: holdBackActive(layout, now),
    near: hold?.seats,
  });
  if (seats === undefined) {
    return reject({ code: 'seat_unavailable', message: `no ${count} matching seats are available` });
  }
  return held(state, command, hold, seats, {}, now);
}

/** HoldArea: `count` places of a general-admission area. */
export function decideHoldArea(state: EventState, command: HoldArea, now: number): Decision {
  const { areaId, count } = command;
  if (!Number.isInteger(count) || count < 1) {
    return reject({ code: 'bad_request', message: 'area.count must be a positive integer' });
  }
  const hold = addTarget(state, command, now);
  if (isRejection(hold)) return reject(hold);
  const area = state.layout.areaIndex(areaId);
  if (area < 0) return reject({ code: 'not_found', message: `unknown area '${areaId}'` });
  const limit = limitRejection(state, command.userId, count);
  if (limit) return reject(limit);
  const available = state.areaAvailable[area];
  if (available < count) {
    return reject({ code: 'seat_unavailable', message: `area '${areaId}' has ${available} places left` });
  }
  return held(state, command, hold, [], { [areaId]: count }, now);
}

/** ReleaseHold: the whole hold, or the named seats and places of it. */
export function decideRelease(state: EventState, command: ReleaseHold, now: number): Decision {
  const hold = ownHold(state, command.userId, command.holdId, now);
  if (isRejection(hold)) return reject(hold);
  const namedSeats = command.seats ?? [];
  const namedAreas = Object.entries(command.areas ?? {});
  if (namedSeats.length === 0 && namedAreas.length === 0) return accept(releaseAll(state, hold, 'released'));

  const duplicates = findDuplicates(namedSeats);
  if (duplicates.length > 0) {
    return reject({ code: 'bad_request', message: `duplicate seats: ${duplicates.join(', ')}` });
  }
  const seats: number[] = [];
  const notHeld: string[] = [];
  for (const id of namedSeats) {
    const seat = state.layout.seatIndex(id);
    if (seat >= 0 && state.seatHold[seat] === hold.slot) seats.push(seat);
    else notHeld.push(id);
  }
  if (notHeld.length > 0) {
    return reject({ code: 'bad_request', message: `seats not in hold '${hold.holdId}': ${notHeld.join(', ')}` });
  }
  const areas: Record<string, number> = {};
  let areasLeft = 0;
  for (const places of hold.areas.values()) areasLeft += places;
  for (const [areaId, places] of namedAreas) {
    const inHold = hold.areas.get(areaId) ?? 0;
    if (!Number.isInteger(places) || places < 0 || places > inHold) {
      return reject({
        code: 'bad_request',
        message: `areas.${areaId}: can release 0 to ${inHold} places of hold '${hold.holdId}'`,
      });
    }
    if (places > 0) {
      areas[areaId] = places;
      areasLeft -= places;
    }
  }
  // Naming only zero counts is not "nothing named" (which releases everything): refuse the empty release.
  if (seats.length === 0 && Object.keys(areas).length === 0) {
    return reject({ code: 'bad_request', message: 'nothing to release: every named count is 0' });
  }
  const orphans = orphanRejection(state, seats, 'free');
  if (orphans) return reject(orphans);
  const event: SeatsReleased = {
    type: 'SeatsReleased',
    holdId: hold.holdId,
    userId: hold.userId,
    reason: 'released',
    seats,
    areas,
    holdEnded: seats.length === hold.seats.length && areasLeft === 0,
  };
  return accept(event);
}

/** ExtendHold: one more TTL, capped at twice the TTL from creation, at most MAX_EXTENSIONS times. */
export function decideExtend(state: EventState, command: ExtendHold, now: number): Decision {
  const hold = ownHold(state, command.userId, command.holdId, now);
  if (isRejection(hold)) return reject(hold);
  if (hold.extensions >= MAX_EXTENSIONS) {
    return reject({ code: 'limit_exceeded', message: `a hold can be extended at most ${MAX_EXTENSIONS} times` });
  }
  const ttl = state.layout.holdTtlMs;
  // max(): a restored hold may already reach past the cap; an extension never shortens a hold.
  const expiresAt = Math.max(hold.expiresAt, Math.min(now + ttl, hold.createdAt + 2 * ttl));
  return accept({ type: 'HoldExtended', holdId: hold.holdId, expiresAt, extensions: hold.extensions + 1 });
}

/** The `orphan_seat` rejection when the event blocks orphans and the change would strand a seat. */
function orphanRejection(state: EventState, seats: number[], becomes: 'taken' | 'free'): Rejection | undefined {
  if (!state.layout.blockOrphans || seats.length === 0) return undefined;
  const stranded = strandedSeats(state.layout, state.status, { seats, becomes });
  if (stranded.length === 0) return undefined;
  const ids = stranded.map((seat) => state.layout.seatId(seat));
  return {
    code: 'orphan_seat',
    message: `this would leave ${ids.length === 1 ? 'a single seat' : 'single seats'} (${ids.join(', ')}) on its own: include ${ids.length === 1 ? 'it' : 'them'} or leave a gap of two`,
    seats: ids,
  };
}

/** ExpireHolds: releases every non-pending hold whose expiry has passed, oldest first. */
export function decideExpire(state: EventState, now: number): Decision {
  const found = new Set<HoldRecord>();
  state.expiry.forEachDue(now, (time, holdId) => {
    const hold = state.holds.get(holdId);
    // Stale entries (hold gone, pending, extended since) do not match the live hold; a duplicate entry
    // (a failed purchase re-queues its hold) lands on the same Set member.
    if (hold !== undefined && hold.orderId === null && hold.expiresAt === time) found.add(hold);
  });
  const due = [...found];
  due.sort((a, b) => a.expiresAt - b.expiresAt || (a.holdId < b.holdId ? -1 : a.holdId > b.holdId ? 1 : 0));
  return accept(...due.map((hold) => releaseAll(state, hold, 'expired')));
}
