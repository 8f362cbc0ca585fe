// The waiting room across a 3-node cluster: waiting users connected to nodes that do not own the event
// get their pushes (admitted, queue) from the owner, and after kill -9 of the owner the new owner
// finds the line where it was saved: joining again keeps every place and every admission.
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, persist, useTestCluster } from '../support/cluster';
import { TestClient } from '../support/ws-client';

const cluster = useTestCluster(3);


describe('waiting room in a cluster', () => {
  it('pushes reach users on other nodes, and places survive kill -9 of the owner', async () => {
    const eventId = 'qfo';
    const admin = await token('root', 'admin');
    const body = smallEvent(eventId, 2, 5, 10, { queue: { mode: 'on', maxActive: 1 } });
    expect((await http(cluster.nodes[0].url, 'POST', '/api/events', { token: admin, body })).status).toBe(201);
    const ownerId = await ownerOf(cluster.nodes[0], eventId);
    const owner = cluster.nodes.find((n) => n.nodeId === ownerId)!;
    const survivors = cluster.nodes.filter((n) => n !== owner);
    const users = ['ann', 'bob', 'cat', 'dan'];
    const clients = await Promise.all(users.map(async (u, i) => TestClient.connect(survivors[i % 2].wsUrl, 'json', await token(u))));
    const [ann, bob, cat, dan] = clients;
    const joined = [];
    for (const c of clients) joined.push(await persist(c, { type: 'join', eventId }));
    expect(joined.map((r) => [r.type, r.position])).toEqual([['admitted', undefined], ['queued', 1], ['queued', 2], ['queued', 3]]);

    // ann gives up: bob, on another node than the owner, is pushed his admission; cat's place moves.
    expect(await persist(ann, { type: 'leave', eventId })).toMatchObject({ type: 'left' });
    const admitted = await bob.waitForPush((m) => m.type === 'admitted' && m.eventId === eventId);
    await cat.waitForPush((m) => m.type === 'queue' && m.position === 1);

    // Past the next save (at most a second), the owner dies.
    await new Promise((r) => setTimeout(r, 2_500));
    await owner.stop('SIGKILL');
    const again = [];
    for (const c of [dan, cat, bob]) again.push(await persist(c, { type: 'join', eventId }, 30_000));
    expect(again[0]).toMatchObject({ type: 'queued', position: 2, ahead: 1 });
    expect(again[1]).toMatchObject({ type: 'queued', position: 1, ahead: 0 });
    expect(again[2]).toMatchObject({ type: 'admitted', expiresAt: admitted.expiresAt });
    expect(await persist(bob, { type: 'hold', eventId, seats: ['s-1-1'] })).toMatchObject({ type: 'held' });
    expect(await persist(dan, { type: 'hold', eventId, seats: ['s-1-2'] })).toMatchObject({ type: 'error', code: 'queue_required' });
    for (const c of clients) c.close();
  }, 120_000);
});
