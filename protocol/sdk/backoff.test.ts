// Reconnect delays grow, stay capped, and are jittered between half and all of the step.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 250 ms to the 10 s cap, jittered within [half, all]', () => {
    const low = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, DEFAULT_BACKOFF, () => 0));
    const high = [0, 1, 2, 3, 10].map((a) => backoffDelay(a, DEFAULT_BACKOFF, () => 1));
    expect(low).toEqual([125, 250, 500, 1000, 5000]);
    expect(high).toEqual([250, 500, 1000, 2000, 10_000]);
  });
});
