// Finds or activates the actor of an event. Activation first claims a new ownership epoch in Postgres
// (fencing any commit of a previous owner), then loads the event as it is after that claim, so no
// order committed by a predecessor can be missing from the new actor's state.
import type { RoomChange } from '../domain';
import type { HoldSnapshot } from '../domain/types';
import { UnknownEventError } from '../store/event-store';
import type { ActorDeps } from './event-actor';
import { EventActor } from './event-actor';
import { MissingEvents } from './missing-events';

/** What decides whether and how this node may activate an event (leases, replicated holds). */
export interface ActivationPolicy {
  /** Resolves true once this node may activate `eventId` (holds its lease); false: someone else may. */
  acquire(eventId: string): Promise<boolean>;
  /** Gives back what `acquire` took, when activation does not go ahead. */
  abandon(eventId: string): Promise<void>;
  /** After the epoch is claimed: the holds to restore, or null if a newer epoch exists (we are fenced). */
  restoreHolds(eventId: string, epoch: number): Promise<HoldSnapshot[] | null>;
  /** After the epoch is claimed: the waiting room's replicated changes, or null if a newer epoch exists. None: not replicated. */
  restoreQueue?(eventId: string, epoch: number): Promise<RoomChange[] | null>;
  /** The actor runs (e.g. give it its lease's trust, announce the new epoch). */
  activated?(actor: EventActor): void;
}

/** Single node: always ours, holds are not replicated. */
export const SOLE_OWNER: ActivationPolicy = {
  acquire: async () => true,
  abandon: async () => undefined,
  restoreHolds: async () => [],
};

/** Raised when activation is refused because another node owns (or is taking) the event. */
export class NotOwnerError extends Error {
  readonly code = 'moved';
  constructor(eventId: string) {
    super(`event ${eventId} is owned by another node`);
    this.name = 'NotOwnerError';
  }
}

/** The actors this process owns, activated on first use. */
export class ActorRegistry {
  private readonly active = new Map<string, EventActor>();
  private readonly activating = new Map<string, Promise<EventActor | null>>();
  private readonly missing = new MissingEvents();

  constructor(
    private readonly deps: ActorDeps,
    private readonly policy: ActivationPolicy = SOLE_OWNER,
  ) {}

  /** The running actor, without waiting (the hot path), or undefined. */
  peek(eventId: string): EventActor | undefined {
    return this.active.get(eventId);
  }

  /** The actor of `eventId`, activating it if needed; null when the event does not exist. */
  get(eventId: string): Promise<EventActor | null> {
    const running = this.active.get(eventId);
    if (running && !running.isStopped) return Promise.resolve(running);
    if (running) this.active.delete(eventId);
    let pending = this.activating.get(eventId);
    if (!pending) {
      pending = this.activate(eventId).finally(() => this.activating.delete(eventId));
      this.activating.set(eventId, pending);
    }
    return pending;
  }

  /** Every running actor. */
  all(): EventActor[] {
    return [...this.active.values()];
  }

  /**
   * Passivates an idle actor: it stops taking commands, lets purchases in flight commit, publishes its
   * last diff and stops (`handOff`); then it is forgotten and its activation given back (the lease, in
   * a cluster), so the next command reactivates it from the store. False if it was not running here.
   */
  async passivate(actor: EventActor): Promise<boolean> {
    if (this.active.get(actor.eventId) !== actor || actor.isStopped) return false;
    await actor.handOff();
    this.evict(actor);
    // A command that came meanwhile is already activating a successor, which needs the lease.
    if (!this.active.has(actor.eventId) && !this.activating.has(actor.eventId)) await this.policy.abandon(actor.eventId);
    return true;
  }

  /** Forgets an actor so the next command reactivates it from the store. */
  evict(actor: EventActor): void {
    if (this.active.get(actor.eventId) === actor) this.active.delete(actor.eventId);
  }

  private async activate(eventId: string): Promise<EventActor | null> {
    // An unknown id must cost no lease, no epoch claim and no memory that stays: read first.
    if (this.missing.has(eventId, this.deps.clock.now())) return null;
    if (!(await this.deps.store.eventExists(eventId))) {
      this.missing.add(eventId, this.deps.clock.now());
      return null;
    }
    if (!(await this.policy.acquire(eventId))) throw new NotOwnerError(eventId);
    try {
      let epoch: number;
      try {
        epoch = await this.deps.store.claimOwnership(eventId, this.deps.nodeId);
      } catch (error) {
        if (error instanceof UnknownEventError) {
          await this.policy.abandon(eventId);
          return null;
        }
        throw error;
      }
      const restore = await this.deps.store.loadEvent(eventId);
      if (!restore) {
        await this.policy.abandon(eventId);
        return null;
      }
      const journaled = await this.policy.restoreHolds(eventId, epoch);
      if (journaled === null) throw new NotOwnerError(eventId);
      const queueChanges = this.policy.restoreQueue ? await this.policy.restoreQueue(eventId, epoch) : [];
      if (queueChanges === null) throw new NotOwnerError(eventId);
      // An expired hold whose delete was lost with its owner must not take places before live ones.
      const now = this.deps.clock.now();
      const unexpired = journaled.filter((hold) => hold.expiresAt > now);
      // Nor may a bought hold whose delete was lost: the restore drops those of live orders itself,
      // but one whose order was cancelled since shows only in the store (no commit or cancel for the
      // event can happen between the epoch claim above and this read but ours).
      const bought = unexpired.length === 0 ? new Set<string>() : await this.deps.store.boughtHolds(eventId, unexpired.map((hold) => hold.holdId));
      const holds = unexpired.filter((hold) => !bought.has(hold.holdId));
      // Loading a large event can take a good part of the lease: take it again (a renewal) so the
      // actor starts with a full lease, not what is left of the one taken before loading.
      if (!(await this.policy.acquire(eventId))) throw new NotOwnerError(eventId);
      const actor = new EventActor({ ...restore, holds, queueChanges }, epoch, this.deps);
      this.active.set(eventId, actor);
      this.policy.activated?.(actor);
      return actor;
    } catch (error) {
      await this.policy.abandon(eventId).catch(() => undefined);
      throw error;
    }
  }
}
