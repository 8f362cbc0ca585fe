// The local UserRateLimiter: the shared contract (two "nodes" are one process here, so they share one
// limiter), plus what only it has: idle users are forgotten, so memory follows active users only.
import { describe, expect, it } from 'vitest';
import { LocalUserRateLimiter, gcraAdmit } from './user-rate-limiter';
import { manualClock, userRateLimiterContract } from './user-rate-limiter.contract';

userRateLimiterContract('local', async (rate) => {
  const clock = manualClock();
  const limiter = new LocalUserRateLimiter(rate, clock.now);
  return { a: limiter, b: limiter, clock };
});

describe('LocalUserRateLimiter', () => {
  it('forgets users whose debt is paid', async () => {
    const clock = manualClock();
    const limiter = new LocalUserRateLimiter({ perSecond: 100, burst: 10 }, clock.now);
    for (let i = 0; i < 5000; i++) await limiter.admit(`idle-${i}`);
    clock.advance(1000);
    for (let i = 0; i < 5000; i++) await limiter.admit(`active-${i}`);
    expect(limiter.trackedUsers).toBeLessThanOrEqual(5000 + 2048);
  });

  it('admits exactly burst commands at one instant for fractional intervals', () => {
    const rate = { perSecond: 3, burst: 7 };
    let tat: number | undefined;
    let admitted = 0;
    for (let i = 0; i < 20; i++) {
      const next = gcraAdmit(tat, 1000, rate);
      if (next !== null) {
        tat = next;
        admitted++;
      }
    }
    expect(admitted).toBe(7);
  });
});
