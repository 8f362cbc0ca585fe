// Given misses recorded on a fixed clock, when time passes or ids flood in, then a miss is believed for
// the TTL only and the set never grows past its capacity.
import { describe, expect, it } from 'vitest';
import { MissingEvents } from './missing-events';

describe('MissingEvents', () => {
  it('believes a miss for the TTL, then asks again', () => {
    const misses = new MissingEvents(1000, 10);
    misses.add('ghost', 0);
    expect(misses.has('ghost', 999)).toBe(true);
    expect(misses.has('ghost', 1000)).toBe(false);
    expect(misses.size).toBe(0);
  });

  it('never holds more than its capacity, forgetting the oldest first', () => {
    const misses = new MissingEvents(1000, 100);
    for (let i = 0; i < 200_000; i++) misses.add(`made-up-${i}`, 0);
    expect(misses.size).toBe(100);
    expect(misses.has('made-up-0', 1)).toBe(false);
    expect(misses.has('made-up-199999', 1)).toBe(true);
  });

  it('drops expired misses as new ones come', () => {
    const misses = new MissingEvents(10, 1000);
    for (let t = 0; t < 1000; t++) misses.add(`id-${t}`, t);
    expect(misses.size).toBeLessThanOrEqual(11);
  });
});
