// The one contract every DiffBus implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Buses of one harness are nodes of one cluster; tests use their own event
// ids and close the buses they make.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DiffPush } from '../actor/event-service';
import { randomEventId as eventId, waitUntil } from './cluster-test-support';
import type { DiffBus } from './diff-bus';

/** What the contract needs from an implementation's test file. */
export interface DiffBusHarness {
  /** A bus of a new node of the harness's cluster, ready to receive expiries. */
  bus(): Promise<DiffBus>;
  /** Frees everything after the suite. */
  dispose(): Promise<void>;
}

function diff(seq: number, extra: Partial<DiffPush> = {}): DiffPush {
  return { epoch: 3, seq, changes: [[seq, 1]], ...extra };
}

/** A bus's received diffs, per event. */
function recordDiffs(bus: DiffBus): Map<string, DiffPush[]> {
  const received = new Map<string, DiffPush[]>();
  bus.onDiff((event, push) => {
    const list = received.get(event) ?? [];
    list.push(push);
    received.set(event, list);
  });
  return received;
}

/** Registers the DiffBus contract tests. */
export function diffBusContract(createHarness: () => Promise<DiffBusHarness>): void {
  describe('DiffBus contract', () => {
    let harness: DiffBusHarness;
    let opened: DiffBus[] = [];
    const open = async (): Promise<DiffBus> => {
      const bus = await harness.bus();
      opened.push(bus);
      return bus;
    };
    beforeAll(async () => {
      harness = await createHarness();
    });
    afterEach(async () => {
      await Promise.all(opened.map((bus) => bus.close()));
      opened = [];
    });
    afterAll(async () => {
      await harness?.dispose();
    });
    /** A publisher and a viewer subscribed to two fresh events, with what the viewer receives. */
    const viewing = async (): Promise<{ publisher: DiffBus; events: [string, string]; received: Map<string, DiffPush[]>; viewer: DiffBus }> => {
      const [publisher, viewer] = [await open(), await open()];
      const events: [string, string] = [eventId(), eventId()];
      const received = recordDiffs(viewer);
      for (const event of events) await viewer.subscribe(event);
      return { publisher, viewer, events, received };
    };

    it('delivers a diff to every subscribed node, the publisher included, and to no other', async () => {
      const [publisher, viewer, bystander] = [await open(), await open(), await open()];
      const [watched, other] = [eventId(), eventId()];
      const atPublisher = recordDiffs(publisher);
      const atViewer = recordDiffs(viewer);
      const atBystander = recordDiffs(bystander);
      await publisher.subscribe(watched);
      await viewer.subscribe(watched);
      await bystander.subscribe(other);
      // Published right after subscribe resolved: the subscription is already active.
      const withAreas = diff(1, { areas: { ga: 17 } });
      publisher.publishDiff(watched, withAreas);
      publisher.publishDiff(other, diff(1));
      await waitUntil('the viewer, the publisher and the bystander to get their diffs', () =>
        atViewer.has(watched) && atPublisher.has(watched) && atBystander.has(other));
      expect(atViewer.get(watched)).toEqual([withAreas]);
      expect(atPublisher.get(watched)).toEqual([withAreas]);
      // Same publisher, so `watched` reached the bystander before `other` would have: it never will.
      expect([...atBystander.keys()]).toEqual([other]);
      expect([...atViewer.keys()]).toEqual([watched]);
    });

    it('keeps the publish order of each event\'s diffs', async () => {
      const { publisher, events: [first, second], received } = await viewing();
      for (let seq = 1; seq <= 200; seq++) {
        publisher.publishDiff(first, diff(seq));
        publisher.publishDiff(second, diff(seq));
      }
      await waitUntil('all 400 diffs', () => (received.get(first)?.length ?? 0) + (received.get(second)?.length ?? 0) === 400);
      const seqs = (event: string): number[] => (received.get(event) ?? []).map((push) => push.seq);
      const expected = Array.from({ length: 200 }, (_, i) => i + 1);
      expect(seqs(first)).toEqual(expected);
      expect(seqs(second)).toEqual(expected);
    });

    it('stops delivering an event\'s diffs once unsubscribed', async () => {
      const { publisher, viewer, events: [dropped, kept], received } = await viewing();
      publisher.publishDiff(dropped, diff(1));
      await waitUntil('the first diff', () => received.has(dropped));
      await viewer.unsubscribe(dropped);
      publisher.publishDiff(dropped, diff(2));
      publisher.publishDiff(kept, diff(1));
      await waitUntil('the diff of the event still subscribed', () => received.has(kept));
      expect(received.get(dropped)).toEqual([diff(1)]);
    });

    it('delivers every hold expiry to every node, the publisher included', async () => {
      const buses = [await open(), await open(), await open()];
      const received = buses.map((bus) => {
        const list: [string, string, string][] = [];
        bus.onExpired((userId, event, holdId) => list.push([userId, event, holdId]));
        return list;
      });
      const event = eventId();
      buses[1].publishExpired('user-1', event, 'hold-1');
      buses[1].publishExpired('user-2', event, 'hold-2');
      await waitUntil('both expiries on every node', () => received.every((list) => list.length === 2));
      for (const list of received) expect(list).toEqual([['user-1', event, 'hold-1'], ['user-2', event, 'hold-2']]);
    });

    it('delivers every waiting-room push to every node, in order', async () => {
      const buses = [await open(), await open()];
      const received = buses.map((bus) => {
        const list: [string, unknown][] = [];
        bus.onQueue((userId, message) => list.push([userId, message]));
        return list;
      });
      const event = eventId();
      buses[0].publishQueue('user-1', { type: 'queue', eventId: event, position: 3, ahead: 2, etaSeconds: 9 });
      buses[0].publishQueue('user-1', { type: 'admitted', eventId: event, expiresAt: 1234 });
      await waitUntil('both pushes on every node', () => received.every((list) => list.length === 2));
      for (const list of received) {
        expect(list).toEqual([
          ['user-1', { type: 'queue', eventId: event, position: 3, ahead: 2, etaSeconds: 9 }],
          ['user-1', { type: 'admitted', eventId: event, expiresAt: 1234 }],
        ]);
      }
    });

    it('delivers nothing more after close', async () => {
      const [publisher, viewer, witness] = [await open(), await open(), await open()];
      const event = eventId();
      const atViewer = recordDiffs(viewer);
      const atWitness = recordDiffs(witness);
      await viewer.subscribe(event);
      await witness.subscribe(event);
      await viewer.close();
      publisher.publishDiff(event, diff(1));
      await waitUntil('the witness to get the diff', () => atWitness.has(event));
      expect(atViewer.size).toBe(0);
    });
  });
}
