// The waiting room of one event inside its actor: the actor owns it, so admission is decided by the
// single writer from the live inventory. A step runs after every change of the seats (a freed seat
// admits the next user at once) and on a one-second tick that also pushes the positions that moved,
// so 100,000 waiting users cost one pass over the line a second. In a cluster every change of the room
// is in the room journal before the join that made it is answered and before anyone is told of it, so a
// successor replays them on the last save and no answered place is lost. Docs: docs/protocol.md,
// "Waiting room"; docs/architecture.md, "Where state lives".
import type { QueuePush, QueueWebhookData } from '../../protocol';
import { randomBytes } from 'node:crypto';
import { areaAvailability, queueSettingsOf, salesStatus, seatCounts, seededRandom, WaitingRoom } from '../domain';
import type { EventRestore } from '../domain/event-restore';
import type { ActorDeps } from './actor-deps';
import type { EventState, QueuePlace, QueueSettings, QueueStep, QueueSupply, RandomSource, RoomChange, RoomSnapshot } from '../domain';
import { deferOn } from './clock';
import type { Clock, TimerHandle } from './clock';
import type { Outcome } from './event-service';
import type { ReplicationOutcome } from './hold-replicator';
import type { QueueJournal } from './queue-journal';
import { QueueReplicator } from './queue-replicator';
import { fail, ok } from './outcomes';

/** Positions are pushed at most this often per user (the contract's "at most one a second"). */
const TICK_MS = 1_000;
/**
 * Position pushes sent in one turn of the event loop: the tick's pushes to a long line go out in slices,
 * so a freed seat's admission, or a hold, waits for one slice (~10 ms), not for the whole line (19,000
 * pushes are ~0.3 s of CPU).
 */
const PUSH_SLICE = 500;

export type { JoinView, QueueInfoView } from './queue-views';
import type { JoinView, QueueInfoView } from './queue-views';

/** Everything a queue flow is built from. */
export interface QueueFlowDeps {
  eventId: string;
  settings: QueueSettings;
  state: EventState;
  clock: Clock;
  random: RandomSource;
  /** Sends a waiting-room push to every connection of the user. */
  push(userId: string, message: QueuePush): void;
  /** Where the room's places are kept across restarts and owners, and what it was when last saved. */
  persistence?: QueuePersistence;
  /** Told when the room opens or closes (webhooks). */
  changed?(change: QueueWebhookData): void;
  /** Where the room's changes are replicated before they are answered (cluster mode); none: not replicated. */
  replication?: QueueReplication;
  /** How often the room is saved whole (ms; default: every tick, a second). */
  saveEveryMs?: number;
}

/** The store side of a room: its last saved state and how to save it whole. */
export interface QueuePersistence {
  saved?: RoomSnapshot;
  /** 'fenced': a newer owner claimed the event, nothing was saved. */
  save(room: RoomSnapshot): Promise<'ok' | 'fenced'>;
  onError(error: unknown): void;
}

/** The journal side of a room: where its changes go, and those a predecessor left there. */
export interface QueueReplication {
  journal: QueueJournal;
  epoch: number;
  /** Changes read from the journal at activation, replayed on the last save. */
  restored: RoomChange[];
  onError(error: unknown): void;
  /** A newer owner claimed the room journal: the actor stops. */
  onFenced(): void;
}

/**
 * The waiting room of an actor's event from its definition's `queue` settings, with a lottery seeded at
 * random: restored from the last save and the room journal, saved to the store, replicated to the
 * journal when the actor has one. `stop` is called when a newer owner fenced the journal.
 */
export function actorQueueFlow(restore: EventRestore, state: EventState, epoch: number, deps: ActorDeps, stop: () => void): QueueFlow {
  const { id: eventId, queue } = restore.definition;
  const { store, observer, queueJournal } = deps;
  const onError = (context: string) => (error: unknown) => observer?.error?.(error, context);
  const random = seededRandom(randomBytes(4).readUInt32LE(0));
  return new QueueFlow({
    eventId,
    settings: queueSettingsOf(queue),
    state,
    clock: deps.clock,
    random,
    push: (userId, message) => deps.feed.queue?.(userId, message),
    persistence: { saved: restore.queue, save: (room) => store.writeQueue(eventId, epoch, room), onError: onError('queue') },
    changed: (change) => observer?.queueChanged?.(eventId, change),
    replication: queueJournal && { journal: queueJournal, epoch, restored: restore.queueChanges ?? [], onError: onError('queue journal'), onFenced: stop },
    saveEveryMs: deps.queueSaveMs,
  });
}

