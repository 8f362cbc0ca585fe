// The seat state machine of one event, in the decider shape: `decide` turns a command into events (or a
// rejection) without touching the state, `evolve` applies one event in place. The state is mutable and
// owned by exactly one actor; everything per seat lives in typed arrays and every command except
// best-available costs O(seats named), never O(seats in the event).
import { findBestSeats } from './best-available';
import { ExpiryHeap } from './expiry-heap';
import { EventLayout } from './layout';
import { SeatStatus } from './types';
import type {
  BlockSeats,
  CancelOrder,
  Command,
  ConfirmedOrder,
  ConfirmPurchase,
  Decision,
  DomainEvent,
  EventRestore,
  ExtendHold,
  FailPurchase,
  HoldArea,
  HoldBest,
  HoldSeats,
  HoldSnapshot,
  OrderCancelled,
  OrderConfirmed,
  Rejection,
  ReleaseHold,
  SalesState,
  SeatCounts,
  SeatsHeld,
  SeatsReleased,
  SeatStatusCode,
  SetSales,
  StartPurchase,
} from './types';

/** CONTRACT.md: "a fourth extension is limit_exceeded". */
export const MAX_EXTENSIONS = 3;

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
}

/** The mutable state of one event; only its actor touches it, through `evolve`. */
export interface EventState {
  readonly layout: EventLayout;
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
  /** Confirmed, not cancelled orders. */
  readonly orders: Map<string, ConfirmedOrder>;
  sales: SalesState;
  /** Seats per SeatStatus code, kept as statuses change. */
  readonly statusCounts: Int32Array;
  /** Available seats per ranked row, so best-available skips rows that cannot fit. */
  readonly rowAvailable: Int32Array;
  /** Expiry queue of non-pending holds; after every evolve its earliest entry is live. */
  readonly expiry: ExpiryHeap;
}

/** Builds the state of an activated event: blocked seats, sold seats of orders, restored holds. */
export function createState(restore: EventRestore, layout?: EventLayout): EventState {
  const lay = layout ?? new EventLayout(restore.definition);
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
    orders: new Map(),
    sales: restore.sales,
    statusCounts: new Int32Array(4),
    rowAvailable: new Int32Array(lay.rowCount),
    expiry: new ExpiryHeap(),
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
  // A replicated hold may have been bought (or blocked around) after it was copied: drop such holds
  // rather than let a seat be in two places.
  for (const hold of restore.holds) {
    if (restorable(state, hold)) {
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
    }
  }
  pruneExpiry(state);
  return state;
}

// ---------------------------------------------------------------- decide

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

function accept(...events: DomainEvent[]): Decision {
  return { ok: true, events };
}

function reject(rejection: Rejection): Decision {
  return { ok: false, rejection };
}

function unreachable(value: never): never {
  throw new Error(`unhandled: ${JSON.stringify(value)}`);
}

type AddCommand = HoldSeats | HoldBest | HoldArea;

/**
 * The checks every hold-adding command shares, in order: the target hold (with `holdId`), then sales.
 * Returns the hold to add to (undefined: a new one) or the rejection.
 */
function addTarget(state: EventState, command: AddCommand, now: number): HoldRecord | undefined | Rejection {
  let hold: HoldRecord | undefined;
  if (command.holdId !== undefined) {
    const found = ownHold(state, command.userId, command.holdId, now);
    if (isRejection(found)) return found;
    hold = found;
  } else if (state.holds.has(command.newHoldId)) {
    return { code: 'conflict', message: `hold id '${command.newHoldId}' is already in use` };
  }
  return salesRejection(state, now) ?? hold;
}

/** The user's own, usable hold: another user's is answered as unknown (CONTRACT.md). */
function ownHold(state: EventState, userId: string, holdId: string, now: number): HoldRecord | Rejection {
  const hold = state.holds.get(holdId);
  if (hold === undefined || hold.userId !== userId) {
    return { code: 'hold_not_found', message: `no hold '${holdId}'` };
  }
  // Pending first: a pending hold is frozen and never counts as expired.
  if (hold.orderId !== null) return { code: 'conflict', message: `hold '${holdId}' is being purchased` };
  // Expired but not yet swept by ExpireHolds: it must not be used, least of all bought.
  if (hold.expiresAt <= now) return { code: 'hold_expired', message: `hold '${holdId}' has expired` };
  return hold;
}

