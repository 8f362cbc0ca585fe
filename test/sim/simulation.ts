// One seeded run of the simulated cluster: nodes, clients, viewers, faults and the checks after every
// step. The same seed and options replay the same run (same trace hash).
import type { EventActor } from '../../src/actor/event-actor';
import type { EventFeed, Outcome } from '../../src/actor/event-service';
import { LocalHoldJournal } from '../../src/cluster/local-hold-journal';
import { LocalLeaseStore } from '../../src/cluster/local-lease-store';
import { failureOf } from '../../src/gateway/failure-of';
import { DEFAULT_FAULTS, type FaultRates } from './faults';
import { Checker, Violation } from './invariants';
import { MemoryEventStore, type PlantedBug } from './memory-event-store';
import { Scheduler, settle } from './scheduler';
import { LEASE, SimNode } from './sim-cluster';
import { SimMembers, SimPeers } from './sim-membership';
import { Viewer } from './viewers';
import { SimClient, simEvents, type SimCommand } from './workload';

/** What to run. */
export interface SimOptions {
  seed: number;
  commands: number;
  nodes?: number;
  users?: number;
  faults?: Partial<FaultRates>;
  bug?: PlantedBug;
  /** Receives a line per command, answer and node fault (debugging a seed). */
  log?: (line: string) => void;
}

/** What a run did. */
export interface SimResult {
  seed: number;
  commands: number;
  steps: number;
  tasks: number;
  traceHash: string;
  simulatedMs: number;
  crashes: number;
  pauses: number;
  reconnects: number;
  commits: number;
  epochRefusals: number;
  faults: { failed: number; inDoubt: number; slow: number; lostMessages: number };
  outcomes: Record<string, number>;
  /** The first broken guarantee, with the seed and step that replay it. */
  violation: string | null;
}

const CLIENT_TIMEOUT_MS = 8000;
const VIEWERS_PER_EVENT = 3;

