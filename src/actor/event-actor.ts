// The single writer of one event's seats. Every command is decided and applied synchronously by the
// pure core (`handle`), so no two commands ever interleave: the event loop is the mailbox, and the
// only asynchronous step (a purchase's commit) comes back as a command of its own (Confirm/Fail).
import type { Clock, TimerHandle } from './clock';
import type { CommitOutcome } from './group-commit';
import { GroupCommitter } from './group-commit';
import { HoldReplicator } from './hold-replicator';
import type { ReplicationOutcome } from './hold-replicator';
import type { HoldJournal } from '../cluster/hold-journal';
import type {
  DiffPush,
  EventFeed,
  Failure,
  HeldView,
  HoldRequest,
  LiveInfoView,
  OrderView,
  Outcome,
  ReleasedView,
  SnapshotView,
  StatsView,
} from './event-service';
import {
  areaAvailability,
  createState,
  decide,
  getHold,
  handle,
  holdSeatIds,
  nextExpiry,
  salesStatus,
  seatCounts,
} from '../domain';
import type { EventState } from '../domain';
import type { Command, DomainEvent, EventDefinition, EventRestore, HoldSnapshot, SalesState, SeatsHeld } from '../domain/types';
import { SeatStatus } from '../domain/types';
import type { EventStore, NewOrder, StoredOrder } from '../store/event-store';

/** Ids the actor mints (hold and order ids must be unguessable: they are capabilities). */
export interface IdSource {
  holdId(): string;
  orderId(): string;
}

/** Hooks for metrics; all optional. */
export interface ActorObserver {
  command?(type: string, outcome: string): void;
  commitBatch?(size: number, ms: number): void;
  error?(error: unknown, context: string): void;
  /** Each applied domain event, after the actor's own effects (jobs: hold webhooks, sell-outs). */
  applied?(actor: EventActor, event: DomainEvent): void;
}

/** Everything an actor is built from. */
export interface ActorDeps {
  store: EventStore;
  clock: Clock;
  feed: EventFeed;
  ids: IdSource;
  nodeId: string;
  tickMs: number;
  commit: { maxBatch: number; maxInFlight: number; retryForMs: number };
  /** Where holds are replicated before they are acknowledged (cluster mode); none: memory only. */
  journal?: HoldJournal;
  /** Persists staff's pause/resume together with its announcement (jobs outbox); none: store.setSales. */
  sales?: { setSales(eventId: string, sales: SalesState): Promise<unknown> };
  observer?: ActorObserver;
}

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(code: Failure['code'], message: string, seats?: string[]): Outcome<T> => ({
  ok: false,
  error: seats ? { code, message, seats } : { code, message },
});
/** A refusal that fits any Outcome. */
type Refused = { ok: false; error: Failure };
const refused = (error: Failure): Refused => ({ ok: false, error });

/** Seconds of sales history kept for "last minute" figures. */
const MINUTE_BUCKETS = 60;

/** One event's in-memory owner: state, timers, diff stream and group commit. */
export class EventActor {
  readonly eventId: string;
  private readonly state: EventState;
  private readonly definition: EventDefinition;
  private readonly committer: GroupCommitter;
  /** Availability as of the last published diff: snapshots are served from here. */
  private readonly published: Uint8Array;
  private publishedAreas: Record<string, number>;
  private seq = 0;
  private readonly pendingChanges = new Map<number, number>();
  private areasDirty = false;
  private tickTimer: TimerHandle | null = null;
  /** When the last diff went out (epoch ms), for the one-diff-per-tick pacing. */
  private lastPublishAt = -Infinity;
  private expiryTimer: TimerHandle | null = null;
  private expiryAt = Infinity;
  /** user \0 key → the purchase that key started (shared by retries). */
  private readonly idempotency = new Map<string, { holdId: string; result: Promise<Outcome<OrderView>> }>();
  private revenue = 0;
  private readonly minuteOrders = new Int32Array(MINUTE_BUCKETS);
  private readonly minuteSeats = new Int32Array(MINUTE_BUCKETS);
  private readonly minuteStamp = new Float64Array(MINUTE_BUCKETS);
  private stopped: Failure | null = null;
  /** While set, client commands are refused with `moved` (handing off); purchases in flight finish. */
  private draining = false;
  /** The lease is only trusted until then (epoch ms); past it, client commands get `unavailable`. */
  private leaseUntil = Infinity;
  private readonly replicator: HoldReplicator | null;
  /** Last time a client command reached this actor (for passivation of idle actors). */
  lastActivity: number;

