// The simulated cluster: nodes that each run the real ActorRegistry, EventActors, OwnershipManager
// (ring, leases, renewal, self-fencing, hand-off) and RoutingEventService (local or forwarded, retries
// after `moved`) on the scheduler's clock; one lease table with expiry (LocalLeaseStore, Redis's role),
// the heartbeat table and forwarding (sim-membership.ts), the shared hold journal (LocalHoldJournal),
// the in-memory store. Nodes crash (their incarnation ends; a restart is a new one) or pause past their
// lease and wake as zombies.
import pino from 'pino';
import { ActorRegistry, NotOwnerError } from '../../src/actor/actor-registry';
import type { EventActor } from '../../src/actor/event-actor';
import type { DiffPush, EventFeed } from '../../src/actor/event-service';
import { LocalHoldJournal } from '../../src/cluster/local-hold-journal';
import type { LocalLeaseStore } from '../../src/cluster/local-lease-store';
import type { LeaseStore } from '../../src/cluster/lease-store';
import { OwnershipManager } from '../../src/cluster/ownership-manager';
import { RoutingEventService } from '../../src/cluster/routing-event-service';
import type { MemoryEventStore } from './memory-event-store';
import type { FaultRates } from './faults';
import { NodeIo, type IoObserver } from './sim-io';
import { SimMembership, type SimMembers, type SimPeers } from './sim-membership';
import type { Scheduler } from './scheduler';

/** Lease timing (ms): a lease lasts TTL, is renewed every RENEW, trusted until TTL − SAFETY after renewal. */
export const LEASE = { ttlMs: 3000, renewMs: 1000, safetyMs: 1000 };

const silent = pino({ level: 'silent' });

/** What every node incarnation shares. */
export interface SimWorld {
  sched: Scheduler;
  leases: LocalLeaseStore;
  members: SimMembers;
  peers: SimPeers;
  store: MemoryEventStore;
  journal: LocalHoldJournal;
  rates: FaultRates;
  injected: { failed: number; inDoubt: number; slow: number };
  log?: (line: string) => void;
}

/** One incarnation of a node. */
export class SimNode {
  readonly io: NodeIo;
  readonly registry: ActorRegistry;
  readonly ownership: OwnershipManager;
  /** What clients and staff call on this node (its gateway's EventService). */
  readonly service: RoutingEventService;
  state: 'up' | 'paused' | 'down' = 'up';
  private ids = 0;

  constructor(
    readonly name: string,
    readonly tag: string,
    world: SimWorld,
    observer: IoObserver,
    feed: EventFeed,
    onError: (error: unknown, context: string) => void,
  ) {
    const { sched } = world;
    this.io = new NodeIo(sched, tag, world.rates, world.injected);
    const journal = this.io.journal(world.journal);
    const clock = sched.clockFor(tag);
    const shared = world.leases;
    const leases: LeaseStore = {
      acquire: (eventId, nodeId, ttlMs) => this.io.call('lease', () => shared.acquire(eventId, nodeId, ttlMs)),
      renew: (eventIds, nodeId, ttlMs) => this.io.call('lease-renew', () => shared.renew(eventIds, nodeId, ttlMs)),
      release: (eventId, nodeId) => this.io.call('lease-release', () => shared.release(eventId, nodeId)),
      holder: (eventId) => this.io.call('lease-holder', () => shared.holder(eventId)),
    };
    const store = this.io.store(world.store, observer);
    const self = { nodeId: tag, url: tag };
    const membership = new SimMembership(world.members);
    this.ownership = new OwnershipManager({
      self,
      membership,
      leases,
      journal,
      store,
      clock,
      log: silent,
      timing: { ttlMs: LEASE.ttlMs, renewEveryMs: LEASE.renewMs, safetyMs: LEASE.safetyMs, acquireWaitMs: 5000 },
    });
    this.registry = new ActorRegistry(
      {
        store,
        clock,
        feed,
        ids: { holdId: () => `${tag}-h${++this.ids}`, orderId: () => `${tag}-o${++this.ids}` },
        nodeId: tag,
        tickMs: 50,
        commit: { maxBatch: 8, maxInFlight: 2, retryForMs: 3000 },
        journal,
        observer: { error: onError },
      },
      this.ownership,
    );
    this.service = new RoutingEventService(tag, this.ownership, this.registry, world.peers.from(tag), clock);
    const node = this;
    world.peers.register({ tag, local: this.service.local, get down() { return node.state === 'down'; } });
    void membership.join(self);
    this.ownership.start(this.registry);
  }

  /** A running actor of this incarnation for the event, if any. */
  running(eventId: string): EventActor | undefined {
    const actor = this.registry.peek(eventId);
    return actor && !actor.isStopped ? actor : undefined;
  }
}

export { NotOwnerError };
export type { DiffPush };
