// One virtual user's live view of an event: the snapshot's seat statuses and area counts, kept current
// by diffs. A diff whose seq is not the next one, or of another epoch, makes the view stale: the owner
// subscribes again (CONTRACT.md "Pushes").
'use strict';

/** CONTRACT.md: seat statuses in snapshots and diffs. */
const AVAILABLE = 0;

/** Seat statuses by seat index, and available places by area, as of diff `seq` of `epoch`. */
class SeatView {
  constructor(snapshot) {
    this.reset(snapshot);
  }

  /** Replaces the view with a snapshot. */
  reset(snapshot) {
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.status = Uint8Array.from(snapshot.status);
    this.areas = { ...snapshot.areas };
    this.stale = false;
  }

  /** Applies `diff`; false (and stale) when it does not follow the view. */
  apply(diff) {
    if (this.stale) return false;
    if (diff.epoch !== this.epoch || diff.seq !== this.seq + 1) {
      this.stale = true;
      return false;
    }
    for (const [index, status] of diff.changes) this.status[index] = status;
    if (diff.areas) Object.assign(this.areas, diff.areas);
    this.seq = diff.seq;
    return true;
  }

  /** Whether seat `index` is available as far as this view knows. */
  isAvailable(index) {
    return this.status[index] === AVAILABLE;
  }

  /** An area with at least `count` places left, or undefined. */
  areaWithRoom(count) {
    return Object.keys(this.areas).find((id) => this.areas[id] >= count);
  }
}

module.exports = { SeatView };
