import { describe, expect, it } from 'vitest';
import { HashRing, murmur3 } from './hash-ring';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `event-${i}`);

function owners(ring: HashRing): string[] {
  return KEYS.map((key) => ring.ownerOf(key) ?? '');
}

describe('murmur3', () => {
  it('matches the reference MurmurHash3_x86_32 values', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('hello')).toBe(0x248bfa47);
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('hashes the UTF-8 bytes of keys that are not ASCII, and of long keys, as the reference does', () => {
    expect(murmur3('événement-漢字-😀')).toBe(0xb0c83ae6);
    expect(murmur3('x'.repeat(300))).toBe(0xbbd3159d);
    // The ASCII path reuses a buffer: a shorter key after a longer one is not mixed with its bytes.
    expect(murmur3('hello')).toBe(0x248bfa47);
  });
});

describe('HashRing', () => {
  it('has no owner when empty', () => {
    expect(new HashRing([]).ownerOf('event-1')).toBeUndefined();
  });

  it('gives the same owners whatever the order of construction (and ignores duplicates)', () => {
    const reference = owners(new HashRing(['node-a', 'node-b', 'node-c']));
    expect(owners(new HashRing(['node-c', 'node-a', 'node-b']))).toEqual(reference);
    expect(owners(new HashRing(['node-b', 'node-c', 'node-a', 'node-b']))).toEqual(reference);
  });

  it('spreads 10,000 keys over 3 nodes within ±15% of even', () => {
    const counts = new Map<string, number>();
    for (const owner of owners(new HashRing(['node-a', 'node-b', 'node-c']))) {
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['node-a', 'node-b', 'node-c']);
    const even = KEYS.length / 3;
    for (const count of counts.values()) {
      expect(Math.abs(count - even) / even).toBeLessThanOrEqual(0.15);
    }
  });

  it('moves only ~1/N of the keys, all to the joining node, when a node joins', () => {
    const before = owners(new HashRing(['node-a', 'node-b', 'node-c']));
    const after = owners(new HashRing(['node-a', 'node-b', 'node-c', 'node-d']));
    let moved = 0;
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === after[i]) continue;
      moved++;
      expect(after[i]).toBe('node-d');
    }
    expect(moved / KEYS.length).toBeGreaterThan(0.25 * 0.85);
    expect(moved / KEYS.length).toBeLessThan(0.25 * 1.15);
  });

  it('moves only the leaving node\'s keys when a node leaves', () => {
    const before = owners(new HashRing(['node-a', 'node-b', 'node-c', 'node-d']));
    const after = owners(new HashRing(['node-a', 'node-b', 'node-d']));
    for (let i = 0; i < KEYS.length; i++) {
      if (before[i] === 'node-c') expect(after[i]).not.toBe('node-c');
      else expect(after[i]).toBe(before[i]);
    }
  });

  it('refuses a non-positive number of virtual nodes', () => {
    expect(() => new HashRing(['node-a'], 0)).toThrow(RangeError);
  });
});
