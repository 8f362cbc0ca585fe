import { inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Encoding, InflateRaw, PackedSnapshotMessage, SnapshotMessage, SnapshotPacking } from '../../protocol';
import { codecFor, unpackSnapshot } from '../../protocol';
import { streamInflater } from '../../protocol/sdk/snapshot-reader';
import type { SnapshotView } from '../actor/event-service';
import { SnapshotFrames, spliceRid } from './snapshot-frames';

const zlibInflate: InflateRaw = (bytes, maxBytes) => inflateRawSync(bytes, { maxOutputLength: Math.max(1, maxBytes) });
const inflaters: [string, InflateRaw][] = [['zlib', zlibInflate], ['DecompressionStream', streamInflater()!]];
const ENCODINGS: Encoding[] = ['msgpack', 'json'];

/** Statuses as runs (as venues sell: rows, blocks) with single seats in between. */
const statusesOf = (seats: fc.Arbitrary<number>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(seats, fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 300 })), { maxLength: 60 }))
    .map(([n, runs]) => {
      const status = new Uint8Array(n);
      let at = 0;
      for (const [code, length] of runs) {
        status.fill(code, at, Math.min(n, at + length));
        at += length;
        if (at >= n) at = (at * 7919) % Math.max(1, n);
      }
      return status;
    });
/** Seat counts that are not multiples of 4 (the last packed byte is partly padding). */
const oddSeats = fc.integer({ min: 0, max: 2500 }).chain((k) => fc.constantFrom(4 * k + 1, 4 * k + 2, 4 * k + 3));
const rid = fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d))), { nil: undefined });

/** Vitest's toEqual walks typed arrays element by element (~0.1 s per 10,000): compare bytes first. */
function expectSameStatus(got: Uint8Array, want: Uint8Array): void {
  if (!Buffer.from(got.buffer, got.byteOffset, got.length).equals(want)) expect(Array.from(got)).toEqual(Array.from(want));
}

/** A snapshot message with its status set aside (compared with expectSameStatus). */
function fields(message: SnapshotMessage | PackedSnapshotMessage): object {
  return { ...message, status: null };
}

function view(status: Uint8Array, seq = 7): SnapshotView {
  return { epoch: 3, seq, status, areas: { floor: 12, pit: 0 } };
}

function decode(frame: Uint8Array, encoding: Encoding): SnapshotMessage | PackedSnapshotMessage {
  const data = encoding === 'json' ? new TextDecoder().decode(frame) : frame;
  return codecFor(encoding).decode(data) as SnapshotMessage | PackedSnapshotMessage;
}

describe('SnapshotFrames', () => {
  it.each(inflaters)('packed decodes (%s) to exactly the byte-per-seat snapshot, for seat counts not multiples of 4', async (_name, inflate) => {
    await fc.assert(
      fc.asyncProperty(statusesOf(oddSeats), rid, fc.constantFrom(...ENCODINGS), async (status, r, encoding) => {
        const frames = new SnapshotFrames();
        const bytes = decode(frames.frame('rock', view(status), encoding, 'bytes', r), encoding);
        const packed = decode(frames.frame('rock', view(status), encoding, 'packed', r), encoding);
        expect(bytes.encoding).toBeUndefined();
        expect(packed.encoding).toBe('packed');
        expectSameStatus(bytes.status, status);
        const unpacked = await unpackSnapshot(packed, inflate);
        expectSameStatus(unpacked.status, status);
        expect(fields(unpacked)).toEqual(fields(bytes));
        expect(fields(bytes)).toEqual({ type: 'snapshot', eventId: 'rock', epoch: 3, seq: 7, status: null, areas: { floor: 12, pit: 0 }, ...(r === undefined ? {} : { rid: r }) });
      }),
      { numRuns: 150 },
    );
  });

  it('packed round-trips every seat count 0..40 of every status', async () => {
    for (let n = 0; n <= 40; n++) {
      for (let code = 0; code < 4; code++) {
        const status = new Uint8Array(n).fill(code);
        if (n > 2) status[n - 2] = (code + 1) % 4;
        const packed = decode(new SnapshotFrames().frame('e', view(status), 'msgpack', 'packed'), 'msgpack');
        expectSameStatus((await unpackSnapshot(packed, zlibInflate)).status, status);
      }
    }
  });

  it('encodes each state once per encoding and packing, and again only when the state moves on', () => {
    const frames = new SnapshotFrames();
    const status = new Uint8Array(1001);
    const kinds: [Encoding, SnapshotPacking][] = [['msgpack', 'bytes'], ['msgpack', 'packed'], ['json', 'bytes'], ['json', 'packed']];
    for (let subscriber = 0; subscriber < 50; subscriber++) {
      for (const [encoding, packing] of kinds) frames.frame('rock', view(status), encoding, packing, subscriber);
    }
    expect(frames.encoded).toBe(4);
    frames.frame('rock', view(status, 8), 'msgpack', 'packed', 1);
    expect(frames.encoded).toBe(5);
    frames.invalidate('rock');
    frames.frame('rock', view(status, 8), 'msgpack', 'packed', 2);
    expect(frames.encoded).toBe(6);
    // Another epoch at the same seq is another state.
    frames.frame('rock', { ...view(status, 8), epoch: 4 }, 'msgpack', 'packed', 3);
    expect(frames.encoded).toBe(7);
  });

  it('keeps at most maxEvents events', () => {
    const frames = new SnapshotFrames(2);
    const status = new Uint8Array(10);
    for (const id of ['a', 'b', 'c', 'a']) frames.frame(id, view(status), 'msgpack', 'bytes');
    // 'a' was evicted by 'c', so it was encoded twice.
    expect(frames.encoded).toBe(4);
  });

  it('a shared frame is never changed by splicing a rid into it', () => {
    const frames = new SnapshotFrames();
    const status = new Uint8Array(9).fill(2);
    const first = decode(frames.frame('rock', view(status), 'json', 'bytes', 'a'), 'json');
    const second = decode(frames.frame('rock', view(status), 'json', 'bytes'), 'json');
    expect(first.rid).toBe('a');
    expect(second.rid).toBeUndefined();
    expect(() => spliceRid(new Uint8Array([0x91, 0]), 'msgpack', 1)).toThrow(RangeError);
  });

  it('packs 100,000 free seats into less than 1 KB, and v1 stays one byte per seat', () => {
    const frames = new SnapshotFrames();
    const status = new Uint8Array(100_000);
    expect(frames.frame('big', view(status), 'msgpack', 'packed', 1).length).toBeLessThanOrEqual(1024);
    expect(frames.frame('big', view(status), 'msgpack', 'bytes', 1).length).toBeGreaterThan(100_000);
  });
});
