// Leases without Redis: a map with expiry times on an injected clock. Share one instance between the
// nodes of an in-process cluster.
import type { LeaseStore } from './lease-store';

/** An in-memory LeaseStore. */
export class LocalLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { nodeId: string; expiresAt: number }>();

  /** @param now the clock leases expire by, epoch milliseconds (default Date.now). */
  constructor(private readonly now: () => number = Date.now) {}

  async acquire(eventId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    const holder = this.live(eventId);
    if (holder !== null && holder !== nodeId) return false;
    this.leases.set(eventId, { nodeId, expiresAt: this.now() + ttlMs });
    return true;
  }

  async renew(eventIds: string[], nodeId: string, ttlMs: number): Promise<string[]> {
    const expiresAt = this.now() + ttlMs;
    return eventIds.filter((eventId) => {
      if (this.live(eventId) !== nodeId) return false;
      this.leases.set(eventId, { nodeId, expiresAt });
      return true;
    });
  }

  async release(eventId: string, nodeId: string): Promise<void> {
    if (this.live(eventId) === nodeId) this.leases.delete(eventId);
  }

  async holder(eventId: string): Promise<string | null> {
    return this.live(eventId);
  }

  private live(eventId: string): string | null {
    const lease = this.leases.get(eventId);
    if (lease === undefined) return null;
    if (lease.expiresAt <= this.now()) {
      this.leases.delete(eventId);
      return null;
    }
    return lease.nodeId;
  }
}
