import { describe, expect, it } from 'vitest';
import { ifNoneMatchNames } from './entity-tags';

describe('ifNoneMatchNames', () => {
  const current = ['"abc"'];

  it('given the exact tag, then it names it', () => {
    expect(ifNoneMatchNames('"abc"', current)).toBe(true);
  });

  it('given the tag weakened by a proxy, then it still names it (weak comparison)', () => {
    expect(ifNoneMatchNames('W/"abc"', current)).toBe(true);
    expect(ifNoneMatchNames('"abc"', ['W/"abc"'])).toBe(true);
  });

  it('given a list, then any listed tag counts, with or without spaces', () => {
    expect(ifNoneMatchNames('"old", "abc"', current)).toBe(true);
    expect(ifNoneMatchNames('"old",W/"abc"', current)).toBe(true);
  });

  it('given *, then it names any current representation', () => {
    expect(ifNoneMatchNames('*', current)).toBe(true);
  });

  it('given one of several representations (codings of one version), then it names it', () => {
    expect(ifNoneMatchNames('"abc-br"', ['"abc"', '"abc-gzip"', '"abc-br"'])).toBe(true);
  });

  it('given another tag, a prefix of it, no quotes, an empty or no header, then it does not', () => {
    expect(ifNoneMatchNames('"old"', current)).toBe(false);
    expect(ifNoneMatchNames('"ab"', current)).toBe(false);
    expect(ifNoneMatchNames('abc', current)).toBe(false);
    expect(ifNoneMatchNames('', current)).toBe(false);
    expect(ifNoneMatchNames(undefined, current)).toBe(false);
    expect(ifNoneMatchNames('"abc"', [])).toBe(false);
  });
});
