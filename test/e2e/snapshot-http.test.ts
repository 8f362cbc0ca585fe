// An event's live snapshot over HTTP through a real server: the very state a `subscribe` gets (packed,
// MessagePack; JSON and one byte per seat when asked), revalidated by an ETag that names the state, a
// second in shared caches, bad parameters refused; the event's page preloads it unless the event has a
// waiting room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msgpackCodec } from '../../protocol';
import { unpackSnapshot } from '../../protocol/packed-snapshot';
import type { PackedSnapshotMessage, SnapshotMessage } from '../../protocol';
import { loadSnapshot, streamInflater } from '../../protocol/sdk';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

const EVENT = 'snap';
let db: TestDatabase;
let server: ServerProcess;
let buyer: TestClient;

/** `read()` once it passes `done` (snapshots show the state as of the last published diff: a tick behind a reply). */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The snapshot a `subscribe` gets now, one byte per seat. */
async function subscribed(): Promise<SnapshotMessage> {
  const viewer = await TestClient.connect(server.wsUrl, 'msgpack');
  try {
    const reply = await viewer.request({ type: 'subscribe', eventId: EVENT });
    expect(reply.type).toBe('snapshot');
    return reply as unknown as SnapshotMessage;
  } finally {
    viewer.close();
  }
}

describe('the live snapshot over HTTP', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    // 101 seats: not a multiple of 4, so the packed form's last byte is padded.
    const created = await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: smallEvent(EVENT, 1, 101, 30) });
    expect(created.status).toBe(201);
    buyer = await TestClient.connect(server.wsUrl, 'msgpack', await token('bea'));
    const held = await buyer.request({ type: 'hold', eventId: EVENT, seats: ['s-1-1', 's-1-2', 's-1-101'] });
    expect(held.type).toBe('held');
    expect((await buyer.request({ type: 'buy', eventId: EVENT, holdId: held.holdId })).type).toBe('order');
    expect((await buyer.request({ type: 'hold', eventId: EVENT, seats: ['s-1-50'], holdId: undefined })).type).toBe('held');
    expect((await buyer.request({ type: 'hold', eventId: EVENT, area: { id: 'floor', count: 4 } })).type).toBe('held');
  }, 60_000);

  afterAll(async () => {
    buyer?.close();
    await server?.stop();
    await db?.drop();
  });

  it('given no parameters, then it is the packed snapshot a subscribe gets, in MessagePack, with an ETag of its state', async () => {
    // Once the diff of the set-up's last change is published.
    await settled(subscribed, (live) => live.areas.floor === 26);
    const response = await fetch(`${server.url}/api/events/${EVENT}/snapshot`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/msgpack');
    expect(response.headers.get('cache-control')).toBe('public, max-age=1');
    const message = msgpackCodec.decode(new Uint8Array(await response.arrayBuffer())) as PackedSnapshotMessage;
    expect(message).toMatchObject({ type: 'snapshot', eventId: EVENT, encoding: 'packed', seats: 101 });
    expect(message).not.toHaveProperty('rid');
    const unpacked = await unpackSnapshot(message, streamInflater()!);
    const live = await subscribed();
    expect([unpacked.epoch, unpacked.seq, unpacked.areas]).toEqual([live.epoch, live.seq, live.areas]);
    expect(Array.from(unpacked.status)).toEqual(Array.from(live.status));
    expect([unpacked.status[0], unpacked.status[1], unpacked.status[100], unpacked.status[49], unpacked.status[2]]).toEqual([2, 2, 2, 1, 0]);
    expect(live.areas).toEqual({ floor: 26 });
    expect(response.headers.get('etag')).toBe(`"${live.epoch}.${live.seq}-packed"`);
    // The SDK's reader gives the same.
    const loaded = await loadSnapshot(EVENT, { baseUrl: server.url });
    expect([loaded.seq, Array.from(loaded.status)]).toEqual([live.seq, Array.from(live.status)]);
  });

  it('given its ETag, then 304 until the state moves on', async () => {
    const first = await fetch(`${server.url}/api/events/${EVENT}/snapshot`);
    const etag = first.headers.get('etag')!;
    expect((await fetch(`${server.url}/api/events/${EVENT}/snapshot`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // As a CDN that weakened the tag, or a client holding several, would ask.
    expect((await fetch(`${server.url}/api/events/${EVENT}/snapshot`, { headers: { 'if-none-match': `"0.0-bytes", W/${etag}` } })).status).toBe(304);
    expect((await buyer.request({ type: 'hold', eventId: EVENT, seats: ['s-1-60'] })).type).toBe('held');
    const moved = await settled(
      () => fetch(`${server.url}/api/events/${EVENT}/snapshot`, { headers: { 'if-none-match': etag } }),
      (reply) => reply.status !== 304,
    );
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
  });

  it('given packing=bytes or format=json, then one byte per seat or JSON, of the same state', async () => {
    const bytes = msgpackCodec.decode(new Uint8Array(await (await fetch(`${server.url}/api/events/${EVENT}/snapshot?packing=bytes`)).arrayBuffer())) as SnapshotMessage;
    const live = await subscribed();
    expect(bytes.seq).toBe(live.seq);
    expect(Array.from(bytes.status)).toEqual(Array.from(live.status));
    const json = await fetch(`${server.url}/api/events/${EVENT}/snapshot?format=json&packing=bytes`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await json.json()) as { status: string; seq: number };
    expect(body.seq).toBe(live.seq);
    expect(body.status).toBe(Array.from(live.status).join(''));
  });

  it('given a bad parameter or no such event, then a clear error', async () => {
    for (const [path, status, code] of [
      [`/api/events/${EVENT}/snapshot?packing=zip`, 400, 'bad_request'],
      [`/api/events/${EVENT}/snapshot?format=xml`, 400, 'bad_request'],
      ['/api/events/no-such-event/snapshot', 404, 'not_found'],
      ['/api/events/%00/snapshot', 404, 'not_found'],
    ] as const) {
      const reply = await http(server.url, 'GET', path);
      expect([path, reply.status, reply.body.error?.code]).toEqual([path, status, code]);
    }
    await expect(loadSnapshot('no-such-event', { baseUrl: server.url })).rejects.toMatchObject({ code: 'not_found' });
  });

  it("given the event's page, then it preloads the snapshot; with the waiting room on, it does not", async () => {
    const page = await (await fetch(`${server.url}/events/${EVENT}`)).text();
    expect(page).toContain(`<link rel="preload" id="aisle-snapshot" href="/api/events/${EVENT}/snapshot" as="fetch" crossorigin="anonymous">`);
    const admin = await token('root', 'admin');
    expect((await http(server.url, 'PATCH', `/api/events/${EVENT}`, { token: admin, body: { queue: { mode: 'on' } } })).status).toBe(200);
    const queued = await (await fetch(`${server.url}/events/${EVENT}`)).text();
    expect(queued).toContain('data-queue="on"');
    expect(queued).not.toContain('aisle-snapshot');
    expect((await http(server.url, 'PATCH', `/api/events/${EVENT}`, { token: admin, body: { queue: { mode: 'off' } } })).status).toBe(200);
  });
});