/** One event's waiting room, driven by the actor. */
export class QueueFlow {
  private readonly room: WaitingRoom;
  private timer: TimerHandle | null = null;
  private closed = false;
  private admittedTotal = 0;
  /** Changed since last saved; the save in flight. */
  private dirty = false;
  private saving: Promise<void> | null = null;
  /** Not before then is the room saved whole again (epoch ms). */
  private nextSaveAt: number;
  private readonly replicator: QueueReplicator | null = null;

  constructor(private readonly deps: QueueFlowDeps) {
    const saved = deps.persistence?.saved;
    this.nextSaveAt = deps.clock.now() + (deps.saveEveryMs ?? TICK_MS);
    // Places, admissions and the demand estimate as last saved; positions are pushed afresh.
    this.room = saved ? WaitingRoom.restore(deps.settings, deps.random, saved) : new WaitingRoom(deps.settings, deps.random, deps.clock.now());
    const replication = deps.replication;
    if (replication) {
      // What the predecessor answered after its last save: replayed in order on top of it.
      if (this.room.replay(replication.restored) > 0) this.dirty = true;
      const { journal, epoch, onError } = replication;
      this.replicator = new QueueReplicator({ journal, eventId: deps.eventId, epoch, clock: deps.clock, onError, saveRoom: () => this.saveNow() });
      const replicator = this.replicator;
      this.room.record((change) => replicator.add(change));
    }
    if (!saved) {
      // Every confirmed order is in the state: the estimate starts from all of them (replayed ones too).
      let orders = 0;
      let units = 0;
      for (const order of deps.state.orders.values()) {
        orders += 1;
        units += order.seats.length;
        for (const id in order.areas) units += order.areas[id];
      }
      this.room.seedDemand(orders, units);
    }
    this.arm();
  }

  /** Whether the user may hold now (the room is off, or the user is admitted). */
  mayHold(userId: string): boolean {
    return this.room.mayHold(userId, this.deps.clock.now());
  }

  /**
   * Takes or finds the user's place; admits at once when there is room. In a cluster the answer waits
   * until the place (and any admission) is in the room journal: what is answered survives the owner.
   */
  join(userId: string): Outcome<JoinView> | Promise<Outcome<JoinView>> {
    if (!this.room.on) return fail('conflict', 'this event has no waiting room: hold seats directly');
    const first = this.room.join(userId, this.deps.clock.now());
    this.dirty = true;
    if (first.kind === 'closed') return fail('sales_closed', 'sales for this event are closed');
    if (first.kind !== 'admitted') this.step();
    // The place as it is when answered (others may have been admitted while the journal wrote).
    const answer = (): Outcome<JoinView> => {
      const now = this.deps.clock.now();
      const expiresAt = this.room.admissionOf(userId, now);
      if (expiresAt !== null) return ok({ kind: 'admitted', expiresAt });
      if (first.kind === 'admitted') return ok(first);
      const { userId: _user, ...place } = this.room.placeOf(userId, now) ?? first.place;
      if (first.waitlist) this.deps.push(userId, { type: 'queue_closed', eventId: this.deps.eventId, reason: 'sold_out' });
      return ok({ kind: 'queued', ...place });
    };
    return this.replicator ? this.afterReplication(answer, 'your place') : answer();
  }

  /** Gives the place or the admission up (in a cluster, answered once that is in the room journal). */
  leave(userId: string): Outcome<Record<string, never>> | Promise<Outcome<Record<string, never>>> {
    if (this.room.leave(userId)) this.dirty = true;
    this.step();
    const answer = (): Outcome<Record<string, never>> => ok({});
    return this.replicator ? this.afterReplication(answer, 'leaving') : answer();
  }

