// Read-only views of an event's state for replies, snapshots and the actor's timer; O(1) unless noted.

import type { EventState } from './state-model';
import { SeatStatus } from './types';
import type { HoldSnapshot, SeatCounts, StaffHoldSnapshot } from './types';

/** Earliest expiresAt of a non-pending hold, for the actor's single timer; O(1). */
export function nextExpiry(state: EventState): number | undefined {
  return state.expiry.peekTime();
}

/** Seats per status; O(1). */
export function seatCounts(state: EventState): SeatCounts {
  const counts = state.statusCounts;
  return {
    available: counts[SeatStatus.Available],
    held: counts[SeatStatus.Held] - state.staffHeldSeats,
    sold: counts[SeatStatus.Sold],
    blocked: counts[SeatStatus.Blocked],
    staffHeld: state.staffHeldSeats,
  };
}

/** Available places per area id. */
export function areaAvailability(state: EventState): Record<string, number> {
  const result: Record<string, number> = {};
  state.layout.definition.areas.forEach((area, i) => {
    result[area.id] = state.areaAvailable[i];
  });
  return result;
}

/** The whole hold (what a `held` reply describes), or undefined. */
export function getHold(state: EventState, holdId: string): HoldSnapshot | undefined {
  const hold = state.holds.get(holdId);
  if (hold === undefined) return undefined;
  return {
    holdId: hold.holdId,
    userId: hold.userId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    createdAt: hold.createdAt,
    expiresAt: hold.expiresAt,
    extensions: hold.extensions,
    ...(state.holdKeys.size > 0 && keysOf(state, holdId)),
  };
}

function keysOf(state: EventState, holdId: string): { keys?: [string, string][] } {
  const keys = state.holdKeys.keysOf(holdId);
  return keys.length > 0 ? { keys } : {};
}

/** The user's live holds (pending purchases included, expired ones not); O(holds of the event). */
export function userHolds(state: EventState, userId: string, now: number): HoldSnapshot[] {
  const holds: HoldSnapshot[] = [];
  for (const hold of state.holds.values()) {
    if (hold.userId !== userId || hold.staffNote !== undefined || (hold.orderId === null && hold.expiresAt <= now)) continue;
    const snapshot = getHold(state, hold.holdId);
    if (snapshot) holds.push(snapshot);
  }
  return holds.sort((a, b) => a.createdAt - b.createdAt || (a.holdId < b.holdId ? -1 : 1));
}

/** A staff hold as it is stored and restored, or undefined (no such hold, or a customer's). */
export function getStaffHold(state: EventState, holdId: string): StaffHoldSnapshot | undefined {
  const hold = state.holds.get(holdId);
  if (hold === undefined || hold.staffNote === undefined) return undefined;
  return {
    holdId: hold.holdId,
    userId: hold.userId,
    note: hold.staffNote,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    createdAt: hold.createdAt,
  };
}

/** Seat ids of a hold (or of anything listing seat indexes), for replies and storage. */
export function holdSeatIds(state: EventState, hold: { readonly seats: readonly number[] }): string[] {
  return hold.seats.map((seat) => state.layout.seatId(seat));
}

/**
 * The event's status for display and for admitting holds and purchases: `draft` until published
 * (staff look, nobody holds), `closed` outside the sales
 * window, `paused` by staff, `sold_out` when no seat and no area place is available (held seats may
 * still come back), else `on_sale`.
 */
export function salesStatus(state: EventState, now: number): 'on_sale' | 'paused' | 'closed' | 'sold_out' | 'draft' {
  if (state.layout.definition.draft === true) return 'draft';
  const { salesOpenAt, salesCloseAt } = state.layout;
  if ((salesOpenAt !== undefined && now < salesOpenAt) || (salesCloseAt !== undefined && now > salesCloseAt)) {
    return 'closed';
  }
  if (state.sales === 'paused') return 'paused';
  if (state.statusCounts[SeatStatus.Available] > 0) return 'on_sale';
  for (let i = 0; i < state.areaAvailable.length; i++) if (state.areaAvailable[i] > 0) return 'on_sale';
  return 'sold_out';
}

/** Seats plus places the user holds (pending included) or has bought in this event. */
export function userCount(state: EventState, userId: string): number {
  return state.userCounts.get(userId) ?? 0;
}
