// The single writer of one event's seats. Every command is decided and applied synchronously by the
// pure core (`handle`), so no two commands ever interleave: the event loop is the mailbox, and the
// only asynchronous step (a purchase's commit) comes back as a command of its own (Confirm/Fail).
import type { ActorDeps } from './actor-deps';
import type { ActorHost } from './actor-host';
export type { ActorDeps, ActorObserver, IdSource } from './actor-deps';
import { sleepOn, type TimerHandle } from './clock';
import { DiffStream } from './diff-stream';
import { HoldFlow } from './hold-flow';
import { fail, ok, refused, type Refused } from './outcomes';
import { PurchaseFlow } from './purchase-flow';
import { actorQueueFlow, type QueueFlow, type JoinView, type QueueInfoView } from './queue-flow';
import { SalesFigures, sumPlaces } from './sales-figures';
import { eventInfo } from './event-info';
import { StaffCommands } from './staff-commands';
import type { Failure, HeldView, HoldInfo, HoldRequest, LiveInfoView, OrderView, Outcome } from './event-service';
import type { ReleasedView, SnapshotView, StaffHoldRequest, StatsView } from './event-service';
import { areaAvailability, createState, decide, handle, nextExpiry, salesStatus, seatCounts } from '../domain';
import type { EventPatch, EventState, TierChoice } from '../domain';
import { SeatStatus, type EventHeader } from '../domain/types';
import { type Command, type DomainEvent } from '../domain/commands';
import type { EventRestore } from '../domain/event-restore';