  /** A confirmed order ends the buyer's admission and teaches the demand estimate. */
  orderConfirmed(userId: string, units: number): void {
    this.room.recordOrder(userId, units);
    this.dirty = true;
  }

  /** The event was edited: its `queue` settings apply now when they changed. */
  edited(definition: { queue?: Parameters<typeof queueSettingsOf>[0] }): void {
    const next = queueSettingsOf(definition.queue);
    const now = this.room.config;
    const same = (Object.keys(next) as (keyof QueueSettings)[]).every((k) => next[k] === now[k]) && Object.keys(now).length === Object.keys(next).length;
    if (!same) this.reconfigure(next);
  }

  /** New settings (staff): the places are kept. */
  reconfigure(settings: QueueSettings): void {
    this.room.reconfigure(settings);
    this.dirty = true;
    this.step();
    this.arm();
  }

  /** Figures for staff. */
  info(): QueueInfoView {
    const now = this.deps.clock.now();
    const { config } = this.room;
    return {
      mode: config.mode,
      status: this.room.state,
      waiting: this.room.waitingCount,
      admitted: this.admittedTotal,
      active: this.room.activeCount,
      admittedLastMinute: this.room.admittedLastMinute(now),
      openAt: config.openAt === undefined ? null : new Date(config.openAt).toISOString(),
      lastInLineEtaSeconds: this.room.lastInLineEta(now),
      maxActive: config.maxActive ?? null,
      admitPerMinute: config.admitPerMinute ?? null,
    };
  }

  /** `stats.queue`, or undefined when the room is off and empty. */
  statsFigures(): { waiting: number; active: number } | undefined {
    if (!this.room.on && this.room.waitingCount === 0) return undefined;
    return { waiting: this.room.waitingCount, active: this.room.activeCount };
  }

  /** Runs a step against the live inventory and sends what it decided. */
  step(): void {
    if (!this.room.on && this.room.waitingCount === 0 && this.room.activeCount === 0) return;
    const now = this.deps.clock.now();
    this.send(this.room.step(now, this.supply(now)));
  }

  /** Saves what changed since the last save (hand-off, shutdown); resolves when it is stored or failed. */
  async flush(): Promise<void> {
    await this.replicator?.barrier();
    while (this.saving) await this.saving;
    this.persist();
    while (this.saving) await this.saving;
  }

  /**
   * Claims the room journal again after it was found lost (the lease store restarted) and saves the
   * room whole in place of what it held; false when that could not be done (or a newer owner exists).
   */
  async reclaimJournal(): Promise<boolean> {
    if (!this.replicator) return true;
    try {
      return (await this.replicator.reclaim()) === 'ok';
    } catch (error) {
      this.deps.replication?.onError(error);
      return false;
    }
  }

  /** Stops the tick (the actor stopped). */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private send(step: QueueStep): void {
    if (step.admitted.length + step.ended.length > 0 || step.closed || step.drawn || step.reopened) this.dirty = true;
    if (step.admitted.length === 0 && !step.closed && !step.drawn && !step.reopened) return;
    // Nobody is told of an admission (or a close) a successor could not know of.
    this.whenReplicated(() => this.announce(step));
  }

  private announce(step: QueueStep): void {
    const { eventId } = this.deps;
    for (const a of step.admitted) {
      this.admittedTotal += 1;
      this.deps.push(a.userId, { type: 'admitted', eventId, expiresAt: a.expiresAt });
    }
    const changed = (reason: QueueWebhookData['reason'], waiting: number): void => this.deps.changed?.({ eventId, reason, waiting });
    if (step.drawn) changed('open_at', this.room.waitingCount + step.admitted.length);
    if (step.reopened) changed('seats_back', this.room.waitingCount + step.admitted.length);
    if (step.closed) {
      changed(step.closed.reason, step.closed.users.length);
      const message: QueuePush = { type: 'queue_closed', eventId, reason: step.closed.reason };
      for (const userId of step.closed.users) this.deps.push(userId, message);
    }
  }