function isRejection(value: HoldRecord | Rejection | undefined): value is Rejection {
  return value !== undefined && 'code' in value;
}

function salesRejection(state: EventState, now: number): Rejection | undefined {
  const sales = salesStatus(state, now);
  if (sales === 'closed') return { code: 'sales_closed', message: 'sales are closed for this event' };
  if (sales === 'paused') return { code: 'sales_closed', message: 'sales are paused for this event' };
  return undefined;
}

function limitRejection(state: EventState, userId: string, adding: number): Rejection | undefined {
  const max = state.layout.maxSeatsPerUser;
  const have = userCount(state, userId);
  if (have + adding <= max) return undefined;
  return { code: 'limit_exceeded', message: `at most ${max} seats and places per user (you have ${have})` };
}

function held(
  state: EventState,
  command: AddCommand,
  hold: HoldRecord | undefined,
  seats: number[],
  areas: Record<string, number>,
  now: number,
): Decision {
  const event: SeatsHeld = {
    type: 'SeatsHeld',
    holdId: hold?.holdId ?? command.newHoldId,
    userId: command.userId,
    created: hold === undefined,
    seats,
    areas,
    // Adding to a hold keeps its expiry (CONTRACT.md).
    createdAt: hold?.createdAt ?? now,
    expiresAt: hold?.expiresAt ?? now + state.layout.holdTtlMs,
  };
  return accept(event);
}

function decideHoldSeats(state: EventState, command: HoldSeats, now: number): Decision {
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
  return held(state, command, hold, seats, {}, now);
}

function decideHoldBest(state: EventState, command: HoldBest, now: number): Decision {
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
  });
  if (seats === undefined) {
    return reject({ code: 'seat_unavailable', message: `no ${count} matching seats are available` });
  }
  return held(state, command, hold, seats, {}, now);
}

