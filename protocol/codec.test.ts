import { encode as referenceEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { codecFor, decodeSnapshotStatus, encodeSnapshotStatus, jsonCodec, msgpackCodec, type Codec } from './codec';
import { AisleError } from './error-codes';
import type { ServerMessage, SnapshotMessage } from './server-messages';
import { parseClientMessage } from './validate';

function snapshot(seats: number): SnapshotMessage {
  const status = new Uint8Array(seats);
  for (let i = 0; i < seats; i++) status[i] = (i * 7 + (i >> 3)) % 4;
  return { type: 'snapshot', rid: 3, eventId: 'rock', epoch: 2, seq: 41, status, areas: { floor: 120 } };
}

const messages: ServerMessage[] = [
  { type: 'authed', rid: 1, userId: 'alice', role: 'customer' },
  snapshot(10),
  { type: 'unsubscribed', rid: 'u', eventId: 'rock' },
  { type: 'held', rid: 2, eventId: 'rock', holdId: 'h1', seats: ['A-1-1'], areas: {}, expiresAt: 1_750_000_000_000 },
  { type: 'released', rid: 2, eventId: 'rock', holdId: 'h1', seats: [], areas: { floor: 2 } },
  {
    type: 'order', rid: 4, eventId: 'rock', orderId: 'o1', holdId: 'h1', seats: ['A-1-1'], areas: {}, total: 4500,
    status: 'confirmed',
  },
  {
    type: 'stats', eventId: 'rock', available: 10, held: 2, sold: 3, blocked: 1, staffHeld: 0, revenue: 13_500, ordersLastMinute: 1,
    seatsSoldLastMinute: 3, revenueLastMinute: 13_500, viewers: 250,
  },
  { type: 'pong', rid: 5, now: 1_750_000_000_123 },
  { type: 'error', rid: 6, code: 'seat_unavailable', message: 'taken', seats: ['A-1-2'] },
  { type: 'error', code: 'bad_request', message: 'the frame could not be decoded' },
  { type: 'diff', eventId: 'rock', epoch: 2, seq: 42, changes: [[0, 1], [17, 2]], areas: { floor: 118 } },
  { type: 'expired', eventId: 'rock', holdId: 'h1' },
];

describe.each<[string, Codec]>([['msgpack', msgpackCodec], ['json', jsonCodec]])('%s codec', (name, codec) => {
  it('names its encoding and is what codecFor returns', () => {
    expect(codec.encoding).toBe(name);
    expect(codecFor(codec.encoding)).toBe(codec);
  });

  it.each(messages.map((m) => [m.type, m] as const))('round-trips a %s message', (_type, message) => {
    expect(codec.decode(codec.encode(message))).toEqual(message);
  });

  it('round-trips a 100,000-seat snapshot to a Uint8Array', () => {
    const message = snapshot(100_000);
    const decoded = codec.decode(codec.encode(message)) as SnapshotMessage;
    expect(decoded.status).toBeInstanceOf(Uint8Array);
    expect(decoded.status.length).toBe(100_000);
    expect(decoded).toEqual(message);
  });

  it('round-trips client requests through the validator', () => {
    const requests = [
      { type: 'hold', rid: 'r-1', eventId: 'rock', seats: ['A-1-1', 'A-1-2'], holdId: 'h' },
      { type: 'hold', rid: 2, eventId: 'rock', best: { count: 3, accessible: true } },
      { type: 'release', rid: 3, eventId: 'rock', holdId: 'h', areas: { floor: 1 } },
      { type: 'ping' },
    ];
    for (const request of requests) {
      expect(parseClientMessage(codec.decode(codec.encode(request)))).toEqual({ ok: true, message: request });
    }
  });

  it('leaves out undefined fields, as JSON does', () => {
    expect(codec.decode(codec.encode({ type: 'pong', rid: undefined, now: 1 }))).toEqual({ type: 'pong', now: 1 });
  });

  it('decodes from an ArrayBuffer', () => {
    const encoded = codec.encode({ type: 'ping', rid: 1 });
    const bytes = typeof encoded === 'string' ? new TextEncoder().encode(encoded) : encoded;
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(codec.decode(buffer)).toEqual({ type: 'ping', rid: 1 });
  });

  it.each<[string, Uint8Array]>([
    ['an empty frame', new Uint8Array(0)],
    ['a truncated frame', new Uint8Array([0x82, 0xa4, 0x74])],
    ['invalid UTF-8 / a reserved msgpack byte', new Uint8Array([0xc1, 0xff, 0xfe])],
  ])('throws bad_request on %s', (_name, bytes) => {
    expect(() => codec.decode(bytes)).toThrow(AisleError);
    try {
      codec.decode(bytes);
    } catch (error) {
      expect((error as AisleError).code).toBe('bad_request');
      expect((error as AisleError).cause).toBeDefined();
    }
  });
});

describe('msgpack codec', () => {
  it('sends status as bin, one byte per seat', () => {
    const message = snapshot(300);
    const bytes = msgpackCodec.encode(message);
    // bin 16 header (0xc5, length 0x012c) followed by the status bytes verbatim.
    const at = bytes.findIndex((b, i) => b === 0xc5 && bytes[i + 1] === 0x01 && bytes[i + 2] === 0x2c);
    expect(at).toBeGreaterThan(0);
    expect(bytes.subarray(at + 3, at + 3 + 300)).toEqual(message.status);
    expect(bytes).toEqual(referenceEncode(message));
  });

  it('returns bytes that later encodes do not overwrite', () => {
    const first = msgpackCodec.encode({ type: 'pong', now: 1 });
    const copy = first.slice();
    msgpackCodec.encode({ type: 'pong', now: 2 });
    msgpackCodec.encode(snapshot(5000));
    expect(first).toEqual(copy);
  });

  it('encodes for an immediate send the same bytes without a copy; a kept frame is untouched by it', () => {
    const kept = msgpackCodec.encode({ type: 'pong', now: 1 });
    const copy = kept.slice();
    const message = { type: 'held', eventId: 'e', holdId: 'h', seats: ['s-1-1'], areas: {}, expiresAt: 1_796_000_000_000, rid: undefined };
    expect(Buffer.from(msgpackCodec.encodeToSend(message)).equals(Buffer.from(msgpackCodec.encode(message)))).toBe(true);
    // A view into one buffer: the next encodeToSend reuses it (the socket must have copied by then).
    const first = msgpackCodec.encodeToSend({ type: 'pong', now: 7 });
    const second = msgpackCodec.encodeToSend({ type: 'pong', now: 8 });
    expect(first.buffer).toBe(second.buffer);
    expect(msgpackCodec.decode(second)).toEqual({ type: 'pong', now: 8 });
    expect(kept).toEqual(copy);
    expect(jsonCodec.encodeToSend(message)).toBe(jsonCodec.encode(message));
  });

  it('copies a decoded status out of the frame, which the transport may reuse', () => {
    const frame = msgpackCodec.encode(snapshot(50));
    const decoded = msgpackCodec.decode(frame) as SnapshotMessage;
    const before = decoded.status.slice();
    frame.fill(0xff);
    expect(decoded.status).toEqual(before);
  });

  it('throws bad_request on text, trailing bytes and __proto__ keys', () => {
    const withExtra = new Uint8Array([...msgpackCodec.encode({ type: 'ping' }), 0x00]);
    // fixmap 1, fixstr "__proto__", fixmap 0
    const proto = new Uint8Array([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x80]);
    for (const frame of ['{"type":"ping"}', withExtra, proto]) {
      expect(() => msgpackCodec.decode(frame)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    }
  });
});

describe('json codec', () => {
  it('sends status as a string of digits', () => {
    const text = jsonCodec.encode({ ...snapshot(0), status: new Uint8Array([0, 1, 2, 3, 3, 0]) });
    expect(JSON.parse(text).status).toBe('012330');
  });

  it('leaves messages without a snapshot status untouched', () => {
    expect(jsonCodec.encode({ type: 'diff', eventId: 'e', epoch: 1, seq: 1, changes: [[1, 3]] })).toBe(
      '{"type":"diff","eventId":"e","epoch":1,"seq":1,"changes":[[1,3]]}',
    );
  });

  it.each(['', 'nope', '{"type":', '{"type":"ping"} x', "{'type':'ping'}"])('throws bad_request on %j', (text) => {
    expect(() => jsonCodec.decode(text)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('throws bad_request on a snapshot whose status is not digits 0..3', () => {
    for (const status of ['0124', '01a', '0１']) {
      expect(() => jsonCodec.decode(JSON.stringify({ type: 'snapshot', status }))).toThrow(
        expect.objectContaining({ code: 'bad_request' }),
      );
    }
  });

  it('keeps a JSON __proto__ key as an own property without touching prototypes', () => {
    const value = jsonCodec.decode('{"type":"ping","__proto__":{"polluted":1}}') as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });
});

describe('snapshot status helpers', () => {
  it('map bytes to digits and back', () => {
    const status = new Uint8Array([3, 2, 1, 0]);
    expect(encodeSnapshotStatus(status)).toBe('3210');
    expect(decodeSnapshotStatus('3210')).toEqual(status);
    expect(encodeSnapshotStatus(new Uint8Array(0))).toBe('');
    expect(decodeSnapshotStatus('')).toEqual(new Uint8Array(0));
  });

  it('refuse to encode a status that is not 0..3', () => {
    expect(() => encodeSnapshotStatus(new Uint8Array([0, 4]))).toThrow(RangeError);
  });
});
