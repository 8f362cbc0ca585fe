// Snapshot replies, encoded once per published state and shared by every subscriber of it. A 100,000-
// seat event's v1 snapshot is ~100 KB of msgpack (and as much JSON), its packed form ~1 KB but a deflate
// to make: at an on-sale thousands subscribe between two diffs, so each (event, epoch, seq) is encoded
// at most once per encoding and packing, and each request only splices its `rid` in front (a copy of
// the frame, no re-encoding). Entries are keyed by the state they show, so a stale one is never served;
// `invalidate` (on each diff) only frees them early.
import { deflateRawSync, constants as zlib } from 'node:zlib';
import type { Encoding, PackedSnapshotMessage, Rid, SnapshotMessage, SnapshotPacking } from '../../protocol';
import { jsonCodec, msgpackCodec, packStatus } from '../../protocol';
import type { SnapshotView } from '../actor/event-service';

/** Events whose frames are kept; beyond it the least recently built go (a frame is up to ~200 KB). */
const DEFAULT_MAX_EVENTS = 64;
/** MessagePack fixmap header: 0x80 | entries, for maps of up to 15 entries (a snapshot has ≤ 9). */
const FIXMAP = 0x80;
const FIXMAP_MAX = 15;
const utf8 = new TextEncoder();
const OPEN_BRACE = 0x7b;

/** One event's frames, for one published state. */
interface Entry {
  epoch: number;
  seq: number;
  /** By encoding and packing; built on first use. */
  frames: Map<string, Uint8Array>;
}

/** The packed form's status: 2-bit statuses, raw DEFLATE (docs/protocol.md, "Snapshot packing"). */
export function deflatePackedStatus(status: Uint8Array): Uint8Array {
  // Level 9 and the default strategy: built once per state, so the smallest output is worth the time
  // (~2 ms for 100,000 seats); long runs of one status are what makes it ~1 KB.
  return deflateRawSync(packStatus(status), { level: zlib.Z_BEST_COMPRESSION });
}

/** The snapshot message of `view` in `packing`, without `rid`. */
export function snapshotMessage(eventId: string, view: SnapshotView, packing: SnapshotPacking): SnapshotMessage | PackedSnapshotMessage {
  const { epoch, seq, status, areas } = view;
  if (packing === 'packed') {
    return { type: 'snapshot', eventId, epoch, seq, encoding: 'packed', seats: status.length, status: deflatePackedStatus(status), areas };
  }
  return { type: 'snapshot', eventId, epoch, seq, status, areas };
}

/** `frame` (an encoded message without `rid`) with `rid` added, as a new frame. */
export function spliceRid(frame: Uint8Array, encoding: Encoding, rid: Rid | undefined): Uint8Array {
  if (rid === undefined) return frame;
  let head: Uint8Array;
  let skip: number;
  if (encoding === 'msgpack') {
    const entries = frame[0] ^ FIXMAP;
    if (entries < 0 || entries >= FIXMAP_MAX) throw new RangeError('a snapshot frame must be a small msgpack map');
    const key = msgpackCodec.encode(['rid', rid]);
    // The array header (1 byte) is replaced by the map's new header: 'rid' and its value are one entry.
    head = key;
    head[0] = FIXMAP | (entries + 1);
    skip = 1;
  } else {
    if (frame[0] !== OPEN_BRACE) throw new RangeError('a snapshot frame must be a JSON object');
    head = utf8.encode(`{"rid":${JSON.stringify(rid)},`);
    skip = 1;
  }
  const out = new Uint8Array(head.length + frame.length - skip);
  out.set(head, 0);
  out.set(frame.subarray(skip), head.length);
  return out;
}

/** Encoded snapshot frames of the latest published state of each event, shared by its subscribers. */
export class SnapshotFrames {
  private readonly entries = new Map<string, Entry>();
  /** Frames encoded (not served from the cache), for tests and metrics. */
  encoded = 0;

  constructor(private readonly maxEvents = DEFAULT_MAX_EVENTS) {}

  /**
   * The snapshot reply of `eventId` at `view` in `encoding` and `packing`, with `rid`. `view.status`
   * is only read here, synchronously: the caller sends the frame before the state can move on.
   */
  frame(eventId: string, view: SnapshotView, encoding: Encoding, packing: SnapshotPacking, rid?: Rid): Uint8Array {
    let entry = this.entries.get(eventId);
    if (!entry || entry.epoch !== view.epoch || entry.seq !== view.seq) {
      entry = { epoch: view.epoch, seq: view.seq, frames: new Map() };
      this.entries.delete(eventId);
      this.entries.set(eventId, entry);
      if (this.entries.size > this.maxEvents) this.entries.delete(this.entries.keys().next().value as string);
    }
    const key = `${encoding}:${packing}`;
    let frame = entry.frames.get(key);
    if (!frame) {
      const message = snapshotMessage(eventId, view, packing);
      frame = encoding === 'msgpack' ? msgpackCodec.encode(message) : utf8.encode(jsonCodec.encode(message));
      entry.frames.set(key, frame);
      this.encoded++;
    }
    return spliceRid(frame, encoding, rid);
  }

  /** Drops `eventId`'s frames: its state moved on (a diff was published). */
  invalidate(eventId: string): void {
    this.entries.delete(eventId);
  }
}
