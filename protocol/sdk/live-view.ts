// The live availability of one event: a snapshot with every diff applied in order. A diff that does not
// follow (a gap in `seq`, or a new `epoch` after an owner change) makes the view ask for a fresh snapshot
// instead of drifting; until it arrives the view keeps showing the last known state and says it is stale.
import type { AreaCounts, DiffMessage, SeatStatusCode, SnapshotMessage } from '../server-messages';
import { SEAT_STATUS } from '../seat-status';
import { Emitter } from './emitter';

/** Seat counts by status. */
export interface StatusCounts {
  available: number;
  held: number;
  sold: number;
  blocked: number;
}

/** What changed: `indexes` are seat indexes (all of them after a snapshot), `areas` the area ids. */
export interface ViewChange {
  /** True when a snapshot replaced the whole state: redraw everything. */
  full: boolean;
  /** Seat indexes whose status changed (empty when `full`). */
  indexes: number[];
  /** Areas whose availability changed. */
  areas: string[];
}

/** Why a view asked for a new snapshot. */
export interface ResyncReason {
  reason: 'gap' | 'epoch' | 'reconnect';
  expected?: { epoch: number; seq: number };
  got?: { epoch: number; seq: number };
}

/** Events of a LiveView. */
export interface LiveViewEvents {
  [key: string]: unknown;
  change: ViewChange;
  resync: ResyncReason;
  /** The subscription's snapshot arrived: the view is live (also when it only confirmed a seed). */
  current: void;
}

const STATUS_NAMES = ['available', 'held', 'sold', 'blocked'] as const;

/** Status code → name. */
export function statusName(code: number): keyof StatusCounts {
  return STATUS_NAMES[code] ?? 'blocked';
}

/** Diffs kept while a snapshot is awaited; past this a gap simply triggers another resync. */
const MAX_EARLY_DIFFS = 1000;

/** The availability of one event, kept current from the event's diffs. */
export class LiveView extends Emitter<LiveViewEvents> {
  /** Ownership epoch of the state shown. */
  epoch = 0;
  /** Last diff applied (or the snapshot's seq). */
  seq = 0;
  /** Seat index → status code; replaced by each snapshot, changed in place by diffs. */
  status: Uint8Array = new Uint8Array(0);
  /** areaId → available places. */
  areas: AreaCounts = {};
  /** False while a fresh snapshot is awaited (after a gap, an epoch change or a reconnect). */
  current = false;
  /** Diffs received while waiting for a snapshot. */
  private readonly early: DiffMessage[] = [];
  /** Whether a first snapshot arrived. */
  loaded = false;
  /** Whether a seed (a snapshot from elsewhere, e.g. over HTTP) is shown until the first snapshot. */
  private seeded = false;
  /** Diffs applied since the view was made. */
  diffsApplied = 0;
  /** Snapshots taken after the first one. */
  resyncs = 0;
  private closed = false;

  /** @param requestSnapshot asks the server for a new snapshot (unsubscribe + subscribe). */
  constructor(
    readonly eventId: string,
    private readonly requestSnapshot: (view: LiveView) => void,
  ) {
    super();
  }

  /** The status code of seat `index`. */
  get(index: number): SeatStatusCode {
    return this.status[index] as SeatStatusCode;
  }

  /** Seats per status, counted now. */
  counts(): StatusCounts {
    const counts: StatusCounts = { available: 0, held: 0, sold: 0, blocked: 0 };
    for (let i = 0; i < this.status.length; i++) counts[statusName(this.status[i])]++;
    return counts;
  }

  /** Whether the view was closed (unsubscribed). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves once the view is current (at once when it is). */
  async whenCurrent(): Promise<void> {
    if (!this.current) await this.once('current');
  }

  /**
   * @internal Shows `snapshot` (fetched over HTTP, say) until the subscription's first snapshot arrives;
   * the view stays not `current` meanwhile, and diffs wait for that snapshot as they would anyway.
   */
  seed(snapshot: SnapshotMessage): void {
    if (this.closed || this.loaded) return;
    this.seeded = true;
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.status = snapshot.status;
    this.areas = { ...snapshot.areas };
    this.emit('change', { full: true, indexes: [], areas: Object.keys(this.areas) });
  }

  /** @internal Replaces the state with a snapshot (one of the seed's state, the same epoch and seq, only confirms it: nothing to redraw). */
  applySnapshot(snapshot: SnapshotMessage): void {
    if (this.closed) return;
    const confirmsSeed = !this.loaded && this.seeded && snapshot.epoch === this.epoch && snapshot.seq === this.seq && snapshot.status.length === this.status.length;
    if (this.loaded) this.resyncs++;
    this.loaded = true;
    this.current = true;
    if (!confirmsSeed) {
      this.epoch = snapshot.epoch;
      this.seq = snapshot.seq;
      this.status = snapshot.status;
      this.areas = { ...snapshot.areas };
      this.emit('change', { full: true, indexes: [], areas: Object.keys(this.areas) });
    }
    this.emit('current', undefined);
    // Diffs that arrived before the snapshot's reply was handled (both can come in one read) follow it.
    for (const diff of this.early.splice(0)) this.applyDiff(diff);
  }

  /** @internal Applies a diff, or starts a resync when it does not follow the state shown. */
  applyDiff(diff: DiffMessage): void {
    if (this.closed) return;
    if (!this.current) {
      // A snapshot is on its way; diffs newer than it are applied after it (older ones are skipped then).
      if (this.early.length < MAX_EARLY_DIFFS) this.early.push(diff);
      return;
    }
    if (diff.epoch === this.epoch && diff.seq <= this.seq) return; // already included
    if (diff.epoch !== this.epoch || diff.seq !== this.seq + 1) {
      this.resync({
        reason: diff.epoch !== this.epoch ? 'epoch' : 'gap',
        expected: { epoch: this.epoch, seq: this.seq + 1 },
        got: { epoch: diff.epoch, seq: diff.seq },
      });
      return;
    }
    this.seq = diff.seq;
    const indexes: number[] = new Array(diff.changes.length);
    for (let i = 0; i < diff.changes.length; i++) {
      const [index, code] = diff.changes[i];
      if (index >= 0 && index < this.status.length) this.status[index] = code;
      indexes[i] = index;
    }
    const areas = diff.areas ? Object.keys(diff.areas) : [];
    if (diff.areas) Object.assign(this.areas, diff.areas);
    this.diffsApplied++;
    this.emit('change', { full: false, indexes, areas });
  }

  /** @internal Marks the view stale and asks for a new snapshot. */
  resync(reason: ResyncReason): void {
    if (this.closed) return;
    this.current = false;
    this.emit('resync', reason);
    this.requestSnapshot(this);
  }

  /** @internal Called when the view is unsubscribed. */
  markClosed(): void {
    this.closed = true;
    this.current = false;
  }
}

/** Status codes by name, re-exported for callers drawing a map. */
export { SEAT_STATUS };
