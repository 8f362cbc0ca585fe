// The availability stream of one event: seat changes are collected as they are applied and published
// as one coalesced diff per tick with the next seq; snapshots are served from the last published state,
// so a snapshot and the diffs after it always fit together.
import type { Clock, TimerHandle } from './clock';
import type { DiffPush, EventFeed, EventInfo, SnapshotView } from './event-service';

/** What a diff stream publishes to, and how. */
export interface DiffStreamDeps {
  eventId: string;
  epoch: number;
  feed: EventFeed;
  clock: Clock;
  tickMs: number;
  /** The event's available places per area now. */
  areas(): Record<string, number>;
}

/** One event's coalesced diffs and the state they were published from. */
export class DiffStream {
  /** Availability as of the last published diff: snapshots are served from here. */
  private readonly published: Uint8Array;
  private publishedAreas: Record<string, number>;
  private seq = 0;
  private readonly pendingChanges = new Map<number, number>();
  private areasDirty = false;
  private tickTimer: TimerHandle | null = null;
  /** When the last diff went out (epoch ms), for the one-diff-per-tick pacing. */
  private lastPublishAt = -Infinity;
  private closed = false;

  /** Starts from `status` (copied) and `areas` as published state at seq 0. */
  constructor(
    status: Uint8Array,
    areas: Record<string, number>,
    private readonly deps: DiffStreamDeps,
  ) {
    this.published = status.slice();
    this.publishedAreas = areas;
  }

  /** Availability as of the last published diff. */
  snapshot(): SnapshotView {
    return { epoch: this.deps.epoch, seq: this.seq, status: this.published, areas: this.publishedAreas };
  }

  /** Records seats now in `status` (and that `areas` changed), arming the tick if needed. */
  mark(seats: number[], status: number, areas: Record<string, number>): void {
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
        this.publish();
      });
    }
  }

  /**
   * Publishes an empty diff of this epoch, so viewers (and other nodes' replicas) holding an older
   * epoch learn at once that they must take a new snapshot (after a failover or hand-off); with
   * `event`, the diff also tells them the event's edited public fields.
   */
  announce(event?: EventInfo): void {
    this.seq += 1;
    const diff: DiffPush = { epoch: this.deps.epoch, seq: this.seq, changes: [] };
    if (event) diff.event = event;
    this.deps.feed.diff(this.deps.eventId, diff);
  }

  /** Publishes what is pending now, then stops the tick. */
  flush(): void {
    this.tickTimer?.cancel();
    this.tickTimer = null;
    this.publish();
  }

  /** Stops publishing for good (the actor stopped). */
  close(): void {
    this.closed = true;
    this.tickTimer?.cancel();
  }

  /** Emits the changes since the last diff as one diff with the next seq. */
  private publish(): void {
    if (this.closed || (this.pendingChanges.size === 0 && !this.areasDirty)) return;
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
      const now = this.deps.areas();
      for (const id in now) {
        if (now[id] !== this.publishedAreas[id]) (areas ??= {})[id] = now[id];
      }
      this.publishedAreas = now;
    }
    if (changes.length === 0 && !areas) return;
    this.seq += 1;
    this.lastPublishAt = this.deps.clock.now();
    const { eventId, epoch } = this.deps;
    const diff: DiffPush = areas ? { epoch, seq: this.seq, changes, areas } : { epoch, seq: this.seq, changes };
    this.deps.feed.diff(eventId, diff);
  }
}
