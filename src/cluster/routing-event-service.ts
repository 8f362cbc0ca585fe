// The EventService every node exposes: a request for an event this node owns goes to the local actor;
// any other is forwarded to the owner and the reply relayed. `moved` (nothing was done) is retried a
// few times as the ring and leases settle; a forward lost in transit is retried only when that is safe.
import { randomBytes } from 'node:crypto';
import type { ActorRegistry } from '../actor/actor-registry';
import { NotOwnerError } from '../actor/actor-registry';
import { sleepOn, systemClock, type Clock } from '../actor/clock';
import type { EventActor } from '../actor/event-actor';
import type { EventService, Outcome, SnapshotView } from '../actor/event-service';
import type { OwnershipManager } from './ownership-manager';
import type { PeerClient } from './peer-client';
import type { PeerArgs, PeerOp, PeerOutcome } from './peer-protocol';
import { RETRY_SAFE_OPS, callOp } from './peer-protocol';

/** Waits between attempts after `moved`; their sum covers a hand-off and a lease expiry (~3.5 s). */
/** Waits between attempts after `moved`: quick at first (a hand-off), then steady (a lease running out). */
const MOVED_BACKOFF_MS = [0, 25, 50, 100, 200];
const MOVED_STEADY_MS = 250;
/**
 * How long one request keeps trying after `moved`: covers a failover (lease TTL 3 s plus activation)
 * and then answers instead of leaving the client waiting.
 */
const ROUTE_DEADLINE_MS = 8_000;
/** How long a forwarded request may take: a purchase waits out database hiccups (COMMIT_RETRY_MS). */
const FORWARD_TIMEOUT_MS: Partial<Record<PeerOp, number>> = { buy: 15_000, snapshot: 10_000 };
const DEFAULT_FORWARD_TIMEOUT_MS = 5_000;

const moved = <T>(message = 'this event is changing owner; retry'): Outcome<T> => ({ ok: false, error: { code: 'moved', message } });
const unavailable = <T>(message: string): Outcome<T> => ({ ok: false, error: { code: 'unavailable', message } });

/** Where snapshots for viewers come from when a replica is kept on this node (see ReplicaHub). */
export interface SnapshotSource {
  snapshot(eventId: string): Promise<Outcome<SnapshotView>>;
}

/** What routing needs of a PeerClient: forwarding one operation to the peer at a URL. */
export type PeerCaller = Pick<PeerClient, 'call'>;

/** Local-or-forward routing of every EventService call. */
export class RoutingEventService implements EventService {
  /** Answers from this node's actors only; what the peer endpoint serves. */
  readonly local: EventService;
  private snapshots: SnapshotSource | null = null;

  constructor(
    private readonly selfId: string,
    private readonly ownership: OwnershipManager,
    private readonly registry: ActorRegistry,
    private readonly peers: PeerCaller | null,
    /** Time and waits between retries (the system clock, or a simulation's). */
    private readonly clock: Clock = systemClock,
  ) {
    const onActor = <T>(eventId: string, fn: (actor: EventActor) => Outcome<T> | Promise<Outcome<T>>): Promise<Outcome<T>> =>
      this.withLocalActor(eventId, fn);
    this.local = {
      hold: (eventId, userId, request, holdId) => onActor(eventId, (a) => a.hold(userId, request, holdId)),
      release: (eventId, userId, holdId, seats, areas) => onActor(eventId, (a) => a.release(userId, holdId, seats, areas)),
      extend: (eventId, userId, holdId) => onActor(eventId, (a) => a.extend(userId, holdId)),
      holds: (eventId, userId) => onActor(eventId, (a) => a.holds(userId)),
      buy: (eventId, userId, holdId, key, tiers) => onActor(eventId, (a) => a.buy(userId, holdId, key, tiers)),
      snapshot: (eventId) => onActor(eventId, (a) => a.snapshot()),
      stats: (eventId) => onActor(eventId, (a) => a.stats()),
      liveInfo: (eventId) => onActor(eventId, (a) => a.liveInfo()),
      setSales: (eventId, open) => onActor(eventId, (a) => a.setSales(open)),
      block: (eventId, seats, blocked) => onActor(eventId, (a) => a.block(seats, blocked)),
      cancelOrder: (eventId, orderId) => onActor(eventId, (a) => a.cancelOrder(orderId)),
      updateEvent: (eventId, patch) => onActor(eventId, (a) => a.updateEvent(patch)),
      staffHolds: (eventId) => onActor(eventId, (a) => a.staffHolds()),
      forceRelease: (eventId, holdId) => onActor(eventId, (a) => a.forceRelease(holdId)),
      placeStaffHold: (eventId, userId, request) => onActor(eventId, (a) => a.placeStaffHold(userId, request)),
      releaseStaffHold: (eventId, holdId) => onActor(eventId, (a) => a.releaseStaffHold(holdId)),
      join: (eventId, userId) => onActor(eventId, (a) => a.join(userId)),
      leave: (eventId, userId) => onActor(eventId, (a) => a.leave(userId)),
      queueInfo: (eventId) => onActor(eventId, (a) => a.queueInfo()),
    };
  }

