// The one contract every LeaseStore implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Tests use their own event ids, so they share one harness.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseStore } from './lease-store';
import { waitUntil } from './wait-until';

/** What the contract needs from an implementation's test file. */
export interface LeaseStoreHarness {
  /** The store as one node sees it; every call gives a view of the same leases (e.g. its own connection). */
  node(): LeaseStore;
  /** Frees everything after the suite. */
  dispose(): Promise<void>;
}

const LONG_TTL = 60_000;
const SHORT_TTL = 150;

function eventId(): string {
  return `ev-${randomBytes(4).toString('hex')}`;
}

/** Registers the LeaseStore contract tests. */
export function leaseStoreContract(createHarness: () => Promise<LeaseStoreHarness>): void {
  describe('LeaseStore contract', () => {
    let harness: LeaseStoreHarness;
    let a: LeaseStore;
    let b: LeaseStore;
    beforeAll(async () => {
      harness = await createHarness();
      a = harness.node();
      b = harness.node();
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it('gives a free lease to one node only; the holder may take it again', async () => {
      const event = eventId();
      expect(await a.holder(event)).toBeNull();
      expect(await a.acquire(event, 'node-a', LONG_TTL)).toBe(true);
      expect(await b.acquire(event, 'node-b', LONG_TTL)).toBe(false);
      expect(await b.holder(event)).toBe('node-a');
      expect(await a.acquire(event, 'node-a', LONG_TTL)).toBe(true);
    });

    it('lets exactly one of many concurrent acquirers win', async () => {
      const event = eventId();
      const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).acquire(event, `node-${i}`, LONG_TTL));
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.holder(event)).toBe(`node-${results.indexOf(true)}`);
    });

    it('renews only the leases the node holds, in one call, without taking free ones', async () => {
      const [mine, theirs, free] = [eventId(), eventId(), eventId()];
      await a.acquire(mine, 'node-a', LONG_TTL);
      await b.acquire(theirs, 'node-b', LONG_TTL);
      expect(await a.renew([free, mine, theirs], 'node-a', LONG_TTL)).toEqual([mine]);
      expect(await a.holder(free)).toBeNull();
      expect(await a.holder(theirs)).toBe('node-b');
      expect(await a.renew([], 'node-a', LONG_TTL)).toEqual([]);
    });

    it('extends a renewed lease past its first TTL', async () => {
      const [renewed, control] = [eventId(), eventId()];
      await a.acquire(renewed, 'node-a', SHORT_TTL);
      await a.acquire(control, 'node-a', SHORT_TTL);
      expect(await a.renew([renewed], 'node-a', LONG_TTL)).toEqual([renewed]);
      await waitUntil('the control lease to expire', async () => (await a.holder(control)) === null);
      expect(await b.holder(renewed)).toBe('node-a');
    });

    it('releases only the holder\'s lease', async () => {
      const event = eventId();
      await a.acquire(event, 'node-a', LONG_TTL);
      await b.release(event, 'node-b');
      expect(await a.holder(event)).toBe('node-a');
      await a.release(event, 'node-a');
      expect(await a.holder(event)).toBeNull();
      expect(await b.acquire(event, 'node-b', LONG_TTL)).toBe(true);
      await a.release(event, 'node-a');
      expect(await a.holder(event)).toBe('node-b');
    });

    it('frees a lease that is not renewed once its TTL runs out', async () => {
      const event = eventId();
      await a.acquire(event, 'node-a', SHORT_TTL);
      await waitUntil('the lease to expire', async () => (await b.holder(event)) === null);
      expect(await b.acquire(event, 'node-b', LONG_TTL)).toBe(true);
      expect(await a.renew([event], 'node-a', LONG_TTL)).toEqual([]);
      expect(await a.holder(event)).toBe('node-b');
    });
  });
}
