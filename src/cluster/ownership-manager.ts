// Decides which node serves which event and keeps that true over time: the ring names each event's
// preferred owner; the owner holds a lease it renews in batches and stops trusting before it can
// expire (self-fencing); when the ring moves an event elsewhere, the owner hands it off.
import type { Logger } from 'pino';
import type { ActivationPolicy, ActorRegistry } from '../actor/actor-registry';
import { sleepOn, type Clock, type TimerHandle } from '../actor/clock';
import type { EventActor } from '../actor/event-actor';
import type { RoomChange } from '../domain';
import type { HoldSnapshot } from '../domain/types';
import type { EventStore } from '../store/event-store';
import { HashRing } from './hash-ring';
import type { HoldJournal } from '../actor/hold-journal';
import type { QueueJournal } from '../actor/queue-journal';
import type { LeaseStore } from './lease-store';
import type { Member, Membership } from './membership';

/** Timing of leases. */
export interface LeaseTiming {
  /** How long a lease lives in the lease store without renewal. */
  ttlMs: number;
  /** How often leases are renewed (a third of the TTL survives two lost renewals). */
  renewEveryMs: number;
  /**
   * How much sooner than the TTL this node stops trusting a lease: the TTL is counted from when the
   * renewal was sent (before the store saw it), minus this margin for timer lateness and clock rate.
   */
  safetyMs: number;
  /** How long activation waits for a lease another node still holds (it hands off, or its lease expires). */
  acquireWaitMs: number;
}

/** Defaults: a dead owner's events are served again within ~3 s plus activation (the target: ≤ 5 s). */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 3000, renewEveryMs: 1000, safetyMs: 500, acquireWaitMs: 5000 };

/** Poll interval while waiting for a lease held elsewhere. */
const ACQUIRE_POLL_MS = 50;

/** What the manager is built from. */
export interface OwnershipDeps {
  self: Member;
  membership: Membership;
  leases: LeaseStore;
  journal: HoldJournal | null;
  /** Where waiting rooms are replicated; null: not replicated. */
  queueJournal?: QueueJournal | null;
  store: EventStore;
  /** Time and timers (renewal, lease waits, membership settling): the system clock, or a simulation's. */
  clock: Clock;
  log: Logger;
  timing?: Partial<LeaseTiming>;
  /** Metric hook: `count` leases renewed, failed to renew, recovered after a lease store restart, or lost. */
  onLease?: (outcome: LeaseOutcome, count: number) => void;
}

/** What became of leases at a renewal (see OwnershipDeps.onLease). */
export type LeaseOutcome = 'renewed' | 'failed' | 'recovered' | 'lost';

/** Ring, leases, self-fencing and hand-off of one node. */
export class OwnershipManager implements ActivationPolicy {
  private ring: HashRing;
  private members: Member[];
  private memberById = new Map<string, Member>();
  private registry: ActorRegistry | null = null;
  private renewTimer: TimerHandle | null = null;
  private readonly timing: LeaseTiming;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private readonly handingOff = new Set<string>();
  /** When the membership backend was last seen failing (epoch ms). */
  private lastUnhealthyAt = -Infinity;
  private settleTimer: TimerHandle | null = null;

  constructor(private readonly deps: OwnershipDeps) {
    this.timing = { ...DEFAULT_LEASE_TIMING, ...deps.timing };
    this.members = [deps.self];
    this.memberById = new Map([[deps.self.nodeId, deps.self]]);
    this.ring = new HashRing([deps.self.nodeId]);
  }

  /** Starts following membership and renewing the leases of `registry`'s actors. */
  start(registry: ActorRegistry): void {
    this.registry = registry;
    this.applyMembers(this.deps.membership.members());
    this.unsubscribe = this.deps.membership.onChange((members) => this.applyMembers(members));
    const tick = (): void => {
      void this.renew().finally(() => {
        if (!this.stopped) this.renewTimer = this.deps.clock.setTimer(this.timing.renewEveryMs, tick);
      });
    };
    this.renewTimer = this.deps.clock.setTimer(this.timing.renewEveryMs, tick);
  }