  constructor(
    restore: EventRestore,
    readonly epoch: number,
    private readonly deps: ActorDeps,
  ) {
    this.definition = restore.definition;
    this.eventId = restore.definition.id;
    this.state = createState(restore);
    for (const order of restore.orders) this.revenue += order.total;
    this.published = this.state.status.slice();
    this.publishedAreas = areaAvailability(this.state);
    this.committer = new GroupCommitter(
      {
        commitOrders: (orders) => deps.store.commitOrders(this.eventId, this.epoch, orders),
        committedAmong: async (ids) => {
          const found = await Promise.all(ids.map((id) => deps.store.getOrder(id)));
          return new Set(found.filter((o): o is StoredOrder => o !== null && o.status === 'confirmed').map((o) => o.orderId));
        },
      },
      {
        ...deps.commit,
        clock: deps.clock,
        onBatch: (size, ms) => deps.observer?.commitBatch?.(size, ms),
        onError: (error) => deps.observer?.error?.(error, 'commit'),
      },
    );
    this.replicator = deps.journal
      ? new HoldReplicator(deps.journal, this.eventId, epoch, (error) => deps.observer?.error?.(error, 'journal'))
      : null;
    this.lastActivity = deps.clock.now();
    this.armExpiry();
  }

  /** Trusts the ownership lease until `until` (epoch ms); set by the ownership manager on each renewal. */
  setLeaseUntil(until: number): void {
    this.leaseUntil = until;
  }

  /** The holds now live, for rewriting a lost journal. */
  liveHolds(): HoldSnapshot[] {
    const holds: HoldSnapshot[] = [];
    for (const holdId of this.state.holds.keys()) {
      const hold = getHold(this.state, holdId);
      if (hold) holds.push(hold);
    }
    return holds;
  }

  /** Writes every live hold to the journal again (after the journal was lost and claimed anew). */
  async rewriteJournal(): Promise<boolean> {
    if (!this.replicator) return true;
    return (await this.replicator.rewriteAll(this.liveHolds())) === 'ok';
  }

  /**
   * A refused journal write means a newer epoch claimed it, or the journal was lost (Redis restarted
   * empty). Claiming again with our epoch tells the two apart: it succeeds only in the second case,
   * and then every live hold is written back.
   */
  private async reclaimJournal(): Promise<ReplicationOutcome> {
    if (!this.deps.journal) return 'fenced';
    try {
      const claimed = await this.deps.journal.claim(this.eventId, this.epoch);
      if (!claimed.ok) return 'fenced';
      return await this.replicator!.rewriteAll(this.liveHolds());
    } catch (error) {
      this.deps.observer?.error?.(error, 'journal');
      return 'unavailable';
    }
  }

  /**
   * Hands the event off: refuses new client commands with `moved`, lets purchases in flight commit,
   * waits for hold replication, publishes the last diff, then stops.
   */
  async handOff(): Promise<void> {
    this.draining = true;
    while (this.committer.depth > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.replicator && (await this.replicator.barrier()) === 'fenced') await this.reclaimJournal();
    this.flushDiff();
    this.stop({ code: 'moved', message: 'this event moved to another node; retry' });
  }

  /** True once the actor stopped serving (fenced or handed off). */
  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** Live holds, pending purchases included (an actor with holds is never passivated). */
  get holdCount(): number {
    return this.state.holds.size;
  }

