// An EventStore in memory with Postgres's guards for the simulation: the epoch check on every fenced
// write, one live order per seat, standing areas never past capacity, unique order ids and idempotency
// keys, all-or-nothing batches. Each method does its work at once (no await before it), so the
// simulation decides when the result is seen. A test-only switch plants a bug to prove the simulation
// finds it.
import type { EventDefinition, EventHeader, SalesState } from '../../src/domain/types';
import type { EventRestore } from '../../src/domain/event-restore';
import type { RoomSnapshot } from '../../src/domain/waiting-room';
import type {
  CommitResult,
  EventStore,
  EventSummary,
  FencedWrite,
  Lifecycle,
  NewOrder,
  OrderPage,
  Ownership,
  StoredOrder,
  StoredStaffHold,
} from '../../src/store/event-store';
import { UnknownEventError } from '../../src/store/event-store';
import { overfullOrders, repeatedWithinBatch, union } from '../../src/store/order-rows';

/** Bugs a test may plant: each breaks one guard the database gives. */
export type PlantedBug = 'skip-epoch-check';

interface StoredEvent {
  definition: EventDefinition;
  sales: SalesState;
  blocked: Set<string>;
  archived: boolean;
  revision: number;
  owner: Ownership | null;
  /** Live seat id → order id. */
  seats: Map<string, string>;
  /** Area id → places sold to live orders. */
  places: Map<string, number>;
  /** Ids of live (not cancelled) orders. */
  live: Set<string>;
}

/** The simulation's EventStore. */
export class MemoryEventStore implements EventStore {
  private readonly events = new Map<string, StoredEvent>();
  private readonly rooms = new Map<string, RoomSnapshot>();
  /** Event id → hold id → staff hold. */
  private readonly staffHolds = new Map<string, Map<string, StoredStaffHold>>();
  private readonly orders = new Map<string, StoredOrder & { idempotencyKey: string | null }>();
  private readonly keys = new Map<string, string>();
  /** Hold id → event id, of every order stored (live or cancelled). */
  private readonly holdsBought = new Map<string, string>();
  /** Orders refused by the epoch check (what the metric counts in production). */
  epochRefusals = 0;

  constructor(private readonly bug: PlantedBug | null = null) {}

  async migrate(): Promise<void> {}
  async ping(): Promise<void> {}
  async close(): Promise<void> {}

  async createEvent(definition: EventDefinition): Promise<'created' | 'exists'> {
    if (this.events.has(definition.id)) return 'exists';
    this.events.set(definition.id, {
      definition: structuredClone(definition),
      sales: 'open',
      blocked: new Set(),
      archived: false,
      revision: 1,
      owner: null,
      seats: new Map(),
      places: new Map(),
      live: new Set(),
    });
    return 'created';
  }

  async listEvents(): Promise<EventSummary[]> {
    return [...this.events.values()].map((e) => ({
      id: e.definition.id,
      name: e.definition.name,
      startsAt: e.definition.startsAt,
      sales: e.sales,
      salesOpenAt: e.definition.salesOpenAt ?? null,
      salesCloseAt: e.definition.salesCloseAt ?? null,
      lifecycle: e.archived ? 'archived' : e.definition.draft ? 'draft' : 'published',
    }));
  }

  async getDefinition(eventId: string): Promise<EventDefinition | null> {
    const event = this.events.get(eventId);
    return event ? structuredClone(event.definition) : null;
  }

  async eventExists(eventId: string): Promise<boolean> {
    return this.events.has(eventId);
  }

  async loadEvent(eventId: string): Promise<EventRestore | null> {
    const event = this.events.get(eventId);
    if (!event) return null;
    const index = new Map(event.definition.seats.map((s, i) => [s.id, i]));
    const live = [...event.live].map((id) => this.orders.get(id) as StoredOrder);
    return {
      definition: structuredClone(event.definition),
      sales: event.sales,
      blocked: [...event.blocked].map((id) => index.get(id) as number),
      orders: live.map((o) => ({
        orderId: o.orderId,
        userId: o.userId,
        holdId: o.holdId,
        seats: o.seats.map((id) => index.get(id) as number),
        areas: { ...o.areas },
        total: o.total,
        confirmedAt: Date.parse(o.createdAt),
      })),
      holds: [],
      staffHolds: [...(this.staffHolds.get(eventId)?.values() ?? [])].map((h) => ({ ...structuredClone(h), seats: h.seats.map((id) => index.get(id) as number) })),
      ...(this.rooms.has(eventId) ? { queue: structuredClone(this.rooms.get(eventId)!) } : {}),
    };
  }

