// Per-user rate limits: how many seat commands one user may send, summed over all their connections
// (and, with the Redis implementation, over all nodes). The algorithm is GCRA, a token bucket kept as a
// single number per user: the "theoretical arrival time" (tat) of the next command. A command at `now`
// is admitted when max(tat, now) + interval - now <= burst × interval, and then moves tat on by one
// interval; a refused command changes nothing. A user whose tat is in the past is as good as unknown, so
// idle users cost no memory (local: pruned; Redis: the key expires).

/** Sustained commands per second and how many may come at once. */
export interface UserRate {
  perSecond: number;
  burst: number;
}

/** Decides whether a user may send one more command now. */
export interface UserRateLimiter {
  /** True when the user is within their rate (the command is counted); false when over it (nothing is counted). */
  admit(userId: string): Promise<boolean>;
  /** `admit` decided at once, for a limiter that needs nothing outside the process (the local one). */
  admitNow?(userId: string): boolean;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/** The GCRA step: the new tat if `now` is admitted, or null when it is refused. */
export function gcraAdmit(tat: number | undefined, now: number, rate: UserRate): number | null {
  const interval = 1000 / rate.perSecond;
  const next = Math.max(tat ?? now, now) + interval;
  return next - now <= rate.burst * interval + 1e-9 ? next : null;
}

/** Users kept before the first prune; afterwards twice what survived the last one. */
const MIN_PRUNE_AT = 1024;

/** Per-user limits within this process (single node, and the fallback while Redis is away). */
export class LocalUserRateLimiter implements UserRateLimiter {
  private readonly tat = new Map<string, number>();
  private pruneAt = MIN_PRUNE_AT;

  constructor(
    private readonly rate: UserRate,
    private readonly now: () => number = Date.now,
  ) {}

  admit(userId: string): Promise<boolean> {
    return Promise.resolve(this.admitNow(userId));
  }

  /** `admit` without the promise. */
  admitNow(userId: string): boolean {
    const now = this.now();
    const next = gcraAdmit(this.tat.get(userId), now, this.rate);
    if (next === null) return false;
    this.tat.set(userId, next);
    if (this.tat.size > this.pruneAt) this.prune(now);
    return true;
  }

  /** Users with a pending debt (for tests: idle users are forgotten). */
  get trackedUsers(): number {
    return this.tat.size;
  }

  async close(): Promise<void> {
    this.tat.clear();
  }

  // Amortized O(1): a prune walks the map only after it has doubled since the last one.
  private prune(now: number): void {
    for (const [userId, tat] of this.tat) if (tat <= now) this.tat.delete(userId);
    this.pruneAt = Math.max(MIN_PRUNE_AT, this.tat.size * 2);
  }
}