  /** Serves viewers' snapshots from a local replica (set once the hub exists). */
  useSnapshotSource(source: SnapshotSource): void {
    this.snapshots = source;
  }

  hold: EventService['hold'] = (eventId, ...args) =>
    this.here(eventId, (a) => a.hold(...args), () => this.route(eventId, 'hold', args));
  release: EventService['release'] = (eventId, ...args) =>
    this.here(eventId, (a) => a.release(...args), () => this.route(eventId, 'release', args));
  extend: EventService['extend'] = (eventId, ...args) =>
    this.here(eventId, (a) => a.extend(...args), () => this.route(eventId, 'extend', args));
  holds: EventService['holds'] = (eventId, ...args) => this.route(eventId, 'holds', args);
  buy: EventService['buy'] = (eventId, userId, holdId, key, tiers) =>
    this.here(eventId, (a) => a.buy(userId, holdId, key, tiers), () => this.route(eventId, 'buy', [userId, holdId, key, tiers]));
  snapshot: EventService['snapshot'] = (eventId) =>
    this.snapshots ? this.snapshots.snapshot(eventId) : this.route(eventId, 'snapshot', []);
  stats: EventService['stats'] = (eventId) => this.route(eventId, 'stats', []);
  liveInfo: EventService['liveInfo'] = (eventId) => this.route(eventId, 'liveInfo', []);
  setSales: EventService['setSales'] = (eventId, ...args) => this.route(eventId, 'setSales', args);
  block: EventService['block'] = (eventId, ...args) => this.route(eventId, 'block', args);
  cancelOrder: EventService['cancelOrder'] = (eventId, ...args) => this.route(eventId, 'cancelOrder', args);
  updateEvent: EventService['updateEvent'] = (eventId, ...args) => this.route(eventId, 'updateEvent', args);
  staffHolds: EventService['staffHolds'] = (eventId) => this.route(eventId, 'staffHolds', []);
  forceRelease: EventService['forceRelease'] = (eventId, ...args) => this.route(eventId, 'forceRelease', args);
  placeStaffHold: EventService['placeStaffHold'] = (eventId, ...args) => this.route(eventId, 'placeStaffHold', args);
  releaseStaffHold: EventService['releaseStaffHold'] = (eventId, ...args) => this.route(eventId, 'releaseStaffHold', args);
  join: EventService['join'] = (eventId, ...args) => this.route(eventId, 'join', args);
  leave: EventService['leave'] = (eventId, ...args) => this.route(eventId, 'leave', args);
  queueInfo: EventService['queueInfo'] = (eventId) => this.route(eventId, 'queueInfo', []);

