// The cluster contracts on the in-process implementations, plus what only they promise (an injected
// clock, delivery on a microtask, a node alone by default).
import { describe, expect, it } from 'vitest';
import type { DiffPush } from '../actor/event-service';
import { diffBusContract } from './diff-bus.contract';
import { holdJournalContract } from './hold-journal.contract';
import { leaseStoreContract } from './lease-store.contract';
import { LocalDiffBus, LocalDiffHub } from './local-diff-bus';
import { LocalHoldJournal } from './local-hold-journal';
import { LocalLeaseStore } from './local-lease-store';
import { LocalMemberGroup, LocalMembership } from './local-membership';
import { LocalQueueJournal } from './local-queue-journal';
import { queueJournalContract } from './queue-journal.contract';
import type { Membership } from './membership';
import { membershipContract } from './membership.contract';

describe('local cluster backends', () => {
  membershipContract(async () => {
    const group = new LocalMemberGroup();
    const made: Membership[] = [];
    return {
      node: async () => {
        const membership = new LocalMembership(group);
        made.push(membership);
        return membership;
      },
      expiryDeadlineMs: 0,
      dispose: async () => {
        await Promise.all(made.map((membership) => membership.leave()));
      },
    };
    // Every member lives in this one process: none can fail while the others go on.
  }, { membersFailAlone: false });

  leaseStoreContract(async () => {
    const store = new LocalLeaseStore();
    return { node: () => store, dispose: async () => undefined };
  });

  holdJournalContract(async () => {
    const journal = new LocalHoldJournal();
    return { node: () => journal, dispose: async () => undefined };
  });

  queueJournalContract(async () => {
    const journal = new LocalQueueJournal();
    return { node: () => journal, dispose: async () => undefined };
  });

  diffBusContract(async () => {
    const hub = new LocalDiffHub();
    return { bus: async () => new LocalDiffBus(hub), dispose: async () => undefined };
  });
});

describe('LocalMembership', () => {
  it('is alone in its own group by default', async () => {
    const [a, b] = [new LocalMembership(), new LocalMembership()];
    await a.join({ nodeId: 'node-a', url: 'http://a' });
    await b.join({ nodeId: 'node-b', url: 'http://b' });
    expect(a.members()).toEqual([{ nodeId: 'node-a', url: 'http://a' }]);
    expect(b.members()).toEqual([{ nodeId: 'node-b', url: 'http://b' }]);
  });
});

describe('LocalLeaseStore', () => {
  it('expires leases by the clock it is given', async () => {
    let now = 1_000;
    const store = new LocalLeaseStore(() => now);
    await store.acquire('e1', 'node-a', 100);
    now = 1_099;
    expect(await store.holder('e1')).toBe('node-a');
    expect(await store.renew(['e1'], 'node-a', 100)).toEqual(['e1']);
    now = 1_198;
    expect(await store.acquire('e1', 'node-b', 100)).toBe(false);
    now = 1_199;
    expect(await store.holder('e1')).toBeNull();
    expect(await store.acquire('e1', 'node-b', 100)).toBe(true);
  });
});

describe('LocalDiffBus', () => {
  it('delivers on a microtask, never inside the publisher\'s call', async () => {
    const bus = new LocalDiffBus();
    const received: DiffPush[] = [];
    bus.onDiff((_event, push) => received.push(push));
    await bus.subscribe('e1');
    bus.publishDiff('e1', { epoch: 1, seq: 1, changes: [] });
    expect(received).toEqual([]);
    await Promise.resolve();
    expect(received).toEqual([{ epoch: 1, seq: 1, changes: [] }]);
  });

  it('reports a throwing handler and keeps delivering', async () => {
    const errors: unknown[] = [];
    const bus = new LocalDiffBus(new LocalDiffHub(), (error) => errors.push(error));
    const seqs: number[] = [];
    bus.onDiff((_event, push) => {
      seqs.push(push.seq);
      if (push.seq === 1) throw new Error('handler failed');
    });
    await bus.subscribe('e1');
    bus.publishDiff('e1', { epoch: 1, seq: 1, changes: [] });
    bus.publishDiff('e1', { epoch: 1, seq: 2, changes: [] });
    await Promise.resolve();
    expect(seqs).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
  });
});
