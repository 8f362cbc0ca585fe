import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueueLine } from './queue-line';

/** One change to a line: a join (of user `n`), a leave (of user `n`) or the first taken. */
type Op = { kind: 'append' | 'remove'; user: number } | { kind: 'shift' };

/** Takes the first in line (as an admission does): the first, then removed. */
function shift(line: QueueLine): string | undefined {
  const first = line.first();
  if (first !== undefined) line.remove(first);
  return first;
}

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), user: fc.nat(3_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), user: fc.nat(3_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('shift' as const) }) },
);

describe('QueueLine positions', () => {
  it('given any joins, leaves and admissions, then every position is the place in line order', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 3_000 }), (ops) => {
        const line = new QueueLine();
        const model: string[] = [];
        for (const o of ops) {
          if (o.kind === 'append') {
            line.append(`u${o.user}`);
            if (!model.includes(`u${o.user}`)) model.push(`u${o.user}`);
          } else if (o.kind === 'remove') {
            expect(line.remove(`u${o.user}`)).toBe(model.includes(`u${o.user}`));
            if (model.includes(`u${o.user}`)) model.splice(model.indexOf(`u${o.user}`), 1);
          } else {
            expect(shift(line)).toBe(model.shift());
          }
        }
        expect(line.users()).toEqual(model);
        model.forEach((user, i) => expect(line.positionOf(user)).toBe(i + 1));
        expect(line.positionOf('nobody')).toBe(0);
        const walked: number[] = [];
        line.forEachPosition((entry, position) => walked.push(position - 1 - model.indexOf(entry.userId)));
        expect(walked.every((d) => d === 0)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('given 5,000 joins and then most of the line admitted from the front, then the rest keep positions counted from 1', () => {
    const line = new QueueLine();
    for (let i = 0; i < 5_000; i++) line.append(`u${i}`);
    expect(line.positionOf('u4999')).toBe(5_000);
    for (let i = 0; i < 4_000; i++) shift(line);
    line.remove('u4500');
    expect(line.positionOf('u4000')).toBe(1);
    expect(line.positionOf('u4501')).toBe(501);
    expect(line.positionOf('u4999')).toBe(999);
    line.append('late');
    expect(line.positionOf('late')).toBe(1_000);
  });

  it('given 2,000 joins and every other one leaving (the line compacts), then positions count only those left', () => {
    const line = new QueueLine();
    for (let i = 0; i < 2_000; i++) line.append(`u${i}`);
    for (let i = 1; i < 2_000; i += 2) line.remove(`u${i}`);
    expect(line.size).toBe(1_000);
    for (let i = 0; i < 2_000; i += 2) expect(line.positionOf(`u${i}`)).toBe(i / 2 + 1);
    line.append('u1');
    expect(line.positionOf('u1')).toBe(1_001);
    expect(shift(line)).toBe('u0');
    expect(line.positionOf('u1')).toBe(1_000);
  });

  it('given a position asked for as reported, then the tick does not push that same position again', () => {
    const line = new QueueLine();
    for (const u of ['a', 'b', 'c']) line.append(u);
    expect(line.positionOf('c', true)).toBe(3);
    line.remove('a');
    const pushed: string[] = [];
    line.forEachPosition((entry, position) => {
      if (entry.pushed !== position) pushed.push(`${entry.userId}@${position}`);
    });
    expect(pushed).toEqual(['b@1', 'c@2']);
  });
});