  /** The owner's snapshot, wherever the owner is (what a replica is loaded from). */
  ownerSnapshot(eventId: string): Promise<Outcome<SnapshotView>> {
    return this.route(eventId, 'snapshot', []);
  }

  private async route<Op extends PeerOp>(eventId: string, op: Op, args: PeerArgs<Op>): Promise<PeerOutcome<Op>> {
    const deadline = this.clock.now() + ROUTE_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      const outcome: Outcome<unknown> = await this.once(eventId, op, args);
      if (outcome.ok || outcome.error.code !== 'moved' || outcome.error.fenced) return outcome as PeerOutcome<Op>;
      const wait = MOVED_BACKOFF_MS[attempt] ?? MOVED_STEADY_MS;
      if (this.clock.now() + wait >= deadline) return outcome as PeerOutcome<Op>;
      if (wait > 0) await sleepOn(this.clock, wait);
    }
  }

  private async once<Op extends PeerOp>(eventId: string, op: Op, args: PeerArgs<Op>): Promise<PeerOutcome<Op> | Outcome<never>> {
    const owner = this.ownership.preferredOwner(eventId);
    if (!owner) return unavailable('no node is serving; retry shortly');
    if (owner.nodeId === this.selfId || !this.peers) {
      return callOp(this.local, op, eventId, args);
    }
    // A forwarded purchase always carries a key (kept in `args` for every retry), so a resend after a
    // lost reply cannot buy twice; a local one needs none.
    if (op === 'buy') (args as unknown as PeerArgs<'buy'>)[2] ??= `auto:${randomBytes(12).toString('base64url')}`;
    const result = await this.peers.call(owner.url, op, eventId, args, FORWARD_TIMEOUT_MS[op] ?? DEFAULT_FORWARD_TIMEOUT_MS);
    if (result.kind === 'reply') return result.outcome;
    if (result.kind === 'not_sent') return moved('the owner of this event is not reachable; retry');
    // Sent, then lost: only what is safe to do twice is tried again.
    return RETRY_SAFE_OPS.has(op) ? moved() : unavailable('the owner of this event did not answer; the request may or may not have been done');
  }

  /**
   * The hot path: when this node owns the event and its actor is running, the actor decides now, with no
   * promise between the frame and the decision (a hold answers synchronously unless it is replicated).
   * Anything else (another owner, an actor to start) goes the general way (`routed`), and so does a
   * `moved` refusal, which the router retries (a refusal changed nothing, so deciding again is safe).
   */
  private here<T>(
    eventId: string,
    fn: (actor: EventActor) => Outcome<T> | Promise<Outcome<T>>,
    routed: () => Promise<Outcome<T>>,
  ): Outcome<T> | Promise<Outcome<T>> {
    const owner = this.ownership.preferredOwner(eventId);
    if (!owner || (owner.nodeId !== this.selfId && this.peers)) return routed();
    const actor = this.registry.peek(eventId);
    if (!actor || actor.isStopped || !this.ownership.isPreferred(eventId)) return routed();
    const outcome = fn(actor);
    if (outcome instanceof Promise) return outcome.then((later) => (retryable(later) ? routed() : later));
    return retryable(outcome) ? routed() : outcome;
  }

  private async withLocalActor<T>(eventId: string, fn: (actor: EventActor) => Outcome<T> | Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (!this.ownership.isPreferred(eventId)) return moved();
    let actor = this.registry.peek(eventId);
    if (!actor || actor.isStopped) {
      try {
        actor = (await this.registry.get(eventId)) ?? undefined;
      } catch (error) {
        if (error instanceof NotOwnerError) return moved();
        throw error;
      }
      if (!actor) return { ok: false, error: { code: 'not_found', message: `event ${eventId} does not exist` } };
    }
    return fn(actor);
  }
}

/** A `moved` the router tries again (not a fenced owner's: that one is final). */
function retryable(outcome: Outcome<unknown>): boolean {
  return !outcome.ok && outcome.error.code === 'moved' && !outcome.error.fenced;
}
