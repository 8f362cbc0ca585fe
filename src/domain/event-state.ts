// The seat state machine of one event, in the decider shape: `decide` turns a command into events (or a
// rejection) without touching the state, `evolve` applies one event in place. The state is mutable and
// owned by exactly one actor; everything per seat lives in typed arrays and every command except
// best-available costs O(seats named), never O(seats in the event).
//
// The command families live in decide-holds.ts, decide-purchase.ts and decide-staff.ts, the shared checks in
// decide-rules.ts, `evolve` in state-evolve.ts, the state itself in state-model.ts and reads in
// state-queries.ts; this module builds the state and dispatches, and re-exports what callers use.

import { decideCancel, decideConfirm, decideFail, decideStartPurchase } from './decide-purchase';
import {
  decideExpire,
  decideExtend,
  decideHoldArea,
  decideHoldBest,
  decideHoldSeats,
  decideRelease,
} from './decide-holds';
import { decideBlock, decideSetSales } from './decide-staff';
import { decideForceRelease, decideUpdate } from './decide-admin';
import { decidePlaceStaffHold, decideReleaseStaffHold } from './decide-staff-holds';
import { ExpiryHeap } from './expiry-heap';
import { HoldKeyIndex } from './hold-keys';
import { EventLayout, layoutOf } from './layout';
import { evolve, evolveHeld, evolveStaffHeld } from './state-evolve';
import {
  addUserCount,
  adjustAreas,
  checkSeatIndex,
  mustHold,
  pruneExpiry,
  setStatus,
  unreachable,
} from './state-model';
import type { EventState } from './state-model';
import { SeatStatus } from './types';
import type { HoldSnapshot, StaffHoldSnapshot } from './types';
import type { Command, Decision } from './commands';
import type { EventRestore } from './event-restore';
export { MAX_EXTENSIONS } from './decide-holds';
export { evolve } from './state-evolve';
export type { EventState, HoldRecord } from './state-model';
export {
  areaAvailability,
  getHold,
  getStaffHold,
  holdSeatIds,
  nextExpiry,
  salesStatus,
  seatCounts,
  userCount,
  userHolds,
} from './state-queries';
export { recallHold } from './decide-hold-key';

/** Builds the state of an activated event: blocked seats, sold seats of orders, restored holds. */
export function createState(restore: EventRestore, layout?: EventLayout): EventState {
  const lay = layout ?? layoutOf(restore);
  const n = lay.seatCount;
  const state: EventState = {
    layout: lay,
    status: new Uint8Array(n),
    seatHold: new Int32Array(n).fill(-1),
    holds: new Map(),
    holdSlots: [],
    freeSlots: [],
    areaAvailable: Int32Array.from(lay.areaCapacity),
    userCounts: new Map(),
    holdsPerUser: new Map(),
    orders: new Map(),
    sales: restore.sales,
    statusCounts: new Int32Array(4),
    rowAvailable: new Int32Array(lay.rowCount),
    expiry: new ExpiryHeap(),
    holdKeys: new HoldKeyIndex(),
    staffHeldSeats: 0,
    staffHolds: 0,
  };
  state.statusCounts[SeatStatus.Available] = n;
  for (let r = 0; r < lay.rowCount; r++) state.rowAvailable[r] = lay.rowStart[r + 1] - lay.rowStart[r];

  // Sold seats are the durable truth, so orders go first; a seat both sold and blocked stays sold.
  for (const order of restore.orders) {
    for (const seat of order.seats) {
      checkSeatIndex(lay, seat);
      if (state.status[seat] !== SeatStatus.Available) throw new Error(`seat ${seat} sold twice in restore`);
      setStatus(state, seat, SeatStatus.Sold);
    }
    const places = adjustAreas(state, order.areas, -1);
    state.orders.set(order.orderId, { ...order, seats: [...order.seats], areas: { ...order.areas } });
    addUserCount(state, order.userId, order.seats.length + places);
  }
  for (const seat of restore.blocked) {
    checkSeatIndex(lay, seat);
    if (state.status[seat] === SeatStatus.Available) setStatus(state, seat, SeatStatus.Blocked);
  }
  // Staff holds are durable (stored with the event), so they go before the replicated customers' holds.
  for (const hold of restore.staffHolds ?? []) {
    if (restorable(state, hold)) evolveStaffHeld(state, { type: 'StaffHoldPlaced', ...hold });
  }
  // A replicated hold may have been bought (or blocked around) after it was copied: drop such holds
  // rather than let a seat be in two places. A bought hold of standing places only shows by its id
  // (its journal delete can be lost with its owner): restored, it would take the places twice and
  // crowd out a hold somebody was told `held` about.
  const bought = new Set<string>();
  for (const order of restore.orders) if (order.holdId !== undefined) bought.add(order.holdId);
  for (const hold of restore.holds) {
    if (!bought.has(hold.holdId) && restorable(state, hold)) {
      evolveHeld(state, {
        type: 'SeatsHeld',
        holdId: hold.holdId,
        userId: hold.userId,
        created: true,
        seats: hold.seats,
        areas: hold.areas,
        createdAt: hold.createdAt,
        expiresAt: hold.expiresAt,
      });
      mustHold(state, hold.holdId).extensions = hold.extensions;
      for (const [key, fingerprint] of hold.keys ?? []) state.holdKeys.add(hold.userId, key, hold.holdId, fingerprint);
    }
  }
  pruneExpiry(state);
  return state;
}

