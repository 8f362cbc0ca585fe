// Packed snapshots over real WebSockets, in both encodings: a client that asks for nothing gets the v1
// snapshot (one byte per seat, no `encoding`); one that asks for `packed` gets the same state as raw
// DEFLATE of 2-bit statuses; the SDK asks for packed by default and shows exactly the v1 state.
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Encoding } from '../../protocol';
import { unpackStatus } from '../../protocol';
import { SnapshotReader } from '../../protocol/sdk';
import { http, token } from '../support/fixtures';
import type { Msg } from '../support/ws-client';
import { TestClient } from '../support/ws-client';
import { createEvent, harness, sdk, until, useSdkServer } from './sdk-harness';

useSdkServer();

/** 7 rows of 143: 1,001 seats, so the last packed byte is mostly padding. */
const ROWS = 7;
const PER_ROW = 143;
const SEATS = ROWS * PER_ROW;

function counts(status: Uint8Array): number[] {
  const out = [0, 0, 0, 0];
  for (const code of status) out[code]++;
  return out;
}

function unpacked(snapshot: Msg): Uint8Array {
  expect(snapshot).toMatchObject({ type: 'snapshot', encoding: 'packed', seats: SEATS });
  const deflated = snapshot.status as Uint8Array;
  return unpackStatus(inflateRawSync(deflated), snapshot.seats as number);
}

describe('packed snapshots', () => {
  it('serve v1 clients v1 snapshots and packed ones the same state packed, in both encodings, across diffs', async () => {
    const eventId = 'packed';
    await createEvent(eventId, ROWS, PER_ROW);
    const buyer = await TestClient.connect(harness.server.wsUrl, 'msgpack', await token('buyer'));
    const held = await buyer.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2', 's-7-143'] });
    await buyer.request({ type: 'buy', eventId, holdId: held.holdId });
    await buyer.request({ type: 'hold', eventId, seats: ['s-3-5', 's-3-6'] });
    const staff = await token('staff-1', 'staff');
    const blocked = await http(harness.server.url, 'POST', `/api/events/${eventId}/block`, { token: staff, body: { seats: ['s-5-1', 's-5-2', 's-5-3', 's-5-4'], blocked: true } });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);

    for (let round = 0; round < 2; round++) {
      // Round 2 follows a diff: the shared frames of the earlier state must not be served.
      if (round === 1) await buyer.request({ type: 'hold', eventId, seats: ['s-6-100'] });
      const views = await Promise.all(
        (['msgpack', 'json'] as Encoding[]).map(async (encoding) => {
          const viewer = await TestClient.connect(harness.server.wsUrl, encoding);
          const v1 = await viewer.request({ type: 'subscribe', eventId });
          await viewer.request({ type: 'unsubscribe', eventId });
          const packed = await viewer.request({ type: 'subscribe', eventId, encoding: 'packed' });
          const asked = await viewer.request({ type: 'subscribe', eventId, encoding: 'bytes' });
          viewer.close();
          return { encoding, v1, packed, asked };
        }),
      );
      for (const { v1, packed, asked } of views) {
        expect(v1.type).toBe('snapshot');
        expect('encoding' in v1).toBe(false);
        expect('encoding' in asked).toBe(false);
        const status = v1.status as Uint8Array;
        expect(status).toBeInstanceOf(Uint8Array);
        expect(counts(status)).toEqual([SEATS - 3 - 2 - 4 - round, 2 + round, 3, 4]);
        // No diff came in between (nothing else changes seats now): the same state three times.
        expect({ ...packed, status: null, rid: null, encoding: undefined, seats: undefined }).toEqual({ ...v1, status: null, rid: null });
        expect(Array.from(unpacked(packed))).toEqual(Array.from(status));
        expect(Array.from(asked.status as Uint8Array)).toEqual(Array.from(status));
        expect((packed.status as Uint8Array).length).toBeLessThan(status.length / 4);
      }
      expect(views[0].v1.seq).toBe(views[1].v1.seq);
    }
    buyer.close();
  });

  it('lets the SDK read packed by default, or bytes when asked, to the same state', async () => {
    const eventId = 'packed-sdk';
    await createEvent(eventId, ROWS, PER_ROW);
    const probe = await TestClient.connect(harness.server.wsUrl, 'json', await token('holder'));
    await probe.request({ type: 'hold', eventId, seats: ['s-2-7', 's-2-8', 's-4-143'] });
    // Node 20 has DecompressionStream('deflate-raw'): the default is packed.
    expect(new SnapshotReader().packing).toBe('packed');
    expect(new SnapshotReader({ packing: 'bytes' }).request(eventId)).toEqual({ type: 'subscribe', eventId });
    const packed = await (await sdk('alice')).subscribe(eventId);
    const bytes = await (await sdk('bob', { encoding: 'json', snapshots: { packing: 'bytes' } })).subscribe(eventId);
    const v1 = await probe.request({ type: 'subscribe', eventId });
    for (const view of [packed, bytes]) {
      await until(view, () => view.seq === v1.seq, 'the views to reach the probe\'s seq');
      expect(view.status.length).toBe(SEATS);
      expect(Array.from(view.status)).toEqual(Array.from(v1.status as Uint8Array));
    }
    probe.close();
  });

  it('refuses an unknown encoding, naming the field', async () => {
    const viewer = await TestClient.connect(harness.server.wsUrl, 'json');
    const reply = await viewer.request({ type: 'subscribe', eventId: 'packed', encoding: 'gzip' });
    expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(reply.message).toContain('encoding');
    viewer.close();
  });
});