  /** Stops renewing (shutdown); leases run out or are released by `handOffAll`. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.renewTimer?.cancel();
    this.settleTimer?.cancel();
  }

  /**
   * The node the ring prefers for `eventId`. Not cached per id: a cache would grow with every id a
   * client makes up; the lookup is a hash and a binary search over the ring, then a map lookup.
   */
  preferredOwner(eventId: string): Member | undefined {
    const nodeId = this.ring.ownerOf(eventId);
    return nodeId === undefined ? undefined : this.memberById.get(nodeId);
  }

  /** Whether this node is the ring's choice for `eventId`. */
  isPreferred(eventId: string): boolean {
    return this.preferredOwner(eventId)?.nodeId === this.deps.self.nodeId;
  }

  /** The live members, as the ring sees them. */
  liveMembers(): Member[] {
    return this.members;
  }

  /** Hands every local event off (graceful leave), releasing the leases. */
  async handOffAll(): Promise<void> {
    await Promise.all((this.registry?.all() ?? []).map((actor) => this.handOff(actor)));
  }

  // ------------------------------------------------------------------ ActivationPolicy

  async acquire(eventId: string): Promise<boolean> {
    const deadline = this.deps.clock.now() + this.timing.acquireWaitMs;
    for (;;) {
      if (this.stopped || !this.isPreferred(eventId)) return false;
      const sentAt = this.deps.clock.now();
      if (await this.deps.leases.acquire(eventId, this.deps.self.nodeId, this.timing.ttlMs)) {
        this.trustedUntil.set(eventId, sentAt + this.timing.ttlMs - this.timing.safetyMs);
        return true;
      }
      if (this.deps.clock.now() >= deadline) return false;
      await sleepOn(this.deps.clock, ACQUIRE_POLL_MS);
    }
  }

  async abandon(eventId: string): Promise<void> {
    this.trustedUntil.delete(eventId);
    await this.deps.leases.release(eventId, this.deps.self.nodeId);
  }

  async restoreHolds(eventId: string, epoch: number): Promise<HoldSnapshot[] | null> {
    if (!this.deps.journal) return [];
    const claimed = await this.deps.journal.claim(eventId, epoch);
    return claimed.ok ? claimed.holds : null;
  }

  async restoreQueue(eventId: string, epoch: number): Promise<RoomChange[] | null> {
    if (!this.deps.queueJournal) return [];
    const claimed = await this.deps.queueJournal.claim(eventId, epoch);
    return claimed.ok ? claimed.changes : null;
  }

  /** A new actor trusts the lease it was activated under, and tells every viewer its new epoch. */
  activated(actor: EventActor): void {
    actor.setLeaseUntil(this.trustedUntil.get(actor.eventId) ?? 0);
    actor.announce();
  }

  /** Lease trust per event, from acquisition and each renewal. */
  private readonly trustedUntil = new Map<string, number>();

  // ------------------------------------------------------------------ renewal and self-fencing

  private async renew(): Promise<void> {
    if (!this.deps.membership.healthy()) this.lastUnhealthyAt = this.deps.clock.now();
    const actors = (this.registry?.all() ?? []).filter((a) => !a.isStopped);
    if (actors.length === 0) return;
    const ids = actors.map((a) => a.eventId);
    const sentAt = this.deps.clock.now();
    let renewed: Set<string>;
    try {
      renewed = new Set(await this.deps.leases.renew(ids, this.deps.self.nodeId, this.timing.ttlMs));
    } catch (error) {
      // The lease store is away: actors keep their state but stop taking commands once their lease
      // can no longer be trusted (setLeaseUntil is not moved), and resume if it comes back in time.
      this.deps.log.warn({ err: error, events: ids.length }, 'lease renewal failed');
      this.deps.onLease?.('failed', ids.length);
      return;
    }
    this.deps.onLease?.('renewed', renewed.size);
    if (renewed.size < ids.length) this.deps.onLease?.('failed', ids.length - renewed.size);
    const until = sentAt + this.timing.ttlMs - this.timing.safetyMs;
    for (const actor of actors) {
      if (renewed.has(actor.eventId)) {
        this.trustedUntil.set(actor.eventId, until);
        actor.setLeaseUntil(until);
      } else {
        void this.recover(actor);
      }
    }
  }

