import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { streamInflater } from './snapshot-reader';

describe('streamInflater (DecompressionStream)', () => {
  const inflate = streamInflater()!;

  it('is there in Node 20 and browsers', () => {
    expect(inflate).toBeTypeOf('function');
  });

  it('inflates raw DEFLATE to the bytes zlib deflated, one chunk or many', async () => {
    const small = Uint8Array.from({ length: 100 }, (_, i) => i % 3);
    const large = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);
    for (const original of [small, large, new Uint8Array(0)]) {
      const inflated = await inflate(deflateRawSync(original), original.length);
      expect(Buffer.from(inflated).equals(Buffer.from(original))).toBe(true);
    }
  });

  it('refuses output beyond maxBytes with a RangeError', async () => {
    await expect(inflate(deflateRawSync(new Uint8Array(1000)), 999)).rejects.toThrow(RangeError);
  });

  it('rejects corrupt input instead of hanging or throwing later', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(inflate(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 100)).rejects.toBeDefined();
      // Truncated: a valid start with no end.
      const truncated = deflateRawSync(new Uint8Array(1000).fill(7)).subarray(0, 3);
      await expect(inflate(truncated, 1000)).rejects.toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
