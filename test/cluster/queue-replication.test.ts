// The waiting room is replicated before it answers: with the periodic save pushed an hour away, users
// join before openAt (the lottery), the lottery is drawn, more users join after it, and the owner is
// killed with kill -9 right after the last `queued` reply, before any save of the room could run.
// The new owner finds every place in the same order and every admission, from the room journal alone.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { ownerOf, persist, useTestCluster } from '../support/cluster';
import { TestClient, type Msg } from '../support/ws-client';

const cluster = useTestCluster(3, { QUEUE_SAVE_MS: '3600000' });

/** Rows of the event's saved room (0: the room was never saved). */
async function savedRooms(eventId: string): Promise<number> {
  const client = new pg.Client({ connectionString: cluster.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM queue_rooms WHERE event_id = $1', [eventId]);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** What a user was last told: admitted (until when) or the place in line. */
function where(reply: Msg): string {
  if (reply.type === 'admitted') return `admitted until ${reply.expiresAt}`;
  if (reply.type === 'queued' || reply.type === 'queue') return `place ${reply.position} (${reply.ahead} ahead)`;
  return `${reply.type} ${JSON.stringify(reply)}`;
}

describe('waiting room replication in a cluster', () => {
  it('keeps every answered place, the drawn order and the admissions after kill -9 of the owner before any save', async () => {
    const eventId = 'qrep';
    const admin = await token('root', 'admin');
    const queue = { mode: 'on', openAt: '2029-06-01T00:00:00Z', maxActive: 3 };
    expect((await http(cluster.nodes[0].url, 'POST', '/api/events', { token: admin, body: smallEvent(eventId, 2, 10, 10, { queue }) })).status).toBe(201);
    const ownerId = await ownerOf(cluster.nodes[0], eventId);
    const owner = cluster.nodes.find((n) => n.nodeId === ownerId)!;
    const survivors = cluster.nodes.filter((n) => n !== owner);
    const connect = async (user: string, i: number): Promise<TestClient> => TestClient.connect(survivors[i % 2].wsUrl, 'json', await token(user));
    const early = Array.from({ length: 24 }, (_, i) => `early-${i}`);
    const late = Array.from({ length: 12 }, (_, i) => `late-${i}`);
    const clients = new Map<string, TestClient>();
    for (const [i, user] of [...early, ...late].entries()) clients.set(user, await connect(user, i));

    // Before openAt every joiner is in the lottery (all at once: they share replication batches).
    const entered = await Promise.all(early.map((u) => persist(clients.get(u)!, { type: 'join', eventId })));
    for (const reply of entered) expect(reply).toMatchObject({ type: 'queued', lottery: true });

    // openAt now: the lottery is drawn, three are admitted, everyone else is pushed a place.
    const drawn = await http(owner.url, 'PATCH', `/api/events/${eventId}`, { token: admin, body: { queue: { openAt: new Date().toISOString() } } });
    expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
    const told = new Map<string, string>();
    for (const user of early) {
      const push = await clients.get(user)!.waitForPush((m) => m.eventId === eventId && (m.type === 'admitted' || (m.type === 'queue' && !m.lottery)));
      told.set(user, where(push));
    }
    const places = [...told.values()];
    expect(places.filter((p) => p.startsWith('admitted'))).toHaveLength(3);
    expect(places.filter((p) => p.startsWith('place')).sort()).toEqual(Array.from({ length: 21 }, (_, i) => `place ${i + 1} (${i} ahead)`).sort());
    const drawnOrder = early.filter((u) => told.get(u)!.startsWith('place')).sort((a, b) => Number(told.get(a)!.split(' ')[1]) - Number(told.get(b)!.split(' ')[1]));
    expect(drawnOrder).not.toEqual(early.filter((u) => drawnOrder.includes(u)));

    // Late joiners queue behind the drawn line in order of arrival; the owner dies right after.
    const joined = await Promise.all(late.map((u) => persist(clients.get(u)!, { type: 'join', eventId })));
    for (const [i, user] of late.entries()) told.set(user, where(joined[i]));
    expect(joined.map((r) => Number(r.position)).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 22 + i));
    await owner.stop('SIGKILL');
    expect(await savedRooms(eventId)).toBe(0);

    // Joining again on the new owner: the same place or admission for every user.
    const again = new Map<string, string>();
    for (const user of [...late.slice().reverse(), ...early]) again.set(user, where(await persist(clients.get(user)!, { type: 'join', eventId }, 30_000)));
    expect(Object.fromEntries(again)).toEqual(Object.fromEntries(told));
    // The line goes on behind them, and only the admitted may hold.
    const newcomer = await connect('newcomer', 0);
    expect(await persist(newcomer, { type: 'join', eventId })).toMatchObject({ type: 'queued', position: 34, ahead: 33 });
    const admitted = early.find((u) => told.get(u)!.startsWith('admitted'))!;
    expect(await persist(clients.get(admitted)!, { type: 'hold', eventId, seats: ['s-1-1'] })).toMatchObject({ type: 'held' });
    expect(await persist(clients.get(drawnOrder[0])!, { type: 'hold', eventId, seats: ['s-1-2'] })).toMatchObject({ type: 'error', code: 'queue_required' });
    for (const c of [...clients.values(), newcomer]) c.close();
  }, 180_000);
});
