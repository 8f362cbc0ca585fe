// Numbers as the pages show them: grouped by thousands, amounts with two decimals, without Intl.
import { describe, expect, it } from 'vitest';
import { grouped, money } from './dom';

describe('grouped and money', () => {
  it('groups whole numbers by thousands, as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12345, 100000, 1234567, 1e12, -5, -1234]) {
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('shows amounts in the smallest unit with two decimals, as en-US does', () => {
    for (const cents of [0, 1, 5, 99, 100, 4500, 123456, 100000000, -250, -1]) {
      const expected = (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(money(cents)).toBe(expected);
    }
  });
});
