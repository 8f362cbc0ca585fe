// Membership and forwarding of the simulated cluster, as the real OwnershipManager and
// RoutingEventService of each node see them: the heartbeat table (Redis's role) tells each node its
// member list in a task of that node (a paused node hears of changes only when it wakes), and a
// forwarded request and its reply are messages the scheduler delivers, loses or drops with a crash.
import { MemberView } from '../../src/cluster/member-view';
import type { Member, Membership } from '../../src/cluster/membership';
import type { PeerCaller } from '../../src/cluster/routing-event-service';
import type { PeerResult } from '../../src/cluster/peer-client';
import type { EventService } from '../../src/actor/event-service';
import { answerForwarded, type PeerArgs, type PeerOp } from '../../src/cluster/peer-protocol';
import type { Scheduler } from './scheduler';

/** The live members of the cluster (whose heartbeat has not expired) and every node's view of them. */
export class SimMembers {
  private readonly live = new Map<string, Member>();
  private readonly views = new Map<string, MemberView>();

  constructor(private readonly sched: Scheduler) {}

  /** The node (a node incarnation's tag) is live, and `view` hears of every change from now on. */
  add(member: Member, view: MemberView): void {
    this.views.set(member.nodeId, view);
    this.live.set(member.nodeId, member);
    this.publish();
  }

  /** The node's heartbeat expired (it crashed or is paused); a crashed one's view is gone too. */
  remove(nodeId: string, crashed: boolean): void {
    if (crashed) this.views.delete(nodeId);
    if (this.live.delete(nodeId)) this.publish();
  }

  /** A paused node woke: its heartbeat is back. */
  revive(nodeId: string): void {
    const view = this.views.get(nodeId);
    if (view && !this.live.has(nodeId)) this.add({ nodeId, url: nodeId }, view);
  }

  list(): Member[] {
    return [...this.live.values()];
  }

  private publish(): void {
    const list = this.list();
    for (const [nodeId, view] of this.views) this.sched.push(nodeId, 'members', () => view.update(list));
  }
}

/** One node incarnation's Membership on the simulated heartbeat table. */
export class SimMembership implements Membership {
  readonly view = new MemberView(() => undefined);

  constructor(private readonly table: SimMembers) {}

  async join(self: Member): Promise<void> {
    this.table.add(self, this.view);
  }

  async leave(): Promise<void> {}

  members(): Member[] {
    return this.view.members();
  }

  async refresh(): Promise<Member[]> {
    return this.view.update(this.table.list());
  }

  onChange(listener: (members: Member[]) => void): () => void {
    return this.view.onChange(listener);
  }

  healthy(): boolean {
    return true;
  }
}

/** A node incarnation as forwarding reaches it. */
export interface PeerTarget {
  readonly tag: string;
  readonly local: EventService;
  readonly down: boolean;
}

/** Forwarding between the simulated nodes: requests and replies are scheduled messages. */
export class SimPeers {
  private readonly nodes = new Map<string, PeerTarget>();
  /** Calls in flight to each node: a crash of the node closes their connections (the caller hears `lost`). */
  private readonly inFlight = new Map<string, Set<() => void>>();

  constructor(
    private readonly sched: Scheduler,
    private readonly lossRate: number,
    private readonly counts: { lostMessages: number },
    private readonly fault: (error: unknown) => void,
  ) {}

  /** The node can be forwarded to (by its tag, which is its URL). */
  register(node: PeerTarget): void {
    this.nodes.set(node.tag, node);
  }

  /** The node crashed: every call in flight to it ends `lost`, new ones are refused. */
  crashed(tag: string): void {
    for (const lose of this.inFlight.get(tag) ?? []) lose();
    this.inFlight.delete(tag);
  }

  /** The PeerCaller of node `from`. */
  from(from: string): PeerCaller {
    return {
      call: <Op extends PeerOp>(url: string, op: Op, eventId: string, args: PeerArgs<Op>, timeoutMs: number): Promise<PeerResult<Op>> =>
        new Promise((resolve) => {
          const target = this.nodes.get(url);
          if (!target || target.down) return void this.sched.push(from, `peer-refused:${op}`, () => resolve({ kind: 'not_sent' }));
          let done = false;
          const pending = this.inFlight.get(url) ?? new Set<() => void>();
          this.inFlight.set(url, pending);
          const finish = (result: PeerResult<Op>): void => {
            if (done) return;
            done = true;
            timer.cancel();
            pending.delete(lose);
            resolve(result);
          };
          const lose = (): void => this.sched.push(from, `peer-closed:${op}`, () => finish({ kind: 'lost' }));
          pending.add(lose);
          const timer = this.sched.timer(from, timeoutMs, `peer-timeout:${op}`, () => finish({ kind: 'lost' }));
          if (this.sched.rng.chance(this.lossRate)) return void this.counts.lostMessages++;
          // MessagePack has no undefined: the endpoint sees omitted arguments as absent either way.
          this.sched.push(url, `peer:${op}`, () => {
            answerForwarded(target.local, op, eventId, args, () => undefined).then((outcome) => {
              if (this.sched.rng.chance(this.lossRate)) return void this.counts.lostMessages++;
              this.sched.push(from, `peer-reply:${op}`, () => finish({ kind: 'reply', outcome }));
            }, this.fault);
          });
        }),
    };
  }
}