  /** Seat ids of seat indexes (for webhooks). */
  seatIds(indexes: readonly number[]): string[] {
    return indexes.map((i) => this.seatId(i));
  }

  /** Seats and GA places sold to confirmed orders, as this actor sees them (reconciliation). */
  soldCounts(): { seats: number; places: number } {
    let places = 0;
    for (const order of this.state.orders.values()) places += sum(order.areas);
    return { seats: seatCounts(this.state).sold, places };
  }

  /** True when everything that is not blocked is sold: no seat or place available, none held. */
  isSoldOut(): boolean {
    if (this.state.holds.size > 0 || seatCounts(this.state).available > 0) return false;
    const areas = areaAvailability(this.state);
    for (const id in areas) if (areas[id] > 0) return false;
    return true;
  }

  // ------------------------------------------------------------------ commands

  /** Why a client command cannot be taken now, or null. */
  private refusal(): Refused | null {
    if (this.stopped) return refused(this.stopped);
    if (this.draining) return refused({ code: 'moved', message: 'this event is moving to another node; retry' });
    const now = this.deps.clock.now();
    if (now > this.leaseUntil) {
      return refused({ code: 'unavailable', message: 'ownership of this event cannot be confirmed; retry shortly' });
    }
    this.lastActivity = now;
    return null;
  }

