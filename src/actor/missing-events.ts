// Remembers, briefly and boundedly, that an event id does not exist, so a client that asks again and
// again about made-up ids costs one indexed read per id and second, and never memory that stays.

/** How long a miss is believed (ms): short, so an event created on another node is found soon. */
export const MISS_TTL_MS = 1000;
/** Most misses remembered at once: past this the oldest is forgotten (a flood of new ids costs reads, not memory). */
export const MAX_MISSES = 10_000;

/** A bounded, expiring set of event ids known not to exist. */
export class MissingEvents {
  // Insertion order is expiry order (every entry lives MISS_TTL_MS), so the oldest is always first.
  private readonly misses = new Map<string, number>();

  constructor(
    private readonly ttlMs = MISS_TTL_MS,
    private readonly capacity = MAX_MISSES,
  ) {}

  /** Whether `eventId` was found missing less than the TTL before `now`. */
  has(eventId: string, now: number): boolean {
    const until = this.misses.get(eventId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.misses.delete(eventId);
    return false;
  }

  /** Records that `eventId` does not exist as of `now`. */
  add(eventId: string, now: number): void {
    this.misses.delete(eventId);
    for (const [oldest, until] of this.misses) {
      if (this.misses.size < this.capacity && until > now) break;
      this.misses.delete(oldest);
    }
    this.misses.set(eventId, now + this.ttlMs);
  }

  /** Misses remembered now (for tests and metrics). */
  get size(): number {
    return this.misses.size;
  }
}
