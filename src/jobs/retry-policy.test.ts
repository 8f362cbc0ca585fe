import { describe, expect, it } from 'vitest';
import { backoffMs, isLastAttempt } from './retry-policy';

describe('retry policy', () => {
  it('doubles the backoff after each failure, like BullMQ exponential', () => {
    const policy = { attempts: 4, delayMs: 100, jitter: 0 };
    expect([1, 2, 3].map((n) => backoffMs(policy, n))).toEqual([100, 200, 400]);
    expect([1, 2, 3, 4].map((n) => isLastAttempt(policy, n))).toEqual([false, false, false, true]);
  });

  it('randomises only the jitter share of a backoff', () => {
    const policy = { attempts: 4, delayMs: 1000, jitter: 0.2 };
    expect(backoffMs(policy, 2, () => 0)).toBe(1600);
    expect(backoffMs(policy, 2, () => 0.999)).toBe(1999);
  });
});
