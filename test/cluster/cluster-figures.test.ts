// Staff figures over a 3-node cluster: `viewers` is the sum of the subscribed connections on every node
// (each node's count in Redis, with an expiry), follows connections closing, and drops a SIGKILLed node's
// viewers; the last minute's orders, seats and revenue are the same after the owner is SIGKILLed (the
// successor starts them from Postgres).
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, useTestCluster } from '../support/cluster';
import type { TestNode } from '../support/cluster';
import { TestClient } from '../support/ws-client';
import type { Msg } from '../support/ws-client';

const cluster = useTestCluster(3);
const EVENT = 'figures';

/** A staff connection on `node` watching the event. */
async function watcher(node: TestNode): Promise<TestClient> {
  const staff = await TestClient.connect(node.wsUrl, 'json', await token(`staff-${node.nodeId}`, 'staff'));
  const first = await staff.request({ type: 'watch', eventId: EVENT });
  expect(first.type, JSON.stringify(first)).toBe('stats');
  return staff;
}

/** Waits for a stats push from now on matching `check` (pushes come every second). */
function statsWhere(staff: TestClient, check: (m: Msg) => boolean, timeoutMs = 15_000): Promise<Msg> {
  staff.pushes.length = 0;
  return staff.waitForPush((m) => m.type === 'stats' && m.eventId === EVENT && check(m), timeoutMs);
}

/** Nodes this file has killed. */
const killed = new Set<TestNode>();

describe('cluster-wide staff figures', () => {
  it('viewers summed over the nodes equals the connections opened, and a dead node stops counting', async () => {
    const [a] = cluster.nodes;
    const body = smallEvent(EVENT, 10, 10, 50, { maxSeatsPerUser: 10 });
    expect((await http(a.url, 'POST', '/api/events', { token: await token('root', 'admin'), body })).status).toBe(201);
    const ownerId = await ownerOf(a, EVENT);
    // The node to kill in this part is not the owner, so the event stays where it is.
    const [watchNode, other, victim] = [...cluster.nodes.filter((n) => n.nodeId !== ownerId).reverse(), cluster.nodes.find((n) => n.nodeId === ownerId)!];
    const opened = new Map<TestNode, TestClient[]>();
    const perNode = new Map<TestNode, number>([[watchNode, 2], [other, 3], [victim, 4]]);
    for (const [node, count] of perNode) {
      const clients: TestClient[] = [];
      for (let i = 0; i < count; i++) {
        const viewer = await TestClient.connect(node.wsUrl, i % 2 ? 'msgpack' : 'json');
        expect((await viewer.request({ type: 'subscribe', eventId: EVENT })).type).toBe('snapshot');
        clients.push(viewer);
      }
      opened.set(node, clients);
    }
    const staff = await watcher(watchNode);
    await statsWhere(staff, (m) => m.viewers === 9);

    // Two viewers on `other` leave: 7.
    for (const viewer of opened.get(other)!.splice(0, 2)) viewer.close();
    await statsWhere(staff, (m) => m.viewers === 7);

    // `other` is killed with its last viewer: its count expires, 6 remain.
    await other.stop('SIGKILL');
    killed.add(other);
    await statsWhere(staff, (m) => m.viewers === 6, 20_000);
    // The sum seen from another node agrees.
    const second = await watcher(victim);
    await statsWhere(second, (m) => m.viewers === 6);
    for (const clients of opened.values()) for (const viewer of clients) viewer.close();
    staff.close();
    second.close();
  });

  it('orders, seats and revenue of the last minute survive a SIGKILL of the owner', async () => {
    const alive = cluster.nodes.filter((n) => !killed.has(n));
    const ownerId = await ownerOf(alive[0], EVENT);
    const owner = alive.find((n) => n.nodeId === ownerId)!;
    const survivor = alive.find((n) => n !== owner)!;
    const buyer = await TestClient.connect(survivor.wsUrl, 'json', await token('buyer'));
    for (let i = 1; i <= 3; i++) {
      const held = await buyer.request({ type: 'hold', eventId: EVENT, seats: [`s-1-${i}`, `s-2-${i}`] });
      expect(held.type, JSON.stringify(held)).toBe('held');
      expect((await buyer.request({ type: 'buy', eventId: EVENT, holdId: held.holdId })).type).toBe('order');
    }
    buyer.close();
    const staff = await watcher(survivor);
    const before = await statsWhere(staff, (m) => m.ordersLastMinute === 3);
    expect(before).toMatchObject({ ordersLastMinute: 3, seatsSoldLastMinute: 6, sold: 6 });
    expect(before.revenueLastMinute).toBe(before.revenue);

    await owner.stop('SIGKILL');
    killed.add(owner);
    // Once the survivor owns the event, a fresh `watch` reads its figures, started from Postgres.
    const deadline = Date.now() + 30_000;
    while ((await ownerOf(survivor, EVENT).catch(() => null)) !== survivor.nodeId) {
      if (Date.now() > deadline) throw new Error('the survivor did not take the event over within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const after = await staff.request({ type: 'watch', eventId: EVENT });
    expect(after.type, JSON.stringify(after)).toBe('stats');
    expect(after).toMatchObject({ ordersLastMinute: 3, seatsSoldLastMinute: 6, revenueLastMinute: before.revenueLastMinute, revenue: before.revenue });
    staff.close();
  });
});
