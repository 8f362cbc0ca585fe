// GATEWAY_WORKERS: viewers spread over a node's edge processes (one port, SO_REUSEPORT) each receive
// every diff in order, seq without gaps, from a snapshot that is the state after its seq, while
// buyers hold and release through the edges, viewers come and go, and an edge is killed and replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encoding } from '../../protocol';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { connectionOwners, edgePids } from '../support/socket-owners';
import type { Msg } from '../support/ws-client';
import { TestClient } from '../support/ws-client';

const EDGES = 3;
const EVENT = 'edges';
const ROWS = 5;
const SEATS_PER_ROW = 20;
const SEATS = ROWS * SEATS_PER_ROW;

let db: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10', GATEWAY_WORKERS: String(EDGES) }, 60_000);
  const created = await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: smallEvent(EVENT, ROWS, SEATS_PER_ROW) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** A viewer that checks every push as it comes: one epoch, seq + 1 each time, state kept up to date. */
class Viewer {
  epoch = -1;
  seq = -1;
  status: Uint8Array = new Uint8Array(0);
  readonly problems: string[] = [];
  diffs = 0;

  private constructor(readonly client: TestClient) {}

  static async open(encoding: Encoding): Promise<Viewer> {
    const viewer = new Viewer(await TestClient.connect(server.wsUrl, encoding));
    const snapshot = await viewer.client.request({ type: 'subscribe', eventId: EVENT });
    expect(snapshot.type, JSON.stringify(snapshot)).toBe('snapshot');
    viewer.epoch = snapshot.epoch as number;
    viewer.seq = snapshot.seq as number;
    viewer.status = statusOf(snapshot);
    // Every push so far came after the snapshot's reply (the server subscribes the socket only then);
    // the rest are applied as they arrive, in order.
    viewer.catchUp();
    viewer.client.socket.on('message', () => viewer.catchUp());
    return viewer;
  }

  private applied = 0;

  private catchUp(): void {
    const pushes = this.client.pushes;
    for (; this.applied < pushes.length; this.applied++) this.apply(pushes[this.applied]);
  }

  private apply(push: Msg): void {
    if (push.type !== 'diff' || push.eventId !== EVENT) return;
    if (push.epoch !== this.epoch) this.problems.push(`epoch ${String(push.epoch)} after ${this.epoch}`);
    if (push.seq !== this.seq + 1) this.problems.push(`seq ${String(push.seq)} after ${this.seq}`);
    this.seq = push.seq as number;
    for (const [seat, status] of push.changes as [number, number][]) this.status[seat] = status;
    this.diffs++;
  }

  /** Client port of the connection (which edge holds it is read from /proc). */
  get localPort(): number {
    return (this.client.socket as unknown as { _socket: { localPort: number } })._socket.localPort;
  }
}

function statusOf(snapshot: Msg): Uint8Array {
  const status = snapshot.status;
  if (typeof status === 'string') return Uint8Array.from(status, (c) => Number(c));
  return Uint8Array.from(status as Uint8Array);
}

/** Which edge (process id) serves each viewer. */
function edgesOf(viewers: Viewer[]): Map<Viewer, number> {
  const owners = connectionOwners(server.port, edgePids(server.child.pid!));
  return new Map(viewers.flatMap((v) => (owners.has(v.localPort) ? [[v, owners.get(v.localPort)!] as [Viewer, number]] : [])));
}

/** Opens viewers until each of the `pids` serves at least `each` of them. */
async function viewersOnEvery(pids: number[], each: number, into: Viewer[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const served = edgesOf(into);
    const short = pids.filter((pid) => [...served.values()].filter((p) => p === pid).length < each);
    if (short.length === 0) return;
    into.push(await Viewer.open(i % 2 === 0 ? 'msgpack' : 'json'));
  }
  throw new Error(`200 viewers did not reach every edge (${pids.join(', ')})`);
}

