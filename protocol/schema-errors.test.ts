import { describe, expect, it } from 'vitest';
import { fieldPath, quote } from './schema-errors';

describe('fieldPath', () => {
  it.each([
    ['', ''],
    ['/seats', 'seats'],
    ['/seats/2', 'seats[2]'],
    ['/best/count', 'best.count'],
    ['/sections/0/rows', 'sections[0].rows'],
    ['/sections/10/accessibleRows/3', 'sections[10].accessibleRows[3]'],
    ['/areas/a b', 'areas["a b"]'],
    ['/areas/a~1b~0c', 'areas["a/b~c"]'],
    ['/areas/01', 'areas["01"]'],
  ])('turns %j into %j', (pointer, path) => {
    expect(fieldPath(pointer)).toBe(path);
  });

  it('cuts long keys', () => {
    expect(fieldPath(`/areas/${'k'.repeat(200)}`)).toBe(`areas["${'k'.repeat(64)}…"]`);
  });
});

describe('quote', () => {
  it('quotes and escapes', () => {
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
  });

  it('cuts at 64 characters without splitting a surrogate pair', () => {
    expect(quote('x'.repeat(65))).toBe(`"${'x'.repeat(64)}…"`);
    expect(quote(`${'x'.repeat(63)}😀tail`)).toBe(`"${'x'.repeat(63)}…"`);
  });
});