function decideHoldArea(state: EventState, command: HoldArea, now: number): Decision {
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

function decideRelease(state: EventState, command: ReleaseHold, now: number): Decision {
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

function releaseAll(state: EventState, hold: HoldRecord, reason: SeatsReleased['reason']): SeatsReleased {
  return {
    type: 'SeatsReleased',
    holdId: hold.holdId,
    userId: hold.userId,
    reason,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    holdEnded: true,
  };
}

function decideExtend(state: EventState, command: ExtendHold, now: number): Decision {
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

function decideExpire(state: EventState, now: number): Decision {
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

function decideStartPurchase(state: EventState, command: StartPurchase, now: number): Decision {
  const hold = ownHold(state, command.userId, command.holdId, now);
  if (isRejection(hold)) return reject(hold);
  const closed = salesRejection(state, now);
  if (closed) return reject(closed);
  if (state.orders.has(command.orderId)) {
    return reject({ code: 'conflict', message: `order id '${command.orderId}' is already in use` });
  }
  const { seatPrice, areaPrice } = state.layout;
  let total = 0;
  for (const seat of hold.seats) total += seatPrice[seat];
  for (const [areaId, places] of hold.areas) total += areaPrice[state.layout.areaIndex(areaId)] * places;
  return accept({
    type: 'PurchaseStarted',
    holdId: hold.holdId,
    userId: hold.userId,
    orderId: command.orderId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    total,
  });
}

/** The hold a Confirm/FailPurchase is about: it must exist and be pending. */
function pendingHold(state: EventState, holdId: string): HoldRecord | Rejection {
  const hold = state.holds.get(holdId);
  if (hold === undefined) return { code: 'hold_not_found', message: `no hold '${holdId}'` };
  if (hold.orderId === null) return { code: 'conflict', message: `hold '${holdId}' has no pending purchase` };
  return hold;
}

function decideConfirm(state: EventState, command: ConfirmPurchase): Decision {
  const hold = pendingHold(state, command.holdId);
  if (isRejection(hold)) return reject(hold);
  const event: OrderConfirmed = {
    type: 'OrderConfirmed',
    orderId: hold.orderId as string,
    holdId: hold.holdId,
    userId: hold.userId,
    seats: [...hold.seats],
    areas: Object.fromEntries(hold.areas),
    total: hold.total,
  };
  return accept(event);
}

function decideFail(state: EventState, command: FailPurchase): Decision {
  const hold = pendingHold(state, command.holdId);
  if (isRejection(hold)) return reject(hold);
  return accept({ type: 'PurchaseFailed', holdId: hold.holdId, orderId: hold.orderId as string });
}

function decideCancel(state: EventState, command: CancelOrder): Decision {
  const order = state.orders.get(command.orderId);
  if (order === undefined) return reject({ code: 'not_found', message: `no order '${command.orderId}'` });
  const event: OrderCancelled = {
    type: 'OrderCancelled',
    orderId: order.orderId,
    userId: order.userId,
    seats: [...order.seats],
    areas: { ...order.areas },
  };
  return accept(event);
}

function decideSetSales(state: EventState, command: SetSales): Decision {
  const open = state.sales === 'open';
  return command.open === open ? accept() : accept({ type: 'SalesChanged', open: command.open });
}

function decideBlock(state: EventState, command: BlockSeats): Decision {
  const ids = command.seats;
  if (ids.length === 0) return reject({ code: 'bad_request', message: 'seats must not be empty' });
  const duplicates = findDuplicates(ids);
  if (duplicates.length > 0) {
    return reject({ code: 'bad_request', message: `duplicate seats: ${duplicates.join(', ')}` });
  }
  const { layout, status } = state;
  const unknown: string[] = [];
  const busy: string[] = [];
  const changed: number[] = [];
  for (const id of ids) {
    const seat = layout.seatIndex(id);
    if (seat < 0) {
      unknown.push(id);
      continue;
    }
    const code = status[seat];
    if (command.blocked && (code === SeatStatus.Held || code === SeatStatus.Sold)) busy.push(id);
    else if (command.blocked ? code === SeatStatus.Available : code === SeatStatus.Blocked) changed.push(seat);
  }
  if (unknown.length > 0) return reject({ code: 'not_found', message: 'unknown seats', seats: unknown });
  if (busy.length > 0) return reject({ code: 'conflict', message: 'seats are held or sold', seats: busy });
  if (changed.length === 0) return accept();
  return accept({ type: 'SeatsBlocked', seats: changed, blocked: command.blocked });
}

function findDuplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) duplicates.add(id);
    else seen.add(id);
  }
  return [...duplicates];
}

// ---------------------------------------------------------------- evolve

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
    default:
      unreachable(event);
  }
  pruneExpiry(state);
}

function evolveHeld(state: EventState, event: SeatsHeld): void {
  let hold = state.holds.get(event.holdId);
  if (hold === undefined) {
    const slot = state.freeSlots.pop() ?? state.holdSlots.length;
    hold = {
      holdId: event.holdId,
      userId: event.userId,
      slot,
      seats: [],
      areas: new Map(),
      createdAt: event.createdAt,
      expiresAt: event.expiresAt,
      extensions: 0,
      orderId: null,
      total: 0,
    };
    state.holds.set(hold.holdId, hold);
    state.holdSlots[slot] = hold;
    state.expiry.push(hold.expiresAt, hold.holdId);
  }
  for (const seat of event.seats) {
    setStatus(state, seat, SeatStatus.Held);
    state.seatHold[seat] = hold.slot;
    hold.seats.push(seat);
  }
  let places = 0;
  for (const [areaId, count] of Object.entries(event.areas)) {
    state.areaAvailable[state.layout.areaIndex(areaId)] -= count;
    hold.areas.set(areaId, (hold.areas.get(areaId) ?? 0) + count);
    places += count;
  }
  addUserCount(state, event.userId, event.seats.length + places);
}