/** A customer holding and releasing seats through the edges until `stop` is set; reconnects when its edge dies. */
async function churn(userId: string, state: { stop: boolean; commands: number }): Promise<void> {
  let n = 0;
  while (!state.stop) {
    const buyer = await TestClient.connect(server.wsUrl, 'msgpack', await token(userId));
    const cut = buyer.closed.then(() => null);
    for (;;) {
      if (state.stop) break;
      const seat = `s-${(n % ROWS) + 1}-${(Math.floor(n / ROWS) % SEATS_PER_ROW) + 1}`;
      n += 7;
      const held = await Promise.race([buyer.request({ type: 'hold', eventId: EVENT, seats: [seat] }, 30_000), cut]);
      if (!held) break;
      state.commands++;
      if (held.type !== 'held') continue;
      const released = await Promise.race([buyer.request({ type: 'release', eventId: EVENT, holdId: held.holdId }, 30_000), cut]);
      if (!released) break;
      expect(released.type, JSON.stringify(released)).toBe('released');
      state.commands++;
    }
    buyer.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('gateway edges', () => {
  it('serves HTTP through the edges (the API lives in the primary)', async () => {
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info).toMatchObject({ status: 200, body: { id: EVENT, seats: SEATS } });
    const map = await http(server.url, 'GET', `/api/events/${EVENT}/map`);
    expect(map.status).toBe(200);
    const etag = map.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await http(server.url, 'GET', `/api/events/${EVENT}/map`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    expect((await http(server.url, 'POST', '/api/events', { body: smallEvent('nobody') })).status).toBe(401);
  });

  it('a viewer on each edge gets every diff in order under churn, and after an edge is replaced', async () => {
    const edges = edgePids(server.child.pid!);
    expect(edges).toHaveLength(EDGES);
    const viewers: Viewer[] = [];
    await viewersOnEvery(edges, 2, viewers);

    const load = { stop: false, commands: 0 };
    const buyers = [churn('ann', load), churn('bob', load), churn('cyd', load)];
    await until(() => load.commands >= 60, 'the first commands');
    // Viewers come and go while diffs flow.
    for (let i = 0; i < 6; i++) viewers.push(await Viewer.open(i % 2 === 0 ? 'json' : 'msgpack'));
    for (const leaving of viewers.splice(0, 3)) leaving.client.close();

    // One edge dies: its viewers are cut, the others carry on, and a new edge takes its place.
    const victim = edges[0];
    const served = edgesOf(viewers);
    const cut = viewers.filter((v) => served.get(v) === victim);
    process.kill(victim, 'SIGKILL');
    await Promise.all(cut.map((v) => v.client.closed));
    const survivors = viewers.filter((v) => !cut.includes(v));
    await until(() => edgePids(server.child.pid!).filter((pid) => !edges.includes(pid)).length === 1, 'a new edge');
    const replacement = edgePids(server.child.pid!).find((pid) => !edges.includes(pid))!;
    await viewersOnEvery([replacement, ...edges.slice(1)], 2, survivors);

    const before = load.commands;
    await until(() => load.commands >= before + 60, 'commands after the replacement');
    load.stop = true;
    await Promise.all(buyers);

    // Every viewer reaches the last diff and holds exactly the state a fresh subscriber sees.
    const fresh = await Viewer.open('msgpack');
    // A diff still on its way (a hold's expiry, the last release) can reach a viewer before the fresh
    // one: wait until all of them, the fresh one included, stand at the same seq.
    await until(() => {
      const top = Math.max(fresh.seq, ...survivors.map((v) => v.seq));
      return fresh.seq === top && survivors.every((v) => v.seq === top);
    }, 'every viewer to reach the final seq');
    const byEdge = edgesOf(survivors);
    expect(new Set(byEdge.values()).size).toBe(EDGES);
    for (const viewer of survivors) {
      expect(viewer.problems).toEqual([]);
      expect(viewer.seq).toBe(fresh.seq);
      expect(viewer.epoch).toBe(fresh.epoch);
      expect(Array.from(viewer.status)).toEqual(Array.from(fresh.status));
    }
    expect(survivors.some((v) => v.diffs > 0)).toBe(true);
    for (const viewer of [...survivors, fresh]) viewer.client.close();
  }, 120_000);

  it('drains on SIGTERM: connections closed with 1001, the edges gone, exit 0', async () => {
    const edges = edgePids(server.child.pid!);
    const viewer = await Viewer.open('json');
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect((await viewer.client.closed).code).toBe(1001);
    for (const pid of edges) expect(isAlive(pid), `edge ${pid} still runs`).toBe(false);
  }, 60_000);
});