  /**
   * A lease we did not renew: either another node has it (we lost it: stop), or the lease store lost
   * it (Redis restarted): take it again if nobody did and Postgres still names our epoch.
   */
  private async recover(actor: EventActor): Promise<void> {
    const { eventId } = actor;
    try {
      const sentAt = this.deps.clock.now();
      const taken = this.isPreferred(eventId) && (await this.deps.leases.acquire(eventId, this.deps.self.nodeId, this.timing.ttlMs));
      const owner = taken ? await this.deps.store.getOwnership(eventId) : null;
      if (taken && owner?.epoch === actor.epoch) {
        const claimed = this.deps.journal ? await this.deps.journal.claim(eventId, actor.epoch) : { ok: true as const };
        if (claimed.ok && (await actor.rewriteJournal())) {
          const until = sentAt + this.timing.ttlMs - this.timing.safetyMs;
          this.trustedUntil.set(eventId, until);
          actor.setLeaseUntil(until);
          this.deps.log.info({ eventId, epoch: actor.epoch }, 'lease recovered');
          this.deps.onLease?.('recovered', 1);
          return;
        }
      }
      this.deps.log.warn({ eventId, epoch: actor.epoch }, 'lease lost: stopping the actor');
      this.deps.onLease?.('lost', 1);
      if (taken) await this.deps.leases.release(eventId, this.deps.self.nodeId);
      this.retire(actor);
    } catch (error) {
      this.deps.log.warn({ err: error, eventId }, 'lease recovery failed; will retry');
    }
  }

  private retire(actor: EventActor): void {
    actor.stop({ code: 'moved', message: 'this event moved to another node; retry' });
    this.registry?.evict(actor);
    this.trustedUntil.delete(actor.eventId);
  }

  // ------------------------------------------------------------------ ring changes

  private applyMembers(members: Member[]): void {
    let list = members.some((m) => m.nodeId === this.deps.self.nodeId) || this.stopped ? members : [...members, this.deps.self];
    // Right after the membership backend recovered (Redis restarted empty), nodes re-register one
    // by one: a node missing then has not died, it has not beaten yet. Removals wait until the list
    // settles, so events do not bounce between nodes (additions apply at once).
    const settling = this.deps.clock.now() - this.lastUnhealthyAt < this.timing.ttlMs;
    if (settling) {
      const missing = this.members.filter((old) => !list.some((m) => m.nodeId === old.nodeId));
      if (missing.length > 0) {
        list = [...list, ...missing];
        this.settleTimer ??= this.deps.clock.setTimer(this.timing.ttlMs, () => {
          this.settleTimer = null;
          this.applyMembers(this.deps.membership.members());
        });
      }
    }
    const sorted = [...list].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    const same =
      sorted.length === this.members.length && sorted.every((m, i) => m.nodeId === this.members[i].nodeId && m.url === this.members[i].url);
    if (same) return;
    this.members = sorted;
    this.ring = new HashRing(sorted.map((m) => m.nodeId));
    this.memberById = new Map(sorted.map((m) => [m.nodeId, m]));
    this.deps.log.info({ members: sorted.map((m) => m.nodeId) }, 'ring changed');
    for (const actor of this.registry?.all() ?? []) {
      if (!this.isPreferred(actor.eventId)) void this.handOff(actor);
    }
  }

  private async handOff(actor: EventActor): Promise<void> {
    if (this.handingOff.has(actor.eventId)) return;
    this.handingOff.add(actor.eventId);
    try {
      // Hand off, evict, and give the lease back unless a new activation here already needs it.
      if (await this.registry?.passivate(actor)) this.deps.log.info({ eventId: actor.eventId }, 'handed off');
    } finally {
      this.handingOff.delete(actor.eventId);
    }
  }
}