  /** Holds seats, the best seats or GA places, in a new hold or added to `holdId`. */
  hold(userId: string, request: HoldRequest, holdId?: string): Outcome<HeldView> | Promise<Outcome<HeldView>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    const newHoldId = this.deps.ids.holdId();
    const command: Command =
      request.kind === 'seats'
        ? { type: 'HoldSeats', userId, newHoldId, holdId, seats: request.seats }
        : request.kind === 'best'
          ? { type: 'HoldBest', userId, newHoldId, holdId, best: request.best }
          : { type: 'HoldArea', userId, newHoldId, holdId, areaId: request.areaId, count: request.count };
    let added: SeatsHeld | null = null;
    const rejection = this.run(command, (event) => {
      if (event.type === 'SeatsHeld') added = event;
    });
    if (rejection) return rejection;
    const id = holdId ?? newHoldId;
    if (!this.replicator) return ok(this.heldView(id));
    return this.afterReplication(() => ok(this.heldView(id)), () => {
      // Not replicated: take back exactly what this command added, so a refusal changed nothing.
      const event = added as SeatsHeld | null;
      if (!event) return;
      const seats = event.seats.map((i) => this.seatId(i));
      this.run({ type: 'ReleaseHold', userId, holdId: id, ...(event.created ? {} : { seats, areas: event.areas }) });
    });
  }

  /** Releases named seats and places of a hold, or all of it. */
  release(
    userId: string,
    holdId: string,
    seats?: string[],
    areas?: Record<string, number>,
  ): Outcome<ReleasedView> | Promise<Outcome<ReleasedView>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    let released: ReleasedView = { holdId, seats: [], areas: {} };
    const rejection = this.run({ type: 'ReleaseHold', userId, holdId, seats, areas }, (event) => {
      if (event.type === 'SeatsReleased') {
        released = { holdId, seats: event.seats.map((i) => this.seatId(i)), areas: event.areas };
      }
    });
    if (rejection) return rejection;
    return this.replicator ? this.afterReplication(() => ok(released)) : ok(released);
  }

  /** Extends a hold's expiry. */
  extend(userId: string, holdId: string): Outcome<HeldView> | Promise<Outcome<HeldView>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    const rejection = this.run({ type: 'ExtendHold', userId, holdId });
    if (rejection) return rejection;
    return this.replicator ? this.afterReplication(() => ok(this.heldView(holdId))) : ok(this.heldView(holdId));
  }

  /** Answers once this command's hold changes are in the journal; `undo` runs if they never get there. */
  private async afterReplication<T>(answer: () => Outcome<T>, undo?: () => void): Promise<Outcome<T>> {
    let outcome = await this.replicator!.barrier();
    if (outcome === 'fenced') outcome = await this.reclaimJournal();
    if (outcome === 'ok') return answer();
    if (outcome === 'fenced') {
      this.stop({ code: 'moved', message: 'this event moved to another node; retry' });
      return fail('moved', 'this event moved to another node; retry');
    }
    undo?.();
    return fail('unavailable', 'the hold could not be made safe against a node failure; nothing was changed');
  }

  /** Buys a hold; resolves only after the order is committed (or definitely is not). */
  buy(userId: string, holdId: string, idempotencyKey?: string): Promise<Outcome<OrderView>> {
    const refusal = this.refusal();
    if (refusal) return Promise.resolve(refusal);
    if (idempotencyKey === undefined) return this.purchase(userId, holdId, null);
    const key = `${userId}\0${idempotencyKey}`;
    const earlier = this.idempotency.get(key);
    if (earlier) {
      if (earlier.holdId !== holdId) {
        return Promise.resolve(fail('conflict', 'this idempotencyKey was used with another holdId'));
      }
      return earlier.result;
    }
    const result = this.purchase(userId, holdId, idempotencyKey).then((outcome) => {
      // Remembered only while it runs (a repeat joins it). Once answered, a repeat finds the order in
      // Postgres by its key (purchase: hold_not_found, then findOrderByIdempotencyKey), and a key used
      // with another hold is a conflict there too: nothing here grows with the number of orders.
      this.idempotency.delete(key);
      return outcome;
    });
    this.idempotency.set(key, { holdId, result });
    return result;
  }

  /** Staff: pause or resume sales. */
  async setSales(open: boolean): Promise<Outcome<{ open: boolean }>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    const sales: SalesState = open ? 'open' : 'paused';
    await (this.deps.sales ? this.deps.sales.setSales(this.eventId, sales) : this.deps.store.setSales(this.eventId, sales));
    return this.run({ type: 'SetSales', open }) ?? ok({ open });
  }

  /** Staff: block or unblock seats. Decided first so a refused request writes nothing. */
  async block(seats: string[], blocked: boolean): Promise<Outcome<{ seats: string[] }>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    // Decide without applying, persist, then apply: the store write is the slow part.
    const probe = this.run({ type: 'BlockSeats', seats, blocked }, undefined, true);
    if (probe) return probe;
    await this.deps.store.setBlocked(this.eventId, seats, blocked);
    let changed: string[] = [];
    const rejection = this.run({ type: 'BlockSeats', seats, blocked }, (event) => {
      if (event.type === 'SeatsBlocked') changed = event.seats.map((i) => this.seatId(i));
    });
    return rejection ?? ok({ seats: changed });
  }

  /** Staff: cancel a confirmed order; its seats come back on sale. */
  async cancelOrder(orderId: string): Promise<Outcome<{ orderId: string }>> {
    const refusal = this.refusal();
    if (refusal) return refusal;
    const probe = this.run({ type: 'CancelOrder', orderId }, undefined, true);
    if (probe) return probe;
    const result = await this.deps.store.cancelOrder(this.eventId, this.epoch, orderId);
    if (result === 'fenced') {
      this.stop({ code: 'moved', message: 'this event moved to another node; retry' });
      return fail('moved', 'this event moved to another node; retry');
    }
    if (result !== 'cancelled') return fail('not_found', `order ${orderId} is not a confirmed order of this event`);
    const total = this.state.orders.get(orderId)?.total ?? 0;
    const rejection = this.run({ type: 'CancelOrder', orderId });
    if (!rejection) this.revenue -= total;
    return rejection ?? ok({ orderId });
  }

  // ------------------------------------------------------------------ queries

  /** Availability as of the last published diff. */
  snapshot(): Outcome<SnapshotView> {
    if (this.stopped) return { ok: false, error: this.stopped };
    return ok({ epoch: this.epoch, seq: this.seq, status: this.published, areas: this.publishedAreas });
  }

  /** Figures for the staff `stats` push. */
  stats(): Outcome<StatsView> {
    const counts = seatCounts(this.state);
    const since = this.deps.clock.now() - MINUTE_BUCKETS * 1000;
    let ordersLastMinute = 0;
    let seatsSoldLastMinute = 0;
    for (let i = 0; i < MINUTE_BUCKETS; i++) {
      if (this.minuteStamp[i] > since) {
        ordersLastMinute += this.minuteOrders[i];
        seatsSoldLastMinute += this.minuteSeats[i];
      }
    }
    return ok({ ...counts, revenue: this.revenue, ordersLastMinute, seatsSoldLastMinute });
  }

  /** Status, counts, areas and owner for `GET /api/events/:id`. */
  liveInfo(): Outcome<LiveInfoView> {
    const available = areaAvailability(this.state);
    const areas: LiveInfoView['areas'] = {};
    for (const area of this.definition.areas) areas[area.id] = { capacity: area.capacity, available: available[area.id] };
    return ok({
      status: salesStatus(this.state, this.deps.clock.now()),
      counts: seatCounts(this.state),
      areas,
      owner: { nodeId: this.deps.nodeId, epoch: this.epoch },
    });
  }

  /** Stops serving: pending purchases and later commands fail with `failure` (moved, on handoff). */
  stop(failure: Failure): void {
    if (this.stopped) return;
    this.stopped = failure;
    this.tickTimer?.cancel();
    this.expiryTimer?.cancel();
    this.committer.close('fenced');
  }

  /**
   * Publishes an empty diff of this epoch, so viewers (and other nodes' replicas) holding an older
   * epoch learn at once that they must take a new snapshot (after a failover or hand-off).
   */
  announce(): void {
    this.seq += 1;
    this.deps.feed.diff(this.eventId, { epoch: this.epoch, seq: this.seq, changes: [] });
  }

  /** Publishes what is pending now (drain and tests), then stops the tick. */
  flushDiff(): void {
    this.tickTimer?.cancel();
    this.tickTimer = null;
    this.publishDiff();
  }

  /** Orders waiting for or inside a commit. */
  get commitDepth(): number {
    return this.committer.depth;
  }

  // ------------------------------------------------------------------ internals

  private async purchase(userId: string, holdId: string, idempotencyKey: string | null): Promise<Outcome<OrderView>> {
    const orderId = this.deps.ids.orderId();
    let order: NewOrder | null = null;
    const rejection = this.run({ type: 'StartPurchase', userId, holdId, orderId }, (event) => {
      if (event.type === 'PurchaseStarted') {
        order = {
          orderId,
          eventId: this.eventId,
          userId,
          holdId,
          seats: event.seats.map((i) => this.seatId(i)),
          areas: event.areas,
          total: event.total,
          idempotencyKey,
          createdAt: this.deps.clock.now(),
        };
      }
    });
    if (rejection) {
      // A retry of a purchase that completed before a restart finds no hold, but its order exists.
      if (idempotencyKey !== null && rejection.error.code === 'hold_not_found') {
        const stored = await this.deps.store.findOrderByIdempotencyKey(this.eventId, userId, idempotencyKey);
        if (stored && stored.status === 'confirmed') {
          return stored.holdId === holdId ? ok(orderView(stored)) : fail('conflict', 'this idempotencyKey was used with another holdId');
        }
      }
      return rejection;
    }
    const newOrder = order as NewOrder | null;
    if (!newOrder) return fail('internal', 'purchase did not start');
    const outcome = await this.committer.submit(newOrder);
    return this.finishPurchase(newOrder, outcome);
  }

  private async finishPurchase(order: NewOrder, outcome: CommitOutcome): Promise<Outcome<OrderView>> {
    if (outcome === 'committed') {
      this.run({ type: 'ConfirmPurchase', holdId: order.holdId });
      return ok({
        orderId: order.orderId,
        holdId: order.holdId,
        seats: order.seats,
        areas: order.areas,
        total: order.total,
        status: 'confirmed',
      });
    }
    if (!this.stopped) this.run({ type: 'FailPurchase', holdId: order.holdId });
    switch (outcome) {
      case 'fenced':
        this.stop({ code: 'moved', message: 'this event moved to another node; retry' });
        return {
          ok: false,
          error: { code: 'moved', message: 'this event moved to another node while the order was being stored; nothing was bought, retry', fenced: true },
        };
      case 'unavailable':
        return fail('unavailable', 'the order could not be stored in time; your hold is kept, nothing was bought');
      case 'seat_taken':
        this.deps.observer?.error?.(new Error(`seat already sold in the store: order ${order.orderId}`), 'commit');
        return fail('seat_unavailable', 'a seat of this hold is already sold', order.seats);
      case 'duplicate_key':
        return this.existingOrder(order);
      case 'internal':
        return fail('internal', 'the order could not be stored; nothing was bought');
    }
  }

  /** The idempotency key was used by an order from before this actor's activation. */
  private async existingOrder(order: NewOrder): Promise<Outcome<OrderView>> {
    const stored = order.idempotencyKey
      ? await this.deps.store.findOrderByIdempotencyKey(this.eventId, order.userId, order.idempotencyKey)
      : null;
    if (!stored || stored.holdId !== order.holdId || stored.status !== 'confirmed') {
      return fail('conflict', 'this idempotencyKey was used with another holdId');
    }
    return ok(orderView(stored));
  }

  /**
   * Decides and applies one command; returns the rejection, or undefined on success.
   * `onEvent` sees each applied event; `dryRun` decides without applying.
   */
  private run(command: Command, onEvent?: (event: DomainEvent) => void, dryRun = false): Refused | undefined {
    if (this.stopped) return refused(this.stopped);
    const now = this.deps.clock.now();
    const decision = dryRun ? decide(this.state, command, now) : handle(this.state, command, now);
    this.deps.observer?.command?.(command.type, decision.ok ? 'ok' : decision.rejection.code);
    if (!decision.ok) return refused(decision.rejection);
    if (dryRun) return undefined;
    for (const event of decision.events) {
      this.apply(event, now);
      onEvent?.(event);
      this.deps.observer?.applied?.(this, event);
    }
    this.armExpiry();
    return undefined;
  }

  /** The effects of one applied event: diff entries, pushes, figures. */
  private apply(event: DomainEvent, now: number): void {
    switch (event.type) {
      case 'SeatsHeld':
        this.mark(event.seats, SeatStatus.Held, event.areas);
        this.journal(event.holdId);
        break;
      case 'SeatsReleased':
        this.mark(event.seats, SeatStatus.Available, event.areas);
        this.journal(event.holdId);
        if (event.reason === 'expired') this.deps.feed.expired(event.userId, this.eventId, event.holdId);
        break;
      case 'HoldExtended':
        this.journal(event.holdId);
        break;
      case 'OrderConfirmed': {
        this.mark(event.seats, SeatStatus.Sold, event.areas);
        this.journal(event.holdId);
        this.revenue += event.total;
        const bucket = Math.floor(now / 1000) % MINUTE_BUCKETS;
        const second = Math.floor(now / 1000) * 1000;
        if (this.minuteStamp[bucket] !== second) {
          this.minuteStamp[bucket] = second;
          this.minuteOrders[bucket] = 0;
          this.minuteSeats[bucket] = 0;
        }
        this.minuteOrders[bucket] += 1;
        this.minuteSeats[bucket] += event.seats.length + sum(event.areas);
        break;
      }
      case 'OrderCancelled':
        this.mark(event.seats, SeatStatus.Available, event.areas);
        break;
      case 'SeatsBlocked':
        this.mark(event.seats, event.blocked ? SeatStatus.Blocked : SeatStatus.Available, {});
        break;
      case 'PurchaseStarted':
      case 'PurchaseFailed':
      case 'SalesChanged':
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled event ${(never as DomainEvent).type}`);
      }
    }
  }

  /** Records the hold's current state (or its end) for replication. */
  private journal(holdId: string): void {
    if (!this.replicator) return;
    const hold = getHold(this.state, holdId);
    if (hold) this.replicator.upsert(hold);
    else this.replicator.delete(holdId);
  }

  private mark(seats: number[], status: number, areas: Record<string, number>): void {
    for (const seat of seats) this.pendingChanges.set(seat, status);
    for (const _ in areas) {
      this.areasDirty = true;
      break;
    }
    if (this.tickTimer === null && (this.pendingChanges.size > 0 || this.areasDirty)) {
      // At most one diff per tick, but an isolated change goes out at once (after this I/O turn, so
      // the commands decided with it share the diff) instead of waiting a whole tick.
      const delay = Math.max(0, this.lastPublishAt + this.deps.tickMs - this.deps.clock.now());
      this.tickTimer = this.deps.clock.setTimer(delay, () => {
        this.tickTimer = null;
        this.publishDiff();
      });
    }
  }

  /** Emits the changes since the last diff as one diff with the next seq. */
  private publishDiff(): void {
    if (this.stopped || (this.pendingChanges.size === 0 && !this.areasDirty)) return;
    const changes: [number, number][] = [];
    for (const [seat, status] of this.pendingChanges) {
      // A seat that went held and back within one tick changed nothing for viewers.
      if (this.published[seat] !== status) {
        changes.push([seat, status]);
        this.published[seat] = status;
      }
    }
    this.pendingChanges.clear();
    let areas: Record<string, number> | undefined;
    if (this.areasDirty) {
      this.areasDirty = false;
      const now = areaAvailability(this.state);
      for (const id in now) {
        if (now[id] !== this.publishedAreas[id]) (areas ??= {})[id] = now[id];
      }
      this.publishedAreas = now;
    }
    if (changes.length === 0 && !areas) return;
    this.seq += 1;
    this.lastPublishAt = this.deps.clock.now();
    const diff: DiffPush = areas ? { epoch: this.epoch, seq: this.seq, changes, areas } : { epoch: this.epoch, seq: this.seq, changes };
    this.deps.feed.diff(this.eventId, diff);
  }

  /** Keeps exactly one timer armed for the earliest hold expiry. */
  private armExpiry(): void {
    const at = nextExpiry(this.state) ?? Infinity;
    if (at === this.expiryAt) return;
    this.expiryTimer?.cancel();
    this.expiryTimer = null;
    this.expiryAt = at;
    if (at === Infinity || this.stopped) return;
    this.expiryTimer = this.deps.clock.setTimer(at - this.deps.clock.now(), () => {
      this.expiryTimer = null;
      this.expiryAt = Infinity;
      this.run({ type: 'ExpireHolds' });
      this.armExpiry();
    });
  }

  private heldView(holdId: string): HeldView {
    const hold = getHold(this.state, holdId);
    if (!hold) return { holdId, seats: [], areas: {}, expiresAt: 0 };
    return { holdId, seats: holdSeatIds(this.state, hold), areas: hold.areas, expiresAt: hold.expiresAt };
  }

  private seatId(index: number): string {
    return this.definition.seats[index].id;
  }
}

function sum(record: Record<string, number>): number {
  let total = 0;
  for (const id in record) total += record[id];
  return total;
}

/** The `order` reply of a stored order. */
export function orderView(stored: StoredOrder): OrderView {
  return {
    orderId: stored.orderId,
    holdId: stored.holdId,
    seats: stored.seats,
    areas: stored.areas,
    total: stored.total,
    status: 'confirmed',
  };
}
