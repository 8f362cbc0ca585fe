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

  it('given entries, then retain keeps exactly those accepted, still in time order (model check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }), (entries) => {
        const heap = new ExpiryHeap();
        entries.forEach(([time], i) => heap.push(time, `h${i}`));
        const kept = new Set(entries.flatMap(([, keep], i) => (keep ? [`h${i}`] : [])));
        heap.retain((_, id) => kept.has(id));
        const model = entries.filter(([, keep]) => keep).map(([time]) => time).sort((a, b) => a - b);
        expect(heap.size).toBe(model.length);
        const out: number[] = [];
        const ids: string[] = [];
        while (heap.size > 0) {
          out.push(heap.peekTime() as number);
          ids.push(heap.peekId() as string);
          heap.pop();
        }
        expect(out).toEqual(model);
        expect(new Set(ids)).toEqual(kept);
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
