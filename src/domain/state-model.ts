// The mutable state of one event and the low-level changes every `evolve` shares: a seat's status with
// its counts, area places, per-user counts, the hold slots and the expiry queue.

import type { ExpiryHeap } from './expiry-heap';
import type { HoldKeyIndex } from './hold-keys';
import type { EventLayout } from './layout';
import { SeatStatus } from './types';
import type { ConfirmedOrder, SalesState, SeatStatusCode } from './types';

/** A live hold. `seats` are seat indexes in the order they were added. */
export interface HoldRecord {
  readonly holdId: string;
  readonly userId: string;
  /** Index into `EventState.holdSlots`; what `seatHold` stores for each of this hold's seats. */
  readonly slot: number;
  seats: number[];
  /** areaId → places. */
  readonly areas: Map<string, number>;
  readonly createdAt: number;
  expiresAt: number;
  extensions: number;
  /** Set while a purchase is pending: the hold is frozen and does not expire. */
  orderId: string | null;
  /** Total of the pending purchase (0 when not pending). */
  total: number;
  /**
   * Set on a staff hold (house seats, comps): why staff made it. Such a hold never expires (it is not
   * in the expiry queue), counts against nobody's limit and only staff release it.
   */
  readonly staffNote?: string;
}

/** The mutable state of one event; only its actor touches it, through `evolve`. */
export interface EventState {
  /** Replaced (same seats, new settings and prices) when the event is edited. */
  layout: EventLayout;
  /** SeatStatus code per seat index; a seat in a pending purchase is Held. */
  readonly status: Uint8Array;
  /** Hold slot per seat index, −1 when the seat is not held. */
  readonly seatHold: Int32Array;
  readonly holds: Map<string, HoldRecord>;
  /** Holds by slot; freed slots are reused so the array stays as large as the most holds ever live. */
  readonly holdSlots: (HoldRecord | undefined)[];
  readonly freeSlots: number[];
  /** Available places per area index. */
  readonly areaAvailable: Int32Array;
  /** Seats plus places each user holds (pending included) or has bought. Users at 0 are absent. */
  readonly userCounts: Map<string, number>;
  /** Live holds (pending included) per user; users with none are absent. The waiting room asks it per admission. */
  readonly holdsPerUser: Map<string, number>;
  /** Confirmed, not cancelled orders. */
  readonly orders: Map<string, ConfirmedOrder>;
  sales: SalesState;
  /** Seats per SeatStatus code, kept as statuses change. */
  readonly statusCounts: Int32Array;
  /** Available seats per ranked row, so best-available skips rows that cannot fit. */
  readonly rowAvailable: Int32Array;
  /** Expiry queue of non-pending holds; after every evolve its earliest entry is live. */
  readonly expiry: ExpiryHeap;
  /** Hold keys of live holds. */
  readonly holdKeys: HoldKeyIndex;
  /** Seats in staff holds (counted Held in `statusCounts` too); `seatCounts` reports them apart. */
  staffHeldSeats: number;
  /** Live staff holds. */
  staffHolds: number;
}

/** The live hold an event is about. */
export function mustHold(state: EventState, holdId: string): HoldRecord {
  const hold = state.holds.get(holdId);
  // decide only emits events about live holds; anything else is a bug in the caller.
  if (hold === undefined) throw new Error(`event for unknown hold '${holdId}'`);
  return hold;
}

/** Removes a hold and frees its slot. */
export function deleteHold(state: EventState, hold: HoldRecord): void {
  for (const seat of hold.seats) if (state.seatHold[seat] === hold.slot) state.seatHold[seat] = -1;
  state.holds.delete(hold.holdId);
  if (hold.staffNote !== undefined) {
    state.staffHolds--;
  } else {
    const live = (state.holdsPerUser.get(hold.userId) ?? 1) - 1;
    if (live === 0) state.holdsPerUser.delete(hold.userId);
    else state.holdsPerUser.set(hold.userId, live);
  }
  state.holdKeys.dropHold(hold.holdId);
  state.holdSlots[hold.slot] = undefined;
  state.freeSlots.push(hold.slot);
}

/** Changes a seat's status, keeping the per-status and per-row counts in step. */
export function setStatus(state: EventState, seat: number, code: SeatStatusCode): void {
  const old = state.status[seat];
  if (old === code) return;
  state.statusCounts[old]--;
  state.statusCounts[code]++;
  if (old === SeatStatus.Available) state.rowAvailable[state.layout.seatRow[seat]]--;
  else if (code === SeatStatus.Available) state.rowAvailable[state.layout.seatRow[seat]]++;
  state.status[seat] = code;
}

/** Adds `sign` × places to each area's available count; returns the number of places. */
export function adjustAreas(state: EventState, areas: Record<string, number>, sign: 1 | -1): number {
  let places = 0;
  for (const [areaId, count] of Object.entries(areas)) {
    const area = state.layout.areaIndex(areaId);
    if (area < 0) throw new Error(`unknown area '${areaId}'`);
    state.areaAvailable[area] += sign * count;
    places += count;
  }
  return places;
}

/** Adds `delta` to the user's seats and places; users at 0 are dropped. */
export function addUserCount(state: EventState, userId: string, delta: number): void {
  const count = (state.userCounts.get(userId) ?? 0) + delta;
  if (count === 0) state.userCounts.delete(userId);
  else state.userCounts.set(userId, count);
}

/** Stale expiry entries tolerated beyond the live holds before the queue is cleared out. */
const EXPIRY_SLACK = 1024;

/**
 * Drops stale entries from the top of the expiry queue, so its earliest entry is always a live hold,
 * and clears out all the stale ones once they outnumber the holds (amortized O(1) per hold).
 */
export function pruneExpiry(state: EventState): void {
  const { expiry, holds } = state;
  if (expiry.size > 2 * holds.size + EXPIRY_SLACK) expiry.retain((time, id) => isLiveExpiry(holds, time, id));
  for (;;) {
    const id = expiry.peekId();
    if (id === undefined) return;
    if (isLiveExpiry(holds, expiry.peekTime() as number, id)) return;
    expiry.pop();
  }
}

/** Whether an expiry entry still stands for a hold: it exists, is not being bought, and expires then. */
function isLiveExpiry(holds: ReadonlyMap<string, HoldRecord>, time: number, id: string): boolean {
  const hold = holds.get(id);
  return hold !== undefined && hold.orderId === null && hold.expiresAt === time;
}

/** Throws on a seat index outside the layout (restores come from storage, not from clients). */
export function checkSeatIndex(layout: EventLayout, seat: number): void {
  if (!Number.isInteger(seat) || seat < 0 || seat >= layout.seatCount) {
    throw new Error(`seat index ${seat} out of range`);
  }
}

/** Marks a switch as exhaustive: a value that reaches it is a bug. */
export function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}
