// The one contract every Membership implementation passes (run by local-backends.test.ts and
// redis-backends.test.ts). Each test gets a fresh harness: an empty cluster of its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Member, Membership } from './membership';

/** What the contract needs from an implementation's test file. */
export interface MembershipHarness {
  /** A membership for a new node of this harness's cluster, not joined yet. */
  node(): Promise<Membership>;
  /**
   * Makes `membership` stop heartbeating without leaving, as a crash or a partition would. Absent for
   * backends whose members cannot fail alone (in one process they all go down together): the crash
   * case is then not declared for them at all.
   */
  crash?(membership: Membership): Promise<void>;
  /** How long a crashed member may still be listed: its TTL plus one heartbeat plus slack, ms. */
  expiryDeadlineMs: number;
  /** Leaves and closes everything the harness made. */
  dispose(): Promise<void>;
}

const NOTICE_DEADLINE_MS = 2000;

function ids(members: Member[]): string[] {
  return members.map((member) => member.nodeId);
}

/** Resolves once `membership`'s list satisfies `wanted` (checked now and on every change). */
function membersBecome(membership: Membership, what: string, wanted: (nodeIds: string[]) => boolean, timeoutMs = NOTICE_DEADLINE_MS): Promise<Member[]> {
  return new Promise((resolve, reject) => {
    const check = (members: Member[]): boolean => {
      if (!wanted(ids(members))) return false;
      clearTimeout(timer);
      stop();
      resolve(members);
      return true;
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; members: ${ids(membership.members()).join(',')}`));
    }, timeoutMs);
    const stop = membership.onChange(check);
    check(membership.members());
  });
}

/** What an implementation promises beyond the common cases. */
export interface MembershipTraits {
  /** One member can fail while the others live on (separate processes): the harness has `crash`. */
  membersFailAlone: boolean;
}

/** Registers the Membership contract tests; `createHarness` makes an empty cluster per test. */
export function membershipContract(createHarness: () => Promise<MembershipHarness>, traits: MembershipTraits): void {
  describe('Membership contract', () => {
    let harness: MembershipHarness;
    beforeEach(async () => {
      harness = await createHarness();
    });
    afterEach(async () => {
      await harness.dispose();
    });

    it('lists a node that joined, with its url, and is healthy', async () => {
      const a = await harness.node();
      await a.join({ nodeId: 'node-a', url: 'http://127.0.0.1:9001' });
      expect(a.members()).toEqual([{ nodeId: 'node-a', url: 'http://127.0.0.1:9001' }]);
      expect(await a.refresh()).toEqual([{ nodeId: 'node-a', url: 'http://127.0.0.1:9001' }]);
      expect(a.healthy()).toBe(true);
    });

    it('shows every node the others joining, sorted by nodeId, and tells listeners', async () => {
      const b = await harness.node();
      await b.join({ nodeId: 'node-b', url: 'http://b' });
      const seen: string[][] = [];
      b.onChange((members) => seen.push(ids(members)));
      const a = await harness.node();
      // Visible to others once join resolves: a read right away finds it.
      await a.join({ nodeId: 'node-a', url: 'http://a' });
      expect(ids(await a.refresh())).toEqual(['node-a', 'node-b']);
      const onB = await membersBecome(b, 'node-b to see node-a', (list) => list.includes('node-a'));
      expect(onB).toEqual([{ nodeId: 'node-a', url: 'http://a' }, { nodeId: 'node-b', url: 'http://b' }]);
      expect(seen.at(-1)).toEqual(['node-a', 'node-b']);
    });

    it('removes a node that leaves at once, for itself and (with a notification) for the others', async () => {
      const a = await harness.node();
      const b = await harness.node();
      await a.join({ nodeId: 'node-a', url: 'http://a' });
      await b.join({ nodeId: 'node-b', url: 'http://b' });
      await membersBecome(a, 'node-a to see node-b', (list) => list.length === 2);
      const changes: string[][] = [];
      a.onChange((members) => changes.push(ids(members)));
      await b.leave();
      expect(ids(b.members())).not.toContain('node-b');
      expect(ids(await b.refresh())).toEqual(['node-a']);
      await membersBecome(a, 'node-a to see node-b leave', (list) => !list.includes('node-b'));
      expect(changes).toEqual([['node-a']]);
    });

    // Declared only where members fail alone; not a skip elsewhere: there it does not apply.
    if (traits.membersFailAlone) it('drops a member that stops heartbeating once its TTL runs out', async () => {
      if (!harness.crash) throw new Error('membersFailAlone is declared but the harness has no crash()');
      const a = await harness.node();
      const b = await harness.node();
      await a.join({ nodeId: 'node-a', url: 'http://a' });
      await b.join({ nodeId: 'node-b', url: 'http://b' });
      await membersBecome(a, 'node-a to see node-b', (list) => list.length === 2);
      const crashedAt = Date.now();
      await harness.crash(b);
      await membersBecome(a, 'node-b to expire', (list) => !list.includes('node-b'), harness.expiryDeadlineMs);
      expect(Date.now() - crashedAt).toBeLessThan(harness.expiryDeadlineMs);
      expect(a.healthy()).toBe(true);
    });

    it('stops calling a listener once it is removed', async () => {
      const a = await harness.node();
      await a.join({ nodeId: 'node-a', url: 'http://a' });
      const removed: string[][] = [];
      const unsubscribe = a.onChange((members) => removed.push(ids(members)));
      unsubscribe();
      const b = await harness.node();
      await b.join({ nodeId: 'node-b', url: 'http://b' });
      await membersBecome(a, 'node-a to see node-b', (list) => list.includes('node-b'));
      expect(removed).toEqual([]);
    });

    it('refuses to join twice and leaves idempotently', async () => {
      const a = await harness.node();
      await a.join({ nodeId: 'node-a', url: 'http://a' });
      await expect(a.join({ nodeId: 'node-a', url: 'http://a' })).rejects.toThrow();
      await a.leave();
      await a.leave();
      expect(a.members()).toEqual([]);
    });
  });
}
