// The `evolve` half of the decider: applies one event (as produced by `decide`) to the state in place.

import { EventLayout } from './layout';
import { addUserCount, adjustAreas, deleteHold, mustHold, pruneExpiry, setStatus, unreachable } from './state-model';
import type { EventState } from './state-model';
import { SeatStatus } from './types';
import type { HoldRecord } from './state-model';
import type { DomainEvent, OrderConfirmed, SeatsHeld, SeatsReleased, StaffHoldPlaced, StaffHoldReleased } from './commands';

/** Applies one event (as produced by `decide`) to the state in place. */
export function evolve(state: EventState, event: DomainEvent): void {
  switch (event.type) {
    case 'SeatsHeld':
      evolveHeld(state, event);
      break;
    case 'SeatsReleased':
      evolveReleased(state, event);
      break;
    case 'HoldExtended': {
      const hold = mustHold(state, event.holdId);
      hold.expiresAt = event.expiresAt;
      hold.extensions = event.extensions;
      state.expiry.push(event.expiresAt, hold.holdId);
      break;
    }
    case 'PurchaseStarted': {
      const hold = mustHold(state, event.holdId);
      hold.orderId = event.orderId;
      hold.total = event.total;
      break;
    }
    case 'OrderConfirmed':
      evolveConfirmed(state, event);
      break;
    case 'PurchaseFailed': {
      const hold = mustHold(state, event.holdId);
      hold.orderId = null;
      hold.total = 0;
      // Its queue entry may have been dropped while it was pending; queue it again (a duplicate is harmless).
      state.expiry.push(hold.expiresAt, hold.holdId);
      break;
    }
    case 'OrderCancelled': {
      for (const seat of event.seats) setStatus(state, seat, SeatStatus.Available);
      const places = adjustAreas(state, event.areas, 1);
      addUserCount(state, event.userId, -(event.seats.length + places));
      state.orders.delete(event.orderId);
      break;
    }
    case 'SalesChanged':
      state.sales = event.open ? 'open' : 'paused';
      break;
    case 'SeatsBlocked': {
      const code = event.blocked ? SeatStatus.Blocked : SeatStatus.Available;
      for (const seat of event.seats) setStatus(state, seat, code);
      break;
    }
    case 'EventUpdated':
      // Seats, rows and areas are the same, so every per-seat array of the state stays valid.
      state.layout = new EventLayout(event.definition, state.layout.seats);
      break;
    case 'StaffHoldPlaced':
      evolveStaffHeld(state, event);
      break;
    case 'StaffHoldReleased': {
      const hold = mustHold(state, event.holdId);
      for (const seat of event.seats) {
        setStatus(state, seat, SeatStatus.Available);
        state.seatHold[seat] = -1;
      }
      state.staffHeldSeats -= event.seats.length;
      adjustAreas(state, event.areas, 1);
      deleteHold(state, hold);
      break;
    }
    default:
      unreachable(event);
  }
  pruneExpiry(state);
}

/** Applies SeatsHeld: creates the hold if new, then adds its seats and places. */
export function evolveHeld(state: EventState, event: SeatsHeld): void {
  let hold = state.holds.get(event.holdId);
  if (hold === undefined) {
    hold = addHold(state, event.holdId, event.userId, event.createdAt, event.expiresAt);
    state.holdsPerUser.set(hold.userId, (state.holdsPerUser.get(hold.userId) ?? 0) + 1);
    state.expiry.push(hold.expiresAt, hold.holdId);
  }
  const places = takeSeatsAndPlaces(state, hold, event.seats, event.areas);
  addUserCount(state, event.userId, event.seats.length + places);
  if (event.holdKey) state.holdKeys.add(event.userId, event.holdKey.key, hold.holdId, event.holdKey.fingerprint);
}

/**
 * Applies StaffHoldPlaced: a hold that never expires (not queued for expiry) and counts against
 * nobody's limit; its seats are Held for viewers and counted apart (`staffHeldSeats`).
 */
export function evolveStaffHeld(state: EventState, event: StaffHoldPlaced): void {
  const hold = addHold(state, event.holdId, event.userId, event.createdAt, Infinity, event.note);
  state.staffHolds++;
  state.staffHeldSeats += event.seats.length;
  takeSeatsAndPlaces(state, hold, event.seats, event.areas);
}

/** A new, empty hold in a free slot. */
function addHold(state: EventState, holdId: string, userId: string, createdAt: number, expiresAt: number, staffNote?: string): HoldRecord {
  const slot = state.freeSlots.pop() ?? state.holdSlots.length;
  const hold: HoldRecord = {
    holdId,
    userId,
    slot,
    seats: [],
    areas: new Map(),
    createdAt,
    expiresAt,
    extensions: 0,
    orderId: null,
    total: 0,
    ...(staffNote !== undefined && { staffNote }),
  };
  state.holds.set(holdId, hold);
  state.holdSlots[slot] = hold;
  return hold;
}

/** Marks seats Held by `hold` and takes area places into it; returns the number of places. */
function takeSeatsAndPlaces(state: EventState, hold: HoldRecord, seats: readonly number[], areas: Record<string, number>): number {
  for (const seat of seats) {
    setStatus(state, seat, SeatStatus.Held);
    state.seatHold[seat] = hold.slot;
    hold.seats.push(seat);
  }
  let places = 0;
  for (const [areaId, count] of Object.entries(areas)) {
    state.areaAvailable[state.layout.areaIndex(areaId)] -= count;
    hold.areas.set(areaId, (hold.areas.get(areaId) ?? 0) + count);
    places += count;
  }
  return places;
}

/** Applies SeatsReleased: frees the seats and places, ends the hold when nothing is left. */
export function evolveReleased(state: EventState, event: SeatsReleased): void {
  const hold = mustHold(state, event.holdId);
  for (const seat of event.seats) {
    setStatus(state, seat, SeatStatus.Available);
    state.seatHold[seat] = -1;
  }
  const places = adjustAreas(state, event.areas, 1);
  for (const [areaId, count] of Object.entries(event.areas)) {
    const left = (hold.areas.get(areaId) ?? 0) - count;
    if (left > 0) hold.areas.set(areaId, left);
    else hold.areas.delete(areaId);
  }
  addUserCount(state, event.userId, -(event.seats.length + places));
  if (event.holdEnded) deleteHold(state, hold);
  else if (event.seats.length > 0) hold.seats = hold.seats.filter((seat) => state.seatHold[seat] === hold.slot);
}

/** Applies OrderConfirmed: the held seats become sold and the hold ends. */
export function evolveConfirmed(state: EventState, event: OrderConfirmed): void {
  const hold = mustHold(state, event.holdId);
  for (const seat of event.seats) {
    setStatus(state, seat, SeatStatus.Sold);
    state.seatHold[seat] = -1;
  }
  // Area places stay taken and the user's count stays: what was held is now bought.
  state.orders.set(event.orderId, {
    orderId: event.orderId,
    userId: event.userId,
    seats: [...event.seats],
    areas: { ...event.areas },
    total: event.total,
  });
  deleteHold(state, hold);
}