/** One event's in-memory owner: state, timers, diff stream and group commit. */
export class EventActor {
  readonly eventId: string;
  private readonly state: EventState;
  private readonly definition: EventHeader;
  private readonly purchases: PurchaseFlow;
  private readonly diffs: DiffStream;
  private readonly figures: SalesFigures;
  private expiryTimer: TimerHandle | null = null;
  private expiryAt = Infinity;
  private stopped: Failure | null = null;
  /** While set, client commands are refused with `moved` (handing off); purchases in flight finish. */
  private draining = false;
  /** The lease is only trusted until then (epoch ms); past it, client commands get `unavailable`. */
  private leaseUntil = Infinity;
  private readonly holdFlow: HoldFlow;
  private readonly staff: StaffCommands;
  /** The waiting room (off unless the definition turns it on). */
  private readonly queue: QueueFlow;
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
    this.figures = new SalesFigures(restore.orders, deps.clock.now());
    this.diffs = new DiffStream(this.state.status, areaAvailability(this.state), {
      eventId: this.eventId,
      epoch,
      feed: deps.feed,
      clock: deps.clock,
      tickMs: deps.tickMs,
      areas: () => areaAvailability(this.state),
    });
    const host: ActorHost = {
      run: (command, onEvent, dryRun) => this.run(command, onEvent, dryRun),
      isStopped: () => this.stopped !== null,
      stop: (failure) => this.stop(failure),
      seatIds: (indexes) => this.seatIds(indexes),
    };
    const { store, clock, observer } = deps;
    const ids = { eventId: this.eventId, epoch };
    this.purchases = new PurchaseFlow(
      {
        ...ids,
        store,
        clock,
        orderId: () => deps.ids.orderId(),
        commit: deps.commit,
        onBatch: (size, ms) => observer?.commitBatch?.(size, ms),
        onError: (error) => observer?.error?.(error, 'commit'),
        onFenced: (size) => observer?.epochRefused?.(size),
      },
      host,
    );
    const journal = { journal: deps.journal, onError: (error: unknown) => observer?.error?.(error, 'journal') };
    this.holdFlow = new HoldFlow({ ...ids, state: this.state, holdId: () => deps.ids.holdId(), now: () => deps.clock.now(), clock: deps.clock, ...journal }, host);
    const announceEvent = (definition: EventHeader): void => this.diffs.announce(eventInfo(definition, this.liveStatus()));
    const staffDeps = { ...ids, store, sales: deps.sales, state: this.state, figures: this.figures, holdId: () => deps.ids.holdId(), announceEvent };
    this.staff = new StaffCommands(staffDeps, host);
    this.queue = actorQueueFlow(restore, this.state, epoch, deps, () => this.stop({ code: 'moved', message: 'this event moved to another node; retry' }));
    this.lastActivity = deps.clock.now();
    this.armExpiry();
  }

  /** Trusts the ownership lease until `until` (epoch ms); set by the ownership manager on each renewal. */
  setLeaseUntil(until: number): void {
    this.leaseUntil = until;
  }

  /** Writes every live hold to the journal again and saves the waiting room whole (after Redis lost the journals). */
  async rewriteJournal(): Promise<boolean> {
    return (await this.holdFlow.rewriteJournal()) && (await this.queue.reclaimJournal());
  }

  /**
   * Hands the event off: refuses new client commands with `moved`, lets purchases in flight commit,
   * waits for hold replication, publishes the last diff, then stops.
   */
  async handOff(): Promise<void> {
    this.draining = true;
    while (this.purchases.depth > 0) await sleepOn(this.deps.clock, 5);
    await this.holdFlow.settle();
    await this.queue.flush();
    this.flushDiff();
    this.stop({ code: 'moved', message: 'this event moved to another node; retry' });
  }

  /** True once the actor stopped serving (fenced or handed off). */
  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** Live customers' holds, pending purchases included (an actor with holds is never passivated; staff holds are stored). */
  get holdCount(): number {
    return this.state.holds.size - this.state.staffHolds;
  }

  /** Seat ids of seat indexes (for webhooks). */
  seatIds(indexes: readonly number[]): string[] {
    return indexes.map((i) => this.seatId(i));
  }

  /** Seats and GA places sold to confirmed orders, as this actor sees them (reconciliation). */
  soldCounts(): { seats: number; places: number } {
    let places = 0;
    for (const order of this.state.orders.values()) places += sumPlaces(order.areas);
    return { seats: seatCounts(this.state).sold, places };
  }

  /** True when everything that is not blocked or staff-held is sold: no seat or place available, none held by customers. */
  isSoldOut(): boolean {
    if (this.holdCount > 0 || seatCounts(this.state).available > 0) return false;
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
    if (!this.queue.mayHold(userId)) return fail('queue_required', 'this sale has a waiting room: join it first');
    return this.holdFlow.hold(userId, request, holdId);
  }

  /** Releases named seats and places of a hold, or all of it. */
  release(userId: string, holdId: string, seats?: string[], areas?: Record<string, number>): Outcome<ReleasedView> | Promise<Outcome<ReleasedView>> {
    return this.refusal() ?? this.holdFlow.release(userId, holdId, seats, areas);
  }

  /** Extends a hold's expiry. */
  extend(userId: string, holdId: string): Outcome<HeldView> | Promise<Outcome<HeldView>> {
    return this.refusal() ?? this.holdFlow.extend(userId, holdId);
  }

  /** The user's live holds. */
  holds(userId: string): Outcome<HeldView[]> {
    return this.refusal() ?? ok(this.holdFlow.holds(userId));
  }

  /** Buys a hold; resolves only after the order is committed (or definitely is not). */
  buy(userId: string, holdId: string, idempotencyKey?: string, tiers?: TierChoice): Promise<Outcome<OrderView>> {
    const refusal = this.refusal();
    return refusal ? Promise.resolve(refusal) : this.purchases.buy(userId, holdId, idempotencyKey, tiers);
  }

  /** Takes or finds the user's place in the waiting room (or admits at once). */
  join(userId: string): Outcome<JoinView> | Promise<Outcome<JoinView>> {
    return this.refusal() ?? this.queue.join(userId);
  }

  /** Gives the user's place or admission up. */
  leave(userId: string): Outcome<Record<string, never>> | Promise<Outcome<Record<string, never>>> {
    return this.refusal() ?? this.queue.leave(userId);
  }

  /** Staff: the waiting room's figures. */
  queueInfo(): Outcome<QueueInfoView> {
    return this.stopped ? refused(this.stopped) : ok(this.queue.info());
  }

  /** Staff: pause or resume sales. */
  async setSales(open: boolean): Promise<Outcome<{ open: boolean }>> {
    return this.refusal() ?? this.staff.setSales(open);
  }

  /** Staff: block or unblock seats. Decided first so a refused request writes nothing. */
  async block(seats: string[], blocked: boolean): Promise<Outcome<{ seats: string[] }>> {
    return this.refusal() ?? this.staff.block(seats, blocked);
  }

  /** Staff: cancel a confirmed order; its seats come back on sale. */
  async cancelOrder(orderId: string): Promise<Outcome<{ orderId: string }>> {
    return this.refusal() ?? this.staff.cancelOrder(orderId);
  }

  /** Admin: edits the event; viewers are told through a diff carrying the new public fields. */
  async updateEvent(patch: EventPatch): Promise<Outcome<EventHeader>> {
    return this.refusal() ?? this.staff.update(patch);
  }

  /** Staff: releases anybody's hold; its owner is pushed `expired`. */
  async forceRelease(holdId: string): Promise<Outcome<ReleasedView & { userId: string }>> {
    return this.refusal() ?? this.holdFlow.forceRelease(holdId);
  }

  /** Staff: holds seats and places for the house (comps, house seats) until released. */
  async placeStaffHold(userId: string, request: StaffHoldRequest): Promise<Outcome<HoldInfo>> {
    return this.refusal() ?? this.staff.placeHold(userId, request);
  }

  /** Staff: releases a staff hold; its seats and places go back on sale. */
  async releaseStaffHold(holdId: string): Promise<Outcome<ReleasedView & { userId: string }>> {
    return this.refusal() ?? this.staff.releaseHold(holdId);
  }

  // ------------------------------------------------------------------ queries

  /** Staff: every live hold. */
  staffHolds(): Outcome<{ holds: HoldInfo[] }> {
    return this.stopped ? refused(this.stopped) : ok({ holds: this.holdFlow.list() });
  }

  /** The definition as edited so far (the layout never changes). */
  currentDefinition(): EventHeader {
    return this.state.layout.definition;
  }

  private liveStatus(): LiveInfoView['status'] {
    return salesStatus(this.state, this.deps.clock.now());
  }

  /** Availability as of the last published diff. */
  snapshot(): Outcome<SnapshotView> {
    return this.stopped ? refused(this.stopped) : ok(this.diffs.snapshot());
  }

  /** Figures for the staff `stats` push. */
  stats(): Outcome<StatsView> {
    const queue = this.queue.statsFigures();
    const stats = this.figures.stats(seatCounts(this.state), this.deps.clock.now());
    return ok(queue ? { ...stats, queue } : stats);
  }

  /** Status, counts, areas and owner for `GET /api/events/:id`. */
  liveInfo(): Outcome<LiveInfoView> {
    const available = areaAvailability(this.state);
    const areas: LiveInfoView['areas'] = {};
    for (const area of this.definition.areas) areas[area.id] = { capacity: area.capacity, available: available[area.id] };
    return ok({
      status: this.liveStatus(),
      counts: seatCounts(this.state),
      areas,
      owner: { nodeId: this.deps.nodeId, epoch: this.epoch },
    });
  }

  /** Stops serving: pending purchases and later commands fail with `failure` (moved, on handoff). */
  stop(failure: Failure): void {
    if (this.stopped) return;
    this.stopped = failure;
    this.diffs.close();
    this.expiryTimer?.cancel();
    this.queue.close();
    this.purchases.close('fenced');
  }

  /** An empty diff of this epoch: viewers and replicas on an older epoch take a new snapshot (failover, hand-off). */
  announce(): void {
    this.diffs.announce();
  }

  /** Publishes what is pending now (drain and tests), then stops the tick. */
  flushDiff(): void {
    this.diffs.flush();
  }

  /** Orders waiting for or inside a commit. */
  get commitDepth(): number {
    return this.purchases.depth;
  }

  // ------------------------------------------------------------------ internals

  /** Decides and applies one command (`dryRun`: decides only); the rejection, or undefined. `onEvent` sees each event. */
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
    // Seats changed hands: the waiting room admits (or closes) against the new inventory at once.
    if (decision.events.length > 0) this.queue.step();
    this.armExpiry();
    return undefined;
  }

  /** The effects of one applied event: diff entries, pushes, figures. */
  private apply(event: DomainEvent, now: number): void {
    switch (event.type) {
      case 'SeatsHeld':
        this.diffs.mark(event.seats, SeatStatus.Held, event.areas);
        this.holdFlow.record(event.holdId);
        break;
      case 'SeatsReleased':
        this.diffs.mark(event.seats, SeatStatus.Available, event.areas);
        this.holdFlow.record(event.holdId);
        // A hold staff released ends for its owner as if it had expired (docs/protocol.md, staff routes).
        if (event.reason !== 'released') this.deps.feed.expired(event.userId, this.eventId, event.holdId);
        break;
      case 'HoldExtended':
        this.holdFlow.record(event.holdId);
        break;
      case 'OrderConfirmed': {
        this.diffs.mark(event.seats, SeatStatus.Sold, event.areas);
        this.holdFlow.record(event.holdId);
        this.figures.confirmed(now, event.total, event.seats.length + sumPlaces(event.areas));
        this.queue.orderConfirmed(event.userId, event.seats.length + sumPlaces(event.areas));
        break;
      }
      case 'OrderCancelled':
        this.diffs.mark(event.seats, SeatStatus.Available, event.areas);
        break;
      case 'SeatsBlocked':
        this.diffs.mark(event.seats, event.blocked ? SeatStatus.Blocked : SeatStatus.Available, {});
        break;
      case 'StaffHoldPlaced': // viewers see a staff hold as held; it is stored, not journalled
      case 'StaffHoldReleased':
        this.diffs.mark(event.seats, event.type === 'StaffHoldPlaced' ? SeatStatus.Held : SeatStatus.Available, event.areas);
        break;
      case 'PurchaseStarted':
      case 'PurchaseFailed':
      case 'SalesChanged':
        break;
      case 'EventUpdated':
        this.queue.edited(event.definition); // the live room takes its new settings, keeping its places
        break;
      default: {
        const never: never = event;
        throw new Error(`unhandled event ${(never as DomainEvent).type}`);
      }
    }
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

  private seatId(index: number): string {
    return this.state.layout.seatId(index);
  }
}

