// The guarantees, checked after every step of the simulation. A violation names what broke; the
// runner adds the seed and step that replay it.
import type { EventActor } from '../../src/actor/event-actor';
import type { EventState } from '../../src/domain';
import { SeatStatus, type EventDefinition } from '../../src/domain/types';
import type { MemoryEventStore } from './memory-event-store';
import type { Viewer } from './viewers';

/** A hold a client was told `held` (or `extended`) about, and what it did with it since. */
export interface KnownHold {
  holdId: string;
  eventId: string;
  expiresAt: number;
  /** held: the client's last answer says so; uncertain: a command on it got no answer; gone: released or bought. */
  state: 'held' | 'uncertain' | 'gone';
}

/** Raised to stop the run at the first broken guarantee. */
export class Violation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Violation';
  }
}

/** The actor's state, read for checking only (the simulation is the one place that may look inside). */
export function stateOf(actor: EventActor): EventState {
  return (actor as unknown as { state: EventState }).state;
}

/** Independent ledgers of what was committed, and the checks over them. */
export class Checker {
  /** eventId → seat id → order id, from commits as they took effect. */
  private readonly sold = new Map<string, Map<string, string>>();
  private readonly places = new Map<string, Map<string, number>>();
  /** eventId \0 epoch → node that committed under it. */
  private readonly committers = new Map<string, string>();
  private readonly orderSeats = new Map<string, { seats: string[]; areas: Record<string, number> }>();
  commits = 0;
  epochRefusalsSeen = 0;

  constructor(
    private readonly store: MemoryEventStore,
    private readonly definitions: Map<string, EventDefinition>,
  ) {}

  /** A batch took effect in the store under `epoch`, sent by `node`. */
  committed(node: string, eventId: string, epoch: number, orderIds: string[]): void {
    this.commits++;
    const current = this.store.epochOf(eventId);
    if (epoch !== current) throw new Violation(`${node} committed ${orderIds.join(',')} for ${eventId} under epoch ${epoch} while the event's epoch is ${current}`);
    const key = `${eventId}\0${epoch}`;
    const other = this.committers.get(key);
    if (other !== undefined && other !== node) throw new Violation(`${node} and ${other} both committed for ${eventId} with epoch ${epoch}`);
    this.committers.set(key, node);
    const sold = this.sold.get(eventId) ?? new Map<string, string>();
    this.sold.set(eventId, sold);
    const places = this.places.get(eventId) ?? new Map<string, number>();
    this.places.set(eventId, places);
    for (const orderId of orderIds) {
      const order = this.store.peekOrder(orderId);
      if (!order) throw new Violation(`committed order ${orderId} is not in the store`);
      for (const seat of order.seats) {
        const before = sold.get(seat);
        if (before !== undefined) throw new Violation(`seat ${seat} of ${eventId} sold twice: ${before} and ${orderId}`);
        sold.set(seat, orderId);
      }
      for (const [areaId, count] of Object.entries(order.areas)) {
        const total = (places.get(areaId) ?? 0) + count;
        const capacity = this.definitions.get(eventId)?.areas.find((a) => a.id === areaId)?.capacity ?? 0;
        if (total > capacity) throw new Violation(`area ${areaId} of ${eventId} sold ${total} places of ${capacity}`);
        places.set(areaId, total);
      }
      this.orderSeats.set(orderId, { seats: order.seats, areas: order.areas });
    }
  }

  /** An order was cancelled in the store: its seats are free again. */
  cancelled(eventId: string, orderId: string): void {
    const order = this.orderSeats.get(orderId);
    if (!order) throw new Violation(`cancelled order ${orderId} was never committed`);
    const sold = this.sold.get(eventId);
    for (const seat of order.seats) if (sold?.get(seat) === orderId) sold.delete(seat);
    const places = this.places.get(eventId);
    for (const [areaId, count] of Object.entries(order.areas)) places?.set(areaId, (places.get(areaId) ?? 0) - count);
  }

  /** A client is about to hear `order`: it must be stored. */
  acknowledgedOrder(orderId: string): void {
    const order = this.store.peekOrder(orderId);
    if (!order) throw new Violation(`order ${orderId} acknowledged but not in the store`);
  }

