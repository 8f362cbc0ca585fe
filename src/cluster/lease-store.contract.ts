// The one contract every LeaseStore implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Tests use their own event ids, so they share one harness.
import { describe, expect, it } from 'vitest';
import { randomEventId as eventId, twoNodes, waitUntil } from './cluster-test-support';
import type { NodesHarness } from './cluster-test-support';
import type { LeaseStore } from './lease-store';

/** What the contract needs from an implementation's test file: leases as several nodes see them. */
export type LeaseStoreHarness = NodesHarness<LeaseStore>;

const LONG_TTL = 60_000;
const SHORT_TTL = 150;

/** Registers the LeaseStore contract tests. */
export function leaseStoreContract(createHarness: () => Promise<LeaseStoreHarness>): void {
  describe('LeaseStore contract', () => {
    const nodes = twoNodes(createHarness);

    it('gives a free lease to one node only; the holder may take it again', async () => {
      const [a, b] = nodes();
      const event = eventId();
      expect(await a.holder(event)).toBeNull();
      expect(await a.acquire(event, 'node-a', LONG_TTL)).toBe(true);
      expect(await b.acquire(event, 'node-b', LONG_TTL)).toBe(false);
      expect(await b.holder(event)).toBe('node-a');
      expect(await a.acquire(event, 'node-a', LONG_TTL)).toBe(true);
    });

    it('lets exactly one of many concurrent acquirers win', async () => {
      const [a, b] = nodes();
      const event = eventId();
      const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).acquire(event, `node-${i}`, LONG_TTL));
      const results = await Promise.all(attempts);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.holder(event)).toBe(`node-${results.indexOf(true)}`);
    });

    it('renews only the leases the node holds, in one call, without taking free ones', async () => {
      const [a, b] = nodes();
      const [mine, theirs, free] = [eventId(), eventId(), eventId()];
      await a.acquire(mine, 'node-a', LONG_TTL);
      await b.acquire(theirs, 'node-b', LONG_TTL);
      expect(await a.renew([free, mine, theirs], 'node-a', LONG_TTL)).toEqual([mine]);
      expect(await a.holder(free)).toBeNull();
      expect(await a.holder(theirs)).toBe('node-b');
      expect(await a.renew([], 'node-a', LONG_TTL)).toEqual([]);
    });

    it('extends a renewed lease past its first TTL', async () => {
      const [a, b] = nodes();
      const [renewed, control] = [eventId(), eventId()];
      await a.acquire(renewed, 'node-a', SHORT_TTL);
      await a.acquire(control, 'node-a', SHORT_TTL);
      expect(await a.renew([renewed], 'node-a', LONG_TTL)).toEqual([renewed]);
      await waitUntil('the control lease to expire', async () => (await a.holder(control)) === null);
      expect(await b.holder(renewed)).toBe('node-a');
    });

    it('releases only the holder\'s lease', async () => {
      const [a, b] = nodes();
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
      const [a, b] = nodes();
      const event = eventId();
      await a.acquire(event, 'node-a', SHORT_TTL);
      await waitUntil('the lease to expire', async () => (await b.holder(event)) === null);
      expect(await b.acquire(event, 'node-b', LONG_TTL)).toBe(true);
      expect(await a.renew([event], 'node-a', LONG_TTL)).toEqual([]);
      expect(await a.holder(event)).toBe('node-b');
    });
  });
}