/** Runs one seed; never throws for a broken guarantee (it is the result's `violation`). */
export async function simulate(options: SimOptions): Promise<SimResult> {
  const { seed, commands } = options;
  const rates: FaultRates = { ...DEFAULT_FAULTS, ...options.faults };
  const sched = new Scheduler(seed);
  const rng = sched.rng;
  const definitions = simEvents();
  const store = new MemoryEventStore(options.bug ?? null);
  for (const d of definitions) await store.createEvent(d);
  const checker = new Checker(store, new Map(definitions.map((d) => [d.id, d])));
  const result: SimResult = {
    seed, commands: 0, steps: 0, tasks: 0, traceHash: '', simulatedMs: 0, crashes: 0, pauses: 0, reconnects: 0,
    commits: 0, epochRefusals: 0, faults: { failed: 0, inDoubt: 0, slow: 0, lostMessages: 0 }, outcomes: {}, violation: null,
  };
  let pending: Violation | null = null;
  const fault = (error: unknown): void => {
    if (error instanceof Violation) pending ??= error;
    else pending ??= new Violation(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
  };
  const journal = new LocalHoldJournal();
  const leases = new LocalLeaseStore(() => sched.now);
  const members = new SimMembers(sched);
  const peers = new SimPeers(sched, rates.messageLost, result.faults, fault);
  const injected = { failed: 0, inDoubt: 0, slow: 0 };
  const world = { sched, leases, members, peers, store, journal, rates, injected, log: options.log };

  // ------------------------------------------------------------------ viewers and feed
  const viewers: Viewer[] = [];
  const feed: EventFeed = {
    diff: (eventId, diff) => {
      for (const viewer of viewers) {
        if (viewer.eventId !== eventId) continue;
        if (rng.chance(rates.messageLost)) result.faults.lostMessages++;
        else sched.push(null, `diff:${eventId}:${diff.epoch}.${diff.seq}`, () => viewer.diff(diff));
      }
    },
    expired: () => undefined,
  };

  // ------------------------------------------------------------------ nodes
  const nodeCount = options.nodes ?? 3;
  const incarnations = new Map<string, number>();
  const nodes: SimNode[] = [];
  const observer = {
    committed: (node: string, eventId: string, epoch: number, ids: string[]) => {
      try { checker.committed(node, eventId, epoch, ids); } catch (error) { fault(error); }
    },
    cancelled: (_node: string, eventId: string, _epoch: number, orderId: string) => {
      try { checker.cancelled(eventId, orderId); } catch (error) { fault(error); }
    },
  };
  const start = (name: string): SimNode => {
    const n = (incarnations.get(name) ?? 0) + 1;
    incarnations.set(name, n);
    return new SimNode(name, `${name}#${n}`, world, observer, feed, () => undefined);
  };
  for (let i = 0; i < nodeCount; i++) nodes.push(start(`n${i + 1}`));

  /** The actor running under the event's current epoch on a node that still has its memory. */
  const currentOwner = (eventId: string): EventActor | undefined => {
    const epoch = store.epochOf(eventId);
    for (const node of nodes) {
      if (node.state === 'down') continue;
      const actor = node.running(eventId);
      if (actor && actor.epoch === epoch) return actor;
    }
    return undefined;
  };
  /** The node a client's message reaches (a load balancer's pick among the nodes not down). */
  const entry = (): SimNode => {
    const reachable = nodes.filter((n) => n.state !== 'down');
    return reachable.length > 0 ? rng.pick(reachable) : nodes[0];
  };
  /** Where a viewer's snapshot comes from: a node running the event's actor, else any. */
  const viewerNode = (eventId: string): SimNode => nodes.find((n) => n.state !== 'down' && n.running(eventId)) ?? entry();

  for (const d of definitions) {
    for (let i = 0; i < VIEWERS_PER_EVENT; i++) {
      const viewer = new Viewer(
        `v${i}`,
        d.id,
        (v) => {
          const node = viewerNode(v.eventId);
          const ask = (): void => {
            const actor = node.running(v.eventId);
            const snap = actor?.snapshot();
            const view = snap?.ok ? { ...snap.value, status: snap.value.status.slice() } : null;
            sched.push(null, `snapshot:${v.eventId}`, () => (view ? v.snapshot(view) : sched.timer(null, 100, 'resubscribe', () => v.snapshot(null))));
          };
          sched.push(node.tag, `subscribe:${v.eventId}`, ask);
        },
        (v) => {
          const owner = currentOwner(v.eventId);
          if (owner) checker.viewer(v, owner);
        },
      );
      viewers.push(viewer);
      viewer.reconnect();
    }
  }

  // ------------------------------------------------------------------ clients
  const users = options.users ?? 24;
  const clients = Array.from({ length: users }, (_, i) => new SimClient(`u${i + 1}`));
  /** The command through the node's RoutingEventService; a thrown error answered as the gateway would. */
  const execute = async (node: SimNode, command: SimCommand): Promise<Outcome<unknown>> => {
    const service = node.service;
    const { eventId } = command;
    try {
      switch (command.kind) {
        case 'hold': return await service.hold(eventId, command.userId, command.request, command.holdId);
        case 'extend': return await service.extend(eventId, command.userId, command.holdId);
        case 'release': return await service.release(eventId, command.userId, command.holdId);
        case 'buy': {
          const outcome = await service.buy(eventId, command.userId, command.holdId, command.key);
          if (outcome.ok) checker.acknowledgedOrder(outcome.value.orderId);
          return outcome;
        }
        case 'cancel': return await service.cancelOrder(eventId, command.orderId);
      }
    } catch (error) {
      if (error instanceof Violation) throw error;
      const known = failureOf(error);
      return { ok: false, error: known ?? { code: 'internal', message: String(error instanceof Error ? error.stack : error) } };
    }
  };
  const issue = (client: SimClient): void => {
    const command = client.next(rng, definitions, (eventId) => {
      const live = store.liveOrderIds(eventId);
      return live.length > 0 ? rng.pick(live) : null;
    });
    result.commands++;
    client.busy = true;
    const before = client.sent(command);
    const request = ++client.request;
    const connection = client.connection;
    let timeout: { cancel(): void } | null = null;
    const answer = (outcome: Outcome<unknown> | undefined): void => {
      if (client.request !== request || !client.busy) return;
      client.busy = false;
      timeout?.cancel();
      if (client.connection !== connection) outcome = undefined;
      const key = `${command.kind}:${outcome ? (outcome.ok ? 'ok' : outcome.error.code) : 'no-answer'}`;
      result.outcomes[key] = (result.outcomes[key] ?? 0) + 1;
      if (outcome && !outcome.ok && outcome.error.code === 'internal') fault(new Violation(`${command.kind} answered internal: ${outcome.error.message}`));
      options.log?.(`${sched.now} ${client.userId} ${JSON.stringify(command)} -> ${JSON.stringify(outcome)}`);
      client.learn(command, outcome, before);
    };
    timeout = sched.timer(null, CLIENT_TIMEOUT_MS, 'client-timeout', () => answer(undefined));
    const node = entry();
    if (rng.chance(rates.messageLost)) return void result.faults.lostMessages++;
    sched.push(node.tag, `cmd:${command.kind}`, () => {
      void execute(node, command).then(
        (outcome) => {
          const code = outcome.ok ? 'ok' : outcome.error.code;
          if (rng.chance(rates.messageLost)) return void result.faults.lostMessages++;
          sched.push(null, `reply:${command.kind}:${code}`, () => answer(outcome));
        },
        fault,
      );
    });
  };

  // ------------------------------------------------------------------ faults on nodes
  const crashOrPause = (pause: boolean): void => {
    const up = nodes.filter((n) => n.state === 'up');
    if (up.length < 2) return;
    const owners = up.filter((n) => definitions.some((d) => n.running(d.id)));
    const victim = rng.pick(owners.length > 0 ? owners : up);
    options.log?.(`${sched.now} ${pause ? 'pause' : 'crash'} ${victim.tag}`);
    if (pause) {
      result.pauses++;
      victim.state = 'paused';
      sched.pause(victim.tag);
      // Its heartbeat expires while it sleeps: the others see it leave, and come back when it wakes.
      sched.timer(null, LEASE.ttlMs, `heartbeat-expired:${victim.tag}`, () => {
        if (victim.state === 'paused') members.remove(victim.tag, false);
      });
      sched.timer(null, LEASE.ttlMs + rng.int(0, 3000), `resume:${victim.tag}`, () => {
        victim.state = 'up';
        sched.resume(victim.tag);
        members.revive(victim.tag);
      });
      return;
    }
    result.crashes++;
    victim.state = 'down';
    sched.kill(victim.tag);
    peers.crashed(victim.tag);
    sched.timer(null, LEASE.ttlMs, `heartbeat-expired:${victim.tag}`, () => members.remove(victim.tag, true));
    sched.timer(null, rng.int(500, 5000), `restart:${victim.name}`, () => {
      nodes[nodes.indexOf(victim)] = start(victim.name);
    });
  };

  // ------------------------------------------------------------------ the loop
  const check = (): void => {
    if (pending) throw pending;
    for (const d of definitions) {
      const owner = currentOwner(d.id);
      if (!owner) continue;
      checker.owner(d.id, owner);
    }
    for (const client of clients) {
      for (const known of client.holds.values()) {
        if (known.state === 'gone') {
          client.holds.delete(known.holdId);
          continue;
        }
        if (known.state === 'uncertain' && sched.now > known.expiresAt + 60_000) client.holds.delete(known.holdId);
        const owner = currentOwner(known.eventId);
        if (owner) checker.hold(known, owner, sched.now);
      }
    }
  };
  try {
    while (result.commands < commands) {
      result.steps++;
      const tasksBefore = sched.tasksRun;
      const commandsBefore = result.commands;
      const roll = rng.next();
      if (roll < rates.crash) crashOrPause(false);
      else if (roll < rates.crash + rates.pause) crashOrPause(true);
      const idle = clients.filter((c) => !c.busy);
      if (idle.length > 0 && rng.chance(0.3)) {
        const client = rng.pick(idle);
        if (rng.chance(rates.reconnect)) {
          result.reconnects++;
          client.connection++;
          for (const v of viewers) if (rng.chance(0.3)) v.reconnect();
        }
        issue(client);
      } else if (rng.chance(0.05) || !sched.runOne()) sched.advance(rng.int(1, 100));
      await settle();
      // A step that ran nothing and sent nothing changed no state (time moving on only makes the
      // hold check more lenient): nothing new to check.
      if (sched.tasksRun !== tasksBefore || result.commands !== commandsBefore || pending) check();
    }
  } catch (error) {
    const violation = error instanceof Violation ? error : new Violation(String(error instanceof Error ? error.stack : error));
    result.violation = `VIOLATION seed=${seed} step=${result.steps}: ${violation.message}\n  replay: npm run sim -- --seed ${seed} --commands ${commands} --nodes ${nodeCount}${options.bug ? ` --bug ${options.bug}` : ''}`;
  }
  result.tasks = sched.tasksRun;
  result.traceHash = sched.trace.hex();
  result.simulatedMs = sched.now - 1_900_000_000_000;
  result.commits = checker.commits;
  result.epochRefusals = store.epochRefusals;
  Object.assign(result.faults, injected);
  return result;
}