  /** Saves the room whole when it changed and no save is in flight (so at most one a tick). */
  private persist(): void {
    const persistence = this.deps.persistence;
    if (!persistence || !this.dirty || this.saving) return;
    this.dirty = false;
    const room = this.room.snapshot();
    this.saving = Promise.resolve()
      .then(() => persistence.save(room))
      .then(
        // The journal may drop what a committed save contains.
        (saved) => (saved === 'ok' ? this.replicator?.saved(room.seq ?? 0) : undefined),
        (error: unknown) => {
          this.dirty = true;
          persistence.onError(error);
        },
      )
      .finally(() => {
        this.saving = null;
      });
  }

  /** Saves the room whole now: the number of the last change the save contains, or null if it failed. */
  private async saveNow(): Promise<number | null> {
    const persistence = this.deps.persistence;
    if (!persistence) return null;
    while (this.saving) await this.saving;
    const room = this.room.snapshot();
    try {
      return (await persistence.save(room)) === 'ok' ? (room.seq ?? 0) : null;
    } catch (error) {
      persistence.onError(error);
      return null;
    }
  }

  /** Runs `tell` once every change made so far is in the room journal (at once without one). */
  private whenReplicated(tell: () => void): void {
    if (!this.replicator) return tell();
    void this.replicator.barrier().then((outcome) => (outcome === 'fenced' ? this.deps.replication?.onFenced() : tell()));
  }

  /** Answers once this command's changes are in the room journal. */
  private async afterReplication<T>(answer: () => Outcome<T>, what: string): Promise<Outcome<T>> {
    const outcome: ReplicationOutcome = await this.replicator!.barrier();
    if (outcome === 'ok') return answer();
    if (outcome === 'fenced') {
      this.deps.replication?.onFenced();
      return fail('moved', 'this event moved to another node; retry');
    }
    // Kept in memory and written with the next batch: joining again finds the place and confirms it.
    return fail('unavailable', `${what} could not be made safe against a node failure yet; retry`);
  }

  private supply(now: number): QueueSupply {
    const { state } = this.deps;
    let available = seatCounts(state).available;
    const areas = areaAvailability(state);
    for (const id in areas) available += areas[id];
    const closeAt = state.layout.salesCloseAt;
    return {
      available,
      salesOpen: salesStatus(state, now) === 'on_sale',
      salesEnded: closeAt !== undefined && now > closeAt,
      // A lookup per admitted shopper, kept by the state as holds come and go: no walk over all holds.
      holding: (userId) => state.holdsPerUser.has(userId),
    };
  }

  /**
   * Pushes `places` from `from` on, a slice per turn. The first slice is as computed; later ones are
   * looked up again, so nobody admitted or gone since is told a place, and positions are current.
   */
  private pushPlaces(places: readonly QueuePlace[], from: number): void {
    if (this.closed) return;
    const { eventId } = this.deps;
    const end = Math.min(places.length, from + PUSH_SLICE);
    const now = this.deps.clock.now();
    for (let i = from; i < end; i++) {
      const place = from === 0 ? places[i] : this.room.placeOf(places[i].userId, now);
      if (place === null) continue;
      const { userId, ...rest } = place;
      this.deps.push(userId, { type: 'queue', eventId, ...rest });
    }
    if (end < places.length) deferOn(this.deps.clock, () => this.pushPlaces(places, end));
  }

  /** The one-second tick: a step (expiries, openAt, pacing), then the positions that moved. */
  private arm(): void {
    if (this.timer || !this.room.on) return;
    this.timer = this.deps.clock.setTimer(TICK_MS, () => {
      this.timer = null;
      this.step();
      const places = this.room.positionUpdates(this.deps.clock.now());
      if (places.length > 0) this.whenReplicated(() => this.pushPlaces(places, 0));
      const now = this.deps.clock.now();
      if (now >= this.nextSaveAt) {
        this.nextSaveAt = now + (this.deps.saveEveryMs ?? TICK_MS);
        this.persist();
      }
      this.arm();
    });
  }
}