  async claimOwnership(eventId: string, nodeId: string): Promise<number> {
    const event = this.events.get(eventId);
    if (!event) throw new UnknownEventError(eventId);
    event.owner = { nodeId, epoch: (event.owner?.epoch ?? 0) + 1 };
    return event.owner.epoch;
  }

  async getOwnership(eventId: string): Promise<Ownership | null> {
    const owner = this.events.get(eventId)?.owner;
    return owner ? { ...owner } : null;
  }

  /** The epoch check, as the commit statement does it (a planted bug may skip it). */
  private fenced(event: StoredEvent | undefined, epoch: number): boolean {
    if (this.bug === 'skip-epoch-check') return false;
    return !event || event.owner?.epoch !== epoch;
  }

  async commitOrders(eventId: string, epoch: number, orders: NewOrder[]): Promise<CommitResult> {
    if (orders.length === 0) return { ok: true };
    const event = this.events.get(eventId);
    if (this.fenced(event, epoch) || !event) {
      this.epochRefusals += orders.length;
      return { ok: false, reason: 'fenced', currentEpoch: event?.owner?.epoch ?? null };
    }
    // As PostgresEventStore names them: taken ids and keys first, then seats, then standing room.
    const keysOf = (o: NewOrder): string[] => [`id:${o.orderId}`, ...(o.idempotencyKey === null ? [] : [`key:${o.userId}\0${o.idempotencyKey}`])];
    const duplicates = union(
      orders.filter((o) => this.orders.has(o.orderId) || (o.idempotencyKey !== null && this.keys.has(keyOf(eventId, o.userId, o.idempotencyKey)))).map((o) => o.orderId),
      repeatedWithinBatch(orders, keysOf),
    );
    if (duplicates.length > 0) return { ok: false, reason: 'duplicate_key', orderIds: duplicates };
    const taken = union(
      orders.filter((o) => o.seats.some((seat) => event.seats.has(seat))).map((o) => o.orderId),
      repeatedWithinBatch(orders, (o) => o.seats),
    );
    if (taken.length > 0) return { ok: false, reason: 'seat_taken', orderIds: taken };
    const room = new Map(event.definition.areas.map((a) => [a.id, a.capacity - (event.places.get(a.id) ?? 0)]));
    const over = overfullOrders(orders, room);
    if (over.length > 0) return { ok: false, reason: 'seat_taken', orderIds: over };
    const places = new Map(event.places);
    for (const order of orders) for (const [areaId, n] of Object.entries(order.areas)) places.set(areaId, (places.get(areaId) ?? 0) + n);
    for (const order of orders) {
      for (const seat of order.seats) event.seats.set(seat, order.orderId);
      this.orders.set(order.orderId, {
        orderId: order.orderId,
        eventId,
        userId: order.userId,
        holdId: order.holdId,
        seats: [...order.seats],
        areas: { ...order.areas },
        total: order.total,
        status: 'confirmed',
        createdAt: new Date(order.createdAt).toISOString(),
        tickets: [],
        idempotencyKey: order.idempotencyKey,
      });
      event.live.add(order.orderId);
      this.holdsBought.set(order.holdId, eventId);
      if (order.idempotencyKey !== null) this.keys.set(keyOf(eventId, order.userId, order.idempotencyKey), order.orderId);
    }
    event.places = places;
    return { ok: true };
  }

  async storedAmong(orderIds: string[]): Promise<Set<string>> {
    return new Set(orderIds.filter((id) => this.orders.has(id)));
  }

  async boughtHolds(eventId: string, holdIds: string[]): Promise<Set<string>> {
    return new Set(holdIds.filter((id) => this.holdsBought.get(id) === eventId));
  }

  async findOrderByIdempotencyKey(eventId: string, userId: string, key: string): Promise<StoredOrder | null> {
    const id = this.keys.get(keyOf(eventId, userId, key));
    return id ? this.view(id) : null;
  }

  async getOrder(orderId: string): Promise<StoredOrder | null> {
    return this.view(orderId);
  }

  async listOrders(eventId: string, after: string | null, limit: number): Promise<OrderPage> {
    const all = [...this.orders.values()].filter((o) => o.eventId === eventId);
    const start = after === null ? 0 : all.findIndex((o) => o.orderId === after) + 1;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? page[page.length - 1].orderId : null;
    return { orders: page.map((o) => this.view(o.orderId) as StoredOrder), next };
  }