/** Decides what a command does at time `now` (epoch ms); pure: never mutates `state`. */
export function decide(state: EventState, command: Command, now: number): Decision {
  switch (command.type) {
    case 'HoldSeats':
      return decideHoldSeats(state, command, now);
    case 'HoldBest':
      return decideHoldBest(state, command, now);
    case 'HoldArea':
      return decideHoldArea(state, command, now);
    case 'ReleaseHold':
      return decideRelease(state, command, now);
    case 'ExtendHold':
      return decideExtend(state, command, now);
    case 'ExpireHolds':
      return decideExpire(state, now);
    case 'StartPurchase':
      return decideStartPurchase(state, command, now);
    case 'ConfirmPurchase':
      return decideConfirm(state, command);
    case 'FailPurchase':
      return decideFail(state, command);
    case 'CancelOrder':
      return decideCancel(state, command);
    case 'SetSales':
      return decideSetSales(state, command);
    case 'BlockSeats':
      return decideBlock(state, command);
    case 'UpdateEvent':
      return decideUpdate(state, command);
    case 'ForceRelease':
      return decideForceRelease(state, command);
    case 'PlaceStaffHold':
      return decidePlaceStaffHold(state, command, now);
    case 'ReleaseStaffHold':
      return decideReleaseStaffHold(state, command);
    default:
      return unreachable(command);
  }
}

/** Decides, then applies each event; what the actor calls. */
export function handle(state: EventState, command: Command, now: number): Decision {
  const decision = decide(state, command, now);
  if (decision.ok) for (const event of decision.events) evolve(state, event);
  return decision;
}

function restorable(state: EventState, hold: HoldSnapshot | StaffHoldSnapshot): boolean {
  if (state.holds.has(hold.holdId)) return false;
  // An empty hold would be deleted by its next release anyway; never create one.
  if (hold.seats.length === 0 && Object.values(hold.areas).every((places) => places === 0)) return false;
  for (const seat of hold.seats) {
    checkSeatIndex(state.layout, seat);
    if (state.status[seat] !== SeatStatus.Available) return false;
  }
  if (new Set(hold.seats).size !== hold.seats.length) return false;
  for (const [areaId, places] of Object.entries(hold.areas)) {
    const area = state.layout.areaIndex(areaId);
    if (area < 0 || !Number.isInteger(places) || places < 0 || places > state.areaAvailable[area]) return false;
  }
  return true;
}
