import { Encoder } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageWriter } from './msgpack-writer';

const reference = new Encoder({ ignoreUndefined: true });
const writer = new MessageWriter();

/** The writer's bytes (copied: the view is reused) or null when it declines. */
function written(value: object): Uint8Array | null {
  const bytes = writer.write(value);
  return bytes === null ? null : bytes.slice();
}

const integers = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer({ min: -0x8001, max: 0x10001 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.maxSafeNat(),
  fc.constantFrom(0, -0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1),
);
const numbers = fc.oneof(integers, fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, 0.5, 2 ** 53, -(2 ** 53)));
const strings = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ minLength: 250, maxLength: 300 }));
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    numbers,
    strings,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 20 }),
    fc.uint8Array({ maxLength: 8 }),
  ),
}));

describe('MessageWriter', () => {
  it('writes exactly what @msgpack/msgpack writes with ignoreUndefined, or declines', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 12 }), values.value, { maxKeys: 20 }), (message) => {
        const mine = written(message);
        if (mine !== null) expect(Buffer.from(mine).equals(Buffer.from(reference.encode(message)))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the replies of the hold loop, and declines what it leaves to the general encoder', () => {
    const replies = [
      { type: 'held', eventId: 'e-1', holdId: 'h_8fJ2kQx0aZ', seats: ['s-12-34', 's-12-35'], areas: {}, expiresAt: 1_796_529_999_123, rid: 7 },
      { type: 'released', eventId: 'e-1', holdId: 'h_8fJ2kQx0aZ', seats: ['s-12-34'], areas: { floor: 2 }, rid: 'r-8' },
      { type: 'pong', now: 1_796_529_999_123.5 },
      { type: 'error', code: 'seat_unavailable', message: 'seats are taken', seats: ['s-1-1'], rid: undefined },
    ];
    for (const reply of replies) expect(Buffer.from(written(reply)!).equals(Buffer.from(reference.encode(reply)))).toBe(true);
    expect(written({ type: 'snapshot', status: new Uint8Array(4) })).toBeNull();
    expect(written({ type: 'error', message: 'café' })).toBeNull();
    expect(written({ at: new Date(0) })).toBeNull();
    expect(written({ big: 10n as unknown as number })).toBeNull();
  });

  it('writes maps of 16 entries and more with their 16- and 32-bit headers', () => {
    for (const size of [15, 16, 17, 65_535, 65_536]) {
      const map = Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i]));
      expect(Buffer.from(written(map)!).equals(Buffer.from(reference.encode(map))), `size ${size}`).toBe(true);
    }
  });

  it('declines past the encoder\'s depth limit instead of overflowing', () => {
    let deep: object = {};
    for (let i = 0; i < 150; i++) deep = { d: deep };
    expect(written(deep)).toBeNull();
    expect(() => reference.encode(deep)).toThrow(/Too deep/);
  });
});