function evolveReleased(state: EventState, event: SeatsReleased): void {
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

function evolveConfirmed(state: EventState, event: OrderConfirmed): void {
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

function deleteHold(state: EventState, hold: HoldRecord): void {
  for (const seat of hold.seats) if (state.seatHold[seat] === hold.slot) state.seatHold[seat] = -1;
  state.holds.delete(hold.holdId);
  state.holdSlots[hold.slot] = undefined;
  state.freeSlots.push(hold.slot);
}

function mustHold(state: EventState, holdId: string): HoldRecord {
  const hold = state.holds.get(holdId);
  // decide only emits events about live holds; anything else is a bug in the caller.
  if (hold === undefined) throw new Error(`event for unknown hold '${holdId}'`);
  return hold;
}

/** Changes a seat's status, keeping the per-status and per-row counts in step. */
function setStatus(state: EventState, seat: number, code: SeatStatusCode): void {
  const old = state.status[seat];
  if (old === code) return;
  state.statusCounts[old]--;
  state.statusCounts[code]++;
  if (old === SeatStatus.Available) state.rowAvailable[state.layout.seatRow[seat]]--;
  else if (code === SeatStatus.Available) state.rowAvailable[state.layout.seatRow[seat]]++;
  state.status[seat] = code;
}

/** Adds `sign` × places to each area's available count; returns the number of places. */
function adjustAreas(state: EventState, areas: Record<string, number>, sign: 1 | -1): number {
  let places = 0;
  for (const [areaId, count] of Object.entries(areas)) {
    const area = state.layout.areaIndex(areaId);
    if (area < 0) throw new Error(`unknown area '${areaId}'`);
    state.areaAvailable[area] += sign * count;
    places += count;
  }
  return places;
}

function addUserCount(state: EventState, userId: string, delta: number): void {
  const count = (state.userCounts.get(userId) ?? 0) + delta;
  if (count === 0) state.userCounts.delete(userId);
  else state.userCounts.set(userId, count);
}

/** Drops stale entries from the top of the expiry queue, so its earliest entry is always a live hold. */
function pruneExpiry(state: EventState): void {
  const { expiry, holds } = state;
  for (;;) {
    const id = expiry.peekId();
    if (id === undefined) return;
    const hold = holds.get(id);
    if (hold !== undefined && hold.orderId === null && hold.expiresAt === expiry.peekTime()) return;
    expiry.pop();
  }
}

function checkSeatIndex(layout: EventLayout, seat: number): void {
  if (!Number.isInteger(seat) || seat < 0 || seat >= layout.seatCount) {
    throw new Error(`seat index ${seat} out of range`);
  }
}

function restorable(state: EventState, hold: HoldSnapshot): boolean {
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

// ---------------------------------------------------------------- queries

/** Earliest expiresAt of a non-pending hold, for the actor's single timer; O(1). */
export function nextExpiry(state: EventState): number | undefined {
  return state.expiry.peekTime();
}

/** Seats per status; O(1). */
export function seatCounts(state: EventState): SeatCounts {
  const counts = state.statusCounts;
  return {
    available: counts[SeatStatus.Available],
    held: counts[SeatStatus.Held],
    sold: counts[SeatStatus.Sold],
    blocked: counts[SeatStatus.Blocked],
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
  };
}

/** Seat ids of a hold (or of anything listing seat indexes), for replies and storage. */
export function holdSeatIds(state: EventState, hold: { readonly seats: readonly number[] }): string[] {
  return hold.seats.map((seat) => state.layout.seatId(seat));
}

/**
 * The event's status for display and for admitting holds and purchases: `closed` outside the sales
 * window, `paused` by staff, `sold_out` when no seat and no area place is available (held seats may
 * still come back), else `on_sale`.
 */
export function salesStatus(state: EventState, now: number): 'on_sale' | 'paused' | 'closed' | 'sold_out' {
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
