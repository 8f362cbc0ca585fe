import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from './expiry-heap';

describe('ExpiryHeap', () => {
  it('given an empty heap, then nothing to peek and pop is a no-op', () => {
    const heap = new ExpiryHeap();
    heap.pop();
    expect(heap.size).toBe(0);
    expect(heap.peekTime()).toBeUndefined();
    expect(heap.peekId()).toBeUndefined();
  });

  it('given random pushes and pops, then entries come out in time order (model check)', () => {
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 50 }) }), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new ExpiryHeap();
        const model: number[] = [];
        ops.forEach((o, i) => {
          if ('push' in o) {
            heap.push(o.push, `h${i}`);
            model.push(o.push);
            model.sort((a, b) => a - b);
          } else {
            heap.pop();
            model.shift();
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peekTime()).toBe(model[0]);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('given entries, then forEachDue visits exactly those at or before now and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 100 }), fc.integer({ min: -1, max: 101 }), (times, now) => {
        const heap = new ExpiryHeap();
        times.forEach((t, i) => heap.push(t, `h${i}`));
        const seen: string[] = [];
        heap.forEachDue(now, (time, id) => {
          expect(time).toBeLessThanOrEqual(now);
          seen.push(id);
        });
        const due = times.flatMap((t, i) => (t <= now ? [`h${i}`] : []));
        expect(seen.sort()).toEqual(due.sort());
        expect(heap.size).toBe(times.length);
      }),
      { numRuns: 300 },
    );
  });
});
