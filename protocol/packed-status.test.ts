import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64';
import { jsonCodec, msgpackCodec } from './codec';
import { AisleError } from './error-codes';
import { packStatus, packedLength, unpackStatus } from './packed-status';
import type { PackedSnapshotMessage } from './server-messages';
import { parseClientMessage } from './validate';

describe('packed statuses', () => {
  it('puts seat i in byte i >> 2 at bits 2 * (i & 3)', () => {
    expect(Array.from(packStatus(Uint8Array.of(1, 2, 3, 0, 3)))).toEqual([0b00_11_10_01, 0b11]);
    expect(packedLength(0)).toBe(0);
    expect(packedLength(5)).toBe(2);
  });

  it('unpacks what it packs, for any seat count', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 999 }).map((a) => a.map((b) => b & 3)), (status) => {
        expect(Array.from(unpackStatus(packStatus(status), status.length))).toEqual(Array.from(status));
      }),
    );
  });

  it('refuses statuses over 3, a length that does not fit the seats, and bits past the last seat', () => {
    expect(() => packStatus(Uint8Array.of(0, 4))).toThrow(RangeError);
    expect(() => unpackStatus(new Uint8Array(2), 9)).toThrow(AisleError);
    expect(() => unpackStatus(new Uint8Array(1), -1)).toThrow(AisleError);
    expect(() => unpackStatus(Uint8Array.of(0b0100_0000), 3)).toThrow(/past its last seat/);
    expect(Array.from(unpackStatus(Uint8Array.of(0b0011_1001), 3))).toEqual([1, 2, 3]);
  });
});

describe('base64', () => {
  it('matches Node for any bytes, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(decodeBase64(text))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('refuses what is not padded standard base64', () => {
    for (const bad of ['abc', 'ab=c', 'a-b_', '====', 'éééé', 'YQ=']) expect(() => decodeBase64(bad), bad).toThrow(AisleError);
  });
});

describe('packed snapshots in the codecs', () => {
  const message: PackedSnapshotMessage = {
    type: 'snapshot', rid: 9, eventId: 'rock', epoch: 2, seq: 5, encoding: 'packed', seats: 7, status: Uint8Array.of(1, 2, 250), areas: {},
  };

  it('carries the deflated bytes as bin in MessagePack and base64 in JSON', () => {
    expect(msgpackCodec.decode(msgpackCodec.encode(message))).toEqual(message);
    const text = jsonCodec.encode(message);
    expect(JSON.parse(text).status).toBe('AQL6');
    expect(jsonCodec.decode(text)).toEqual(message);
    expect(() => jsonCodec.decode(text.replace('AQL6', 'AQL'))).toThrow(AisleError);
  });

  it('lets subscribe ask for bytes or packed, and nothing else', () => {
    expect(parseClientMessage({ type: 'subscribe', eventId: 'rock', encoding: 'packed' })).toMatchObject({ ok: true, message: { encoding: 'packed' } });
    expect(parseClientMessage({ type: 'subscribe', eventId: 'rock', encoding: 'bytes' })).toMatchObject({ ok: true });
    expect(parseClientMessage({ type: 'subscribe', eventId: 'rock' })).toMatchObject({ ok: true });
    const refused = parseClientMessage({ type: 'subscribe', eventId: 'rock', encoding: 'gzip' });
    expect(refused.ok).toBe(false);
  });
});
