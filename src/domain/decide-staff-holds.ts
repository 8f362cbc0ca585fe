// Deciding staff holds (house seats, comps): staff take seats and standing places off sale under a
// note, for as long as they like. Unlike a customer's hold, a staff hold ignores the sales state (the
// box office holds house seats before sales open), the per-user limit, the accessible hold-back and the
// orphan rule, and it never expires; customers' commands cannot see it (decide-rules.ts, ownHold).

import { accept, findDuplicates, reject } from './decide-rules';
import type { EventState } from './state-model';
import { SeatStatus } from './types';
import type { Decision, PlaceStaffHold, ReleaseStaffHold } from './commands';

/** PlaceStaffHold: the named seats and places, all or none, in a new staff hold. */
export function decidePlaceStaffHold(state: EventState, command: PlaceStaffHold, now: number): Decision {
  const note = command.note.trim();
  if (note.length === 0) return reject({ code: 'bad_request', message: 'note must say why the seats are held' });
  const areaEntries = Object.entries(command.areas);
  if (command.seats.length === 0 && areaEntries.length === 0) {
    return reject({ code: 'bad_request', message: 'name at least one seat or area place to hold' });
  }
  if (state.holds.has(command.holdId)) {
    return reject({ code: 'conflict', message: `hold id '${command.holdId}' is already in use` });
  }
  const duplicates = findDuplicates(command.seats);
  if (duplicates.length > 0) {
    return reject({ code: 'bad_request', message: `duplicate seats: ${duplicates.join(', ')}` });
  }
  const { layout, status } = state;
  const seats: number[] = [];
  const unknown: string[] = [];
  for (const id of command.seats) {
    const seat = layout.seatIndex(id);
    if (seat < 0) unknown.push(id);
    else seats.push(seat);
  }
  if (unknown.length > 0) return reject({ code: 'not_found', message: 'unknown seats', seats: unknown });
  const areas: Record<string, number> = {};
  for (const [areaId, count] of areaEntries) {
    const area = layout.areaIndex(areaId);
    if (area < 0) return reject({ code: 'not_found', message: `unknown area '${areaId}'` });
    if (!Number.isInteger(count) || count < 1) {
      return reject({ code: 'bad_request', message: `areas.${areaId} must be a positive integer` });
    }
    if (state.areaAvailable[area] < count) {
      return reject({ code: 'seat_unavailable', message: `area '${areaId}' has ${state.areaAvailable[area]} places left` });
    }
    areas[areaId] = count;
  }
  const taken = seats.filter((seat) => status[seat] !== SeatStatus.Available).map((seat) => layout.seatId(seat));
  if (taken.length > 0) return reject({ code: 'seat_unavailable', message: 'seats are held, sold or blocked', seats: taken });
  return accept({ type: 'StaffHoldPlaced', holdId: command.holdId, userId: command.userId, note, seats, areas, createdAt: now });
}

/** ReleaseStaffHold: the whole staff hold goes back on sale; a customer's hold is not one. */
export function decideReleaseStaffHold(state: EventState, command: ReleaseStaffHold): Decision {
  const hold = state.holds.get(command.holdId);
  if (hold === undefined || hold.staffNote === undefined) {
    return reject({ code: 'hold_not_found', message: `no staff hold '${command.holdId}'` });
  }
  return accept({
    type: 'StaffHoldReleased',
    holdId: hold.holdId,
    userId: hold.userId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
  });
}
