// One virtual user's live view of an event: the snapshot's seat statuses and area counts, kept current
// by diffs. A diff whose seq is not the next one, or of another epoch, makes the view stale: the owner
// subscribes again (docs/protocol.md "Pushes").
'use strict';

const { inflateRawSync } = require('node:zlib');

/** docs/protocol.md: seat statuses in snapshots and diffs. */
const AVAILABLE = 0;

/**
 * A snapshot's statuses, one byte per seat: v1 snapshots carry them so; packed ones (docs/protocol.md,
 * "Snapshot packing") as raw DEFLATE of 2 bits per seat, seat i in byte i >> 2 at bits 2 * (i & 3).
 */
function statusOf(snapshot) {
  if (snapshot.encoding !== 'packed') return Uint8Array.from(snapshot.status);
  const seats = snapshot.seats;
  const packed = inflateRawSync(snapshot.status, { maxOutputLength: Math.max(1, (seats + 3) >> 2) });
  if (packed.length !== (seats + 3) >> 2) throw new Error(`a packed snapshot of ${seats} seats inflated to ${packed.length} bytes`);
  const status = new Uint8Array(seats);
  for (let i = 0; i < seats; i++) status[i] = (packed[i >> 2] >> ((i & 3) << 1)) & 3;
  return status;
}

/** Seat statuses by seat index, and available places by area, as of diff `seq` of `epoch`. */
class SeatView {
  constructor(snapshot) {
    this.reset(snapshot);
  }

  /** Replaces the view with a snapshot. */
  reset(snapshot) {
    this.epoch = snapshot.epoch;
    this.seq = snapshot.seq;
    this.status = statusOf(snapshot);
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
