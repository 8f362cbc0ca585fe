// Viewers as the protocol's clients keep them: a snapshot, then diffs applied in seq order; a gap or a
// newer epoch asks for a new snapshot. Diffs travel as peer messages (lost and reordered by the seed).
import type { DiffPush, SnapshotView } from '../../src/actor/event-service';

/** One viewer of one event. */
export class Viewer {
  epoch = 0;
  seq = -1;
  status: Uint8Array | null = null;
  areas: Record<string, number> = {};
  resyncing = false;

  constructor(
    readonly name: string,
    readonly eventId: string,
    private readonly askSnapshot: (viewer: Viewer) => void,
    private readonly applied: (viewer: Viewer) => void,
  ) {}

  /** Drops what it knows and subscribes again (a reconnect). */
  reconnect(): void {
    this.status = null;
    this.resync();
  }

  resync(): void {
    if (this.resyncing) return;
    this.resyncing = true;
    this.askSnapshot(this);
  }

  snapshot(view: SnapshotView | null): void {
    this.resyncing = false;
    if (!view) return this.resync();
    if (this.status && (view.epoch < this.epoch || (view.epoch === this.epoch && view.seq < this.seq))) return;
    this.epoch = view.epoch;
    this.seq = view.seq;
    this.status = view.status.slice();
    this.areas = { ...view.areas };
    this.applied(this);
  }

  diff(diff: DiffPush): void {
    if (!this.status) return this.resync();
    if (diff.epoch < this.epoch) return;
    if (diff.epoch > this.epoch) return this.resync();
    if (diff.seq <= this.seq) return;
    if (diff.seq !== this.seq + 1) return this.resync();
    for (const [seat, status] of diff.changes) this.status[seat] = status;
    if (diff.areas) Object.assign(this.areas, diff.areas);
    this.seq = diff.seq;
    this.applied(this);
  }
}
