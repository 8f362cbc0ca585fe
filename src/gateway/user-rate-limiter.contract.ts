// The contract every UserRateLimiter keeps, run against each implementation (local, Redis): a burst is
// admitted at once, then one command per interval; refusals cost nothing; users are independent; and
// the limit holds for a user's commands summed over two nodes sharing one backend.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserRate, UserRateLimiter } from './user-rate-limiter';

/** A manual clock the limiters under test read. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** Two nodes' limiters on one backend, with the clock they read. */
export interface LimiterPair {
  a: UserRateLimiter;
  b: UserRateLimiter;
  clock: ManualClock;
}

/** A clock that only moves when told (starts at a realistic epoch ms). */
export function manualClock(start = 1_750_000_000_000): ManualClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const RATE: UserRate = { perSecond: 10, burst: 5 };
const INTERVAL_MS = 1000 / RATE.perSecond;

async function admitted(limiter: UserRateLimiter, userId: string, times: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < times; i++) if (await limiter.admit(userId)) n++;
  return n;
}

/** Runs the contract; `create` makes a fresh pair at RATE for each test. */
export function userRateLimiterContract(name: string, create: (rate: UserRate) => Promise<LimiterPair>): void {
  describe(`UserRateLimiter contract: ${name}`, () => {
    let pair: LimiterPair | null = null;
    const fresh = async (): Promise<LimiterPair> => (pair = await create(RATE));
    const user = (): string => `u-${randomBytes(4).toString('hex')}`;

    afterEach(async () => {
      await pair?.a.close();
      await pair?.b.close();
      pair = null;
    });

    it('admits a burst at once, then refuses', async () => {
      const { a } = await fresh();
      const alice = user();
      expect(await admitted(a, alice, RATE.burst)).toBe(RATE.burst);
      expect(await a.admit(alice)).toBe(false);
    });

    it('admits one more per interval, and a refused command is not counted', async () => {
      const { a, clock } = await fresh();
      const alice = user();
      await admitted(a, alice, RATE.burst);
      expect(await admitted(a, alice, 20)).toBe(0);
      clock.advance(INTERVAL_MS);
      expect(await admitted(a, alice, 3)).toBe(1);
      clock.advance(INTERVAL_MS * 2);
      expect(await admitted(a, alice, 3)).toBe(2);
    });

    it('refills to the burst and no further after a pause', async () => {
      const { a, clock } = await fresh();
      const alice = user();
      await admitted(a, alice, RATE.burst);
      clock.advance(60_000);
      expect(await admitted(a, alice, RATE.burst * 3)).toBe(RATE.burst);
    });

    it('keeps users apart', async () => {
      const { a } = await fresh();
      const alice = user();
      const bob = user();
      await admitted(a, alice, RATE.burst + 3);
      expect(await admitted(a, bob, RATE.burst)).toBe(RATE.burst);
    });

    it("counts a user's commands over both nodes", async () => {
      const { a, b, clock } = await fresh();
      const alice = user();
      expect(await admitted(a, alice, 3)).toBe(3);
      expect(await admitted(b, alice, 10)).toBe(RATE.burst - 3);
      expect(await a.admit(alice)).toBe(false);
      clock.advance(INTERVAL_MS);
      expect((await admitted(a, alice, 1)) + (await admitted(b, alice, 1))).toBe(1);
    });
  });
}