  /** The current owner's state agrees with the store and adds up. */
  owner(eventId: string, actor: EventActor): void {
    const state = stateOf(actor);
    const definition = this.definitions.get(eventId) as EventDefinition;
    const counts = state.statusCounts;
    const total = counts[0] + counts[1] + counts[2] + counts[3];
    if (total !== definition.seats.length) throw new Violation(`${eventId}: status counts add to ${total}, not ${definition.seats.length}`);
    const { seats, places } = this.store.sold(eventId);
    for (const [seatId, orderId] of seats) {
      const index = state.layout.seatIndex(seatId);
      const status = state.status[index];
      if (status === SeatStatus.Sold) continue;
      const slot = state.seatHold[index];
      const hold = slot >= 0 ? state.holdSlots[slot] : undefined;
      if (status === SeatStatus.Held && hold && hold.orderId !== null) continue;
      throw new Violation(`${eventId}: seat ${seatId} is sold in the store (${orderId}) but ${statusName(status)} at its owner (epoch ${actor.epoch})`);
    }
    // A hold that was bought never comes back as a hold (only one whose purchase is still pending may
    // have its order in the store already), even after the order was cancelled.
    for (const hold of state.holds.values()) {
      if (hold.orderId === null && this.store.hasOrderOfHold(hold.holdId)) {
        throw new Violation(`${eventId}: hold ${hold.holdId} was bought but is a live hold again at its owner (epoch ${actor.epoch})`);
      }
    }
    // An order staff cancelled is gone from the store before its owner hears the answer and frees it.
    // (Built only when there is one: this runs after every step.)
    let cancelling: Set<number> | null = null;
    let cancellingPlaces: Map<string, number> | null = null;
    for (const order of state.orders.values()) {
      if (this.store.peekOrder(order.orderId)?.status !== 'cancelled') continue;
      cancelling ??= new Set<number>();
      cancellingPlaces ??= new Map<string, number>();
      for (const seat of order.seats) cancelling.add(seat);
      for (const [areaId, n] of Object.entries(order.areas)) cancellingPlaces.set(areaId, (cancellingPlaces.get(areaId) ?? 0) + n);
    }
    for (let i = 0; i < state.status.length; i++) {
      if (state.status[i] === SeatStatus.Sold && !cancelling?.has(i) && !seats.has(state.layout.seatId(i))) {
        throw new Violation(`${eventId}: seat ${state.layout.seatId(i)} is sold at its owner but in no live stored order`);
      }
    }
    for (let a = 0; a < definition.areas.length; a++) {
      const area = definition.areas[a];
      let held = 0;
      let pending = 0;
      for (const hold of state.holds.values()) {
        const n = hold.areas.get(area.id) ?? 0;
        held += n;
        if (hold.orderId !== null) pending += n;
      }
      let ownerSold = 0;
      for (const order of state.orders.values()) ownerSold += order.areas[area.id] ?? 0;
      const storeSold = places.get(area.id) ?? 0;
      if (state.areaAvailable[a] + held + ownerSold !== area.capacity) {
        throw new Violation(`${eventId}: area ${area.id} available ${state.areaAvailable[a]} + held ${held} + sold ${ownerSold} ≠ ${area.capacity}`);
      }
      const ownerLive = ownerSold - (cancellingPlaces?.get(area.id) ?? 0);
      if (storeSold < ownerLive || storeSold > ownerLive + pending) {
        throw new Violation(`${eventId}: area ${area.id} sold ${storeSold} in the store, ${ownerSold} (+${pending} pending) at its owner`);
      }
    }
  }

  /** An acknowledged hold is held, or bought, or expired by its time. */
  hold(known: KnownHold, actor: EventActor, now: number): void {
    if (known.state !== 'held') return;
    if (stateOf(actor).holds.has(known.holdId) || now >= known.expiresAt || this.store.hasOrderOfHold(known.holdId)) return;
    throw new Violation(`acknowledged hold ${known.holdId} of ${known.eventId} is gone before ${known.expiresAt} (now ${now}) at its owner (epoch ${actor.epoch}), not bought`);
  }

  /** A viewer that reached the owner's published seq sees exactly what the owner published. */
  viewer(viewer: Viewer, actor: EventActor): void {
    const snapshot = actor.snapshot();
    if (!snapshot.ok || !viewer.status) return;
    const { epoch, seq, status, areas } = snapshot.value;
    if (viewer.epoch !== epoch || viewer.seq !== seq) return;
    for (let i = 0; i < status.length; i++) {
      if (viewer.status[i] !== status[i]) throw new Violation(`viewer ${viewer.name} of ${viewer.eventId} at seq ${seq}: seat ${i} is ${statusName(viewer.status[i])}, owner published ${statusName(status[i])}`);
    }
    for (const id in areas) {
      if (viewer.areas[id] !== areas[id]) throw new Violation(`viewer ${viewer.name} of ${viewer.eventId} at seq ${seq}: area ${id} ${viewer.areas[id]} ≠ ${areas[id]}`);
    }
  }
}

function statusName(code: number): string {
  return ['available', 'held', 'sold', 'blocked'][code] ?? String(code);
}
