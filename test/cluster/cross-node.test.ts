// Three real node processes sharing one Postgres and a Redis of the test's own: any node accepts any
// client, each event has one owner, commands are forwarded, diffs reach viewers on every node.
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, useTestCluster } from '../support/cluster';
import { TestClient } from '../support/ws-client';

const cluster = useTestCluster(3);

describe('a three-node cluster', () => {
  it('serves an event owned by C to a client on A and a viewer on B', async () => {
    const admin = await token('root', 'admin');
    const created = await http(cluster.nodes[0].url, 'POST', '/api/events', { token: admin, body: smallEvent('x1', 4, 10) });
    expect(created.status).toBe(201);
    const owner = await ownerOf(cluster.nodes[1], 'x1');
    // Every node agrees on the owner.
    for (const node of cluster.nodes) expect(await ownerOf(node, 'x1')).toBe(owner);
    const others = cluster.nodes.filter((n) => n.nodeId !== owner);
    const [a, b] = others;

    const viewer = await TestClient.connect(b.wsUrl, 'msgpack', await token('vera'));
    const snap = await viewer.request({ type: 'subscribe', eventId: 'x1' });
    expect(snap.type).toBe('snapshot');

    const buyer = await TestClient.connect(a.wsUrl, 'json', await token('ann'));
    const held = await buyer.request({ type: 'hold', eventId: 'x1', seats: ['s-1-1', 's-1-2'] });
    expect(held, JSON.stringify(held)).toMatchObject({ type: 'held', seats: ['s-1-1', 's-1-2'] });
    const diff = await viewer.waitForPush((m) => m.type === 'diff' && (m.changes as number[][]).some(([i]) => i === 0));
    expect(diff.changes).toEqual(expect.arrayContaining([[0, 1], [1, 1]]));

    const order = await buyer.request({ type: 'buy', eventId: 'x1', holdId: held.holdId });
    expect(order).toMatchObject({ type: 'order', seats: ['s-1-1', 's-1-2'], status: 'confirmed' });
    await viewer.waitForPush((m) => m.type === 'diff' && (m.changes as number[][]).some(([i, s]) => i === 0 && s === 2));

    // The hold belongs to the user, not the node: the same user on B sees it as theirs.
    const again = await TestClient.connect(b.wsUrl, 'json', await token('ann'));
    const second = await again.request({ type: 'hold', eventId: 'x1', seats: ['s-2-1'] });
    expect(await again.request({ type: 'extend', eventId: 'x1', holdId: second.holdId })).toMatchObject({ type: 'held' });
    // Finding one's holds is forwarded like every command: asked on A, answered by the owner.
    const found = await buyer.request({ type: 'holds', eventId: 'x1' });
    expect(found, JSON.stringify(found)).toMatchObject({ type: 'holds', holds: [{ holdId: second.holdId, seats: ['s-2-1'] }] });
    expect(await buyer.request({ type: 'release', eventId: 'x1', holdId: second.holdId })).toMatchObject({ type: 'released' });
    for (const c of [viewer, buyer, again]) c.close();
  });

  it('spreads many events over the nodes', async () => {
    const admin = await token('root', 'admin');
    const owners = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = `spread-${i}`;
      expect((await http(cluster.nodes[i % 3].url, 'POST', '/api/events', { token: admin, body: smallEvent(id, 1, 5) })).status).toBe(201);
      owners.add(await ownerOf(cluster.nodes[0], id));
    }
    expect(owners.size).toBeGreaterThan(1);
  });
});