  async cancelOrder(eventId: string, epoch: number, orderId: string): Promise<'cancelled' | 'not_found' | 'already_cancelled' | 'fenced'> {
    const event = this.events.get(eventId);
    if (this.fenced(event, epoch) || !event) {
      this.epochRefusals++;
      return 'fenced';
    }
    const order = this.orders.get(orderId);
    if (!order || order.eventId !== eventId) return 'not_found';
    if (order.status === 'cancelled') return 'already_cancelled';
    order.status = 'cancelled';
    event.live.delete(orderId);
    for (const seat of order.seats) if (event.seats.get(seat) === orderId) event.seats.delete(seat);
    for (const [areaId, count] of Object.entries(order.areas)) event.places.set(areaId, (event.places.get(areaId) ?? 0) - count);
    return 'cancelled';
  }

  async setSales(eventId: string, sales: SalesState): Promise<void> {
    const event = this.events.get(eventId);
    if (event) event.sales = sales;
  }

  async setBlocked(eventId: string, seatIds: string[], blocked: boolean): Promise<void> {
    const event = this.events.get(eventId);
    if (event) for (const id of seatIds) blocked ? event.blocked.add(id) : event.blocked.delete(id);
  }

  async updateDefinition(epoch: number | null, definition: EventHeader): Promise<FencedWrite | 'not_found'> {
    const event = this.events.get(definition.id);
    if (!event) return 'not_found';
    if (epoch !== null && this.fenced(event, epoch)) return 'fenced';
    event.definition = { ...event.definition, ...structuredClone(definition), seats: event.definition.seats };
    event.revision++;
    return 'ok';
  }

  async setArchived(eventId: string, archived: boolean): Promise<Lifecycle | null> {
    const event = this.events.get(eventId);
    if (!event) return null;
    event.archived = archived;
    return archived ? 'archived' : event.definition.draft ? 'draft' : 'published';
  }

  async getRevision(eventId: string): Promise<number | null> {
    return this.events.get(eventId)?.revision ?? null;
  }

  async writeBlocked(eventId: string, epoch: number, seatIds: string[], blocked: boolean): Promise<FencedWrite> {
    if (this.fenced(this.events.get(eventId), epoch)) return 'fenced';
    await this.setBlocked(eventId, seatIds, blocked);
    return 'ok';
  }

  async writeStaffHold(eventId: string, epoch: number, hold: StoredStaffHold): Promise<FencedWrite> {
    if (this.fenced(this.events.get(eventId), epoch)) return 'fenced';
    const holds = this.staffHolds.get(eventId) ?? new Map<string, StoredStaffHold>();
    holds.set(hold.holdId, structuredClone(hold));
    this.staffHolds.set(eventId, holds);
    return 'ok';
  }

  async deleteStaffHold(eventId: string, epoch: number, holdId: string): Promise<FencedWrite> {
    if (this.fenced(this.events.get(eventId), epoch)) return 'fenced';
    this.staffHolds.get(eventId)?.delete(holdId);
    return 'ok';
  }

  async writeQueue(eventId: string, epoch: number, room: RoomSnapshot): Promise<FencedWrite> {
    if (this.fenced(this.events.get(eventId), epoch)) return 'fenced';
    this.rooms.set(eventId, structuredClone(room));
    return 'ok';
  }

  async writeSales(eventId: string, epoch: number, sales: SalesState): Promise<FencedWrite> {
    if (this.fenced(this.events.get(eventId), epoch)) return 'fenced';
    await this.setSales(eventId, sales);
    return 'ok';
  }

  // ---------------------------------------------------------------- synchronous reads for invariants

  /** The order as stored, or null (no copy: read-only use). */
  peekOrder(orderId: string): (StoredOrder & { idempotencyKey: string | null }) | null {
    return this.orders.get(orderId) ?? null;
  }

  /** Whether a live or cancelled order was made of this hold. */
  hasOrderOfHold(holdId: string): boolean {
    return this.holdsBought.has(holdId);
  }

  /** Live seat ids → order ids, and places sold per area, of an event. */
  sold(eventId: string): { seats: ReadonlyMap<string, string>; places: ReadonlyMap<string, number> } {
    const event = this.events.get(eventId);
    return { seats: event?.seats ?? new Map(), places: event?.places ?? new Map() };
  }

  /** The event's current epoch (0 if never claimed). */
  epochOf(eventId: string): number {
    return this.events.get(eventId)?.owner?.epoch ?? 0;
  }

  /** Live orders' ids of an event that are not yet cancelled. */
  liveOrderIds(eventId: string): string[] {
    return [...(this.events.get(eventId)?.live ?? [])];
  }

  private view(orderId: string): StoredOrder | null {
    const o = this.orders.get(orderId);
    if (!o) return null;
    const { idempotencyKey: _key, ...order } = o;
    return structuredClone(order);
  }
}

function keyOf(eventId: string, userId: string, key: string): string {
  return `${eventId}\0${userId}\0${key}`;
}
