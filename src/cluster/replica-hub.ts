// Viewer-side fan-out: for every event its viewers on this node watch, the node keeps a replica of the
// availability, fed by the owner's diffs from the bus. New viewers get their snapshot from the
// replica (reads scale with nodes), and each diff is republished to local subscribers once.
import type { Logger } from 'pino';
import type { DiffPush, EventFeed, Outcome, SnapshotView } from '../actor/event-service';
import type { DiffBus } from './diff-bus';
import type { SnapshotSource } from './routing-event-service';

/** How often replicas without local viewers are dropped. */
const SWEEP_EVERY_MS = 10_000;

interface Replica {
  epoch: number;
  seq: number;
  status: Uint8Array;
  areas: Record<string, number>;
  /** Resolves when loaded (or failed); while pending, diffs are buffered. */
  loading: Promise<Outcome<SnapshotView>> | null;
  buffer: DiffPush[];
  lastUsed: number;
}

/** What the hub needs of the rest of the node. */
export interface ReplicaHubDeps {
  bus: DiffBus;
  /** The owner's snapshot, wherever it lives. */
  ownerSnapshot: (eventId: string) => Promise<Outcome<SnapshotView>>;
  /** Local delivery of pushes (uWS topics). */
  local: EventFeed & { viewers(eventId: string): number };
  log: Logger;
  now?: () => number;
}

/** Replicas of watched events, kept in step by the diff bus. */
export class ReplicaHub implements SnapshotSource {
  private readonly replicas = new Map<string, Replica>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly deps: ReplicaHubDeps) {
    this.now = deps.now ?? Date.now;
    deps.bus.onDiff((eventId, diff) => this.onDiff(eventId, diff));
    deps.bus.onExpired((userId, eventId, holdId) => deps.local.expired(userId, eventId, holdId));
    deps.bus.onQueue((userId, message) => deps.local.queue?.(userId, message));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** The replica's availability; loads it (subscribe, then fetch from the owner) on first use. */
  async snapshot(eventId: string): Promise<Outcome<SnapshotView>> {
    let replica = this.replicas.get(eventId);
    if (!replica) {
      replica = { epoch: -1, seq: -1, status: new Uint8Array(0), areas: {}, loading: null, buffer: [], lastUsed: this.now() };
      this.replicas.set(eventId, replica);
      replica.loading = this.load(eventId, replica, true);
    }
    replica.lastUsed = this.now();
    if (replica.loading) {
      const loaded = await replica.loading;
      if (!loaded.ok) return loaded;
    }
    return { ok: true, value: { epoch: replica.epoch, seq: replica.seq, status: replica.status, areas: replica.areas } };
  }

  /** Stops the sweeper and drops every replica. */
  close(): void {
    clearInterval(this.sweeper);
    for (const eventId of this.replicas.keys()) void this.deps.bus.unsubscribe(eventId);
    this.replicas.clear();
  }

  private onDiff(eventId: string, diff: DiffPush): void {
    this.deps.local.diff(eventId, diff);
    const replica = this.replicas.get(eventId);
    if (!replica) return;
    if (replica.loading) {
      replica.buffer.push(diff);
      return;
    }
    if (diff.epoch === replica.epoch && diff.seq <= replica.seq) return;
    if (diff.epoch === replica.epoch && diff.seq === replica.seq + 1) {
      apply(replica, diff);
      return;
    }
    // A gap or a new epoch: reload from the owner; viewers see the same gap and resubscribe.
    replica.buffer = [diff];
    replica.loading = this.load(eventId, replica, false);
  }

  private async load(eventId: string, replica: Replica, subscribe: boolean): Promise<Outcome<SnapshotView>> {
    try {
      // Subscribe first, so no diff between the snapshot and the subscription is missed.
      if (subscribe) await this.deps.bus.subscribe(eventId);
      const outcome = await this.deps.ownerSnapshot(eventId);
      if (!outcome.ok) {
        this.drop(eventId, replica);
        return outcome;
      }
      const snap = outcome.value;
      replica.epoch = snap.epoch;
      replica.seq = snap.seq;
      replica.status = snap.status.slice();
      replica.areas = { ...snap.areas };
      for (const diff of replica.buffer.splice(0)) {
        if (diff.epoch === replica.epoch && diff.seq === replica.seq + 1) apply(replica, diff);
      }
      replica.loading = null;
      return outcome;
    } catch (error) {
      this.deps.log.error({ err: error, eventId }, 'replica load failed');
      this.drop(eventId, replica);
      return { ok: false, error: { code: 'unavailable', message: 'availability could not be loaded; retry' } };
    }
  }

  private drop(eventId: string, replica: Replica): void {
    if (this.replicas.get(eventId) !== replica) return;
    this.replicas.delete(eventId);
    void this.deps.bus.unsubscribe(eventId);
  }

  /** Replicas nobody on this node watches any more are dropped (and their bus subscription). */
  private sweep(): void {
    const idleSince = this.now() - SWEEP_EVERY_MS;
    for (const [eventId, replica] of this.replicas) {
      if (!replica.loading && replica.lastUsed < idleSince && this.deps.local.viewers(eventId) === 0) this.drop(eventId, replica);
    }
  }
}

function apply(replica: Replica, diff: DiffPush): void {
  for (const [seat, status] of diff.changes) replica.status[seat] = status;
  if (diff.areas) Object.assign(replica.areas, diff.areas);
  replica.seq = diff.seq;
}
