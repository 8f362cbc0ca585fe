// The customer's way back to a hold and the venue's rules, against a real server over the WebSocket in
// both encodings: a reload (a new SDK instance, same user) finds its hold by `holds` and keeps it; the
// same holdKey twice never takes more seats, also when the two requests race on two connections (places,
// best seats and picked seats);
// orphans: "block" refuses a pick that strands a seat; the accessible hold-back keeps wheelchair and
// companion seats for those who ask.
import { describe, expect, it } from 'vitest';
import type { Encoding } from '../../protocol';
import { http, token } from '../support/fixtures';
import { TestClient } from '../support/ws-client';
import { createEvent, harness, sdk, useSdkServer } from '../sdk/sdk-harness';

useSdkServer();

/** Seats held in the event, as the server counts them. */
async function heldCount(eventId: string): Promise<number> {
  const res = await http(harness.server.url, 'GET', `/api/events/${eventId}`);
  return res.body.counts.held as number;
}

async function raw(encoding: Encoding, userId: string | null): Promise<TestClient> {
  return TestClient.connect(harness.server.wsUrl, encoding, userId ? await token(userId) : undefined);
}

describe.each(['json', 'msgpack'] as const)('holds found again (%s)', (encoding) => {
  it('a reloaded page (a new SDK instance, same user) finds its hold with holds and keeps it', async () => {
    const eventId = `reload-${encoding}`;
    await createEvent(eventId, 3, 10);
    const before = await sdk('rita', { encoding });
    const hold = await before.hold(eventId, ['s-1-4', 's-1-5']);
    before.close();

    const after = await sdk('rita', { encoding });
    const found = await after.findHolds(eventId);
    expect(found.map((h) => [h.holdId, h.seats, h.expiresAt])).toEqual([[hold.holdId, ['s-1-4', 's-1-5'], hold.expiresAt]]);
    // It is the user's own hold: extend it, add to it, and nobody else gets its seats.
    const extended = await after.extend(eventId, hold.holdId);
    expect(extended.expiresAt).toBeGreaterThanOrEqual(hold.expiresAt);
    const grown = await after.hold(eventId, ['s-1-6'], { holdId: hold.holdId });
    expect(grown.seats).toEqual(['s-1-4', 's-1-5', 's-1-6']);
    const other = await sdk('sam', { encoding });
    await expect(other.hold(eventId, ['s-1-5'])).rejects.toMatchObject({ code: 'seat_unavailable' });
    expect(await other.findHolds(eventId)).toEqual([]);
  });

  it('the same holdKey twice answers the same hold and takes no more seats; another request under it is conflict', async () => {
    const eventId = `key-${encoding}`;
    await createEvent(eventId, 3, 10);
    const client = await raw(encoding, 'kim');
    const first = await client.request({ type: 'hold', eventId, best: { count: 3 }, holdKey: 'k-1' });
    const again = await client.request({ type: 'hold', eventId, best: { count: 3 }, holdKey: 'k-1' });
    expect(first.type).toBe('held');
    expect(again).toMatchObject({ type: 'held', holdId: first.holdId, seats: first.seats, expiresAt: first.expiresAt });
    expect(await heldCount(eventId)).toBe(3);
    const other = await client.request({ type: 'hold', eventId, best: { count: 2 }, holdKey: 'k-1' });
    expect(other).toMatchObject({ type: 'error', code: 'conflict' });
    const listed = await client.request({ type: 'holds', eventId });
    expect(listed).toMatchObject({ type: 'holds', eventId, holds: [{ holdId: first.holdId, seats: first.seats, areas: {} }] });
    const guest = await raw(encoding, null);
    expect(await guest.request({ type: 'holds', eventId })).toMatchObject({ type: 'error', code: 'unauthorized' });
    const tooLong = await client.request({ type: 'hold', eventId, seats: ['s-3-1'], holdKey: 'x'.repeat(65) });
    expect(tooLong).toMatchObject({ type: 'error', code: 'bad_request' });
    client.close();
    guest.close();
  });

  it('two connections racing the same holdKey get one hold between them', async () => {
    const eventId = `race-${encoding}`;
    await createEvent(eventId, 3, 10);
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([raw(encoding, 'lee'), raw(encoding, 'lee')]);
      const request = { type: 'hold', eventId, area: { id: 'floor', count: 2 }, holdKey: `race-${round}` };
      const [ra, rb] = await Promise.all([a.request(request), b.request(request)]);
      expect(ra.type).toBe('held');
      expect(rb).toMatchObject({ type: 'held', holdId: ra.holdId, areas: { floor: 2 } });
      a.close();
      b.close();
    }
    const res = await http(harness.server.url, 'GET', `/api/events/${eventId}`);
    expect(res.body.areas.floor.available).toBe(50 - 5 * 2);
  });

  it('two connections racing the same holdKey for seats (best and picked) take them once', async () => {
    const eventId = `race-seats-${encoding}`;
    await createEvent(eventId, 4, 10, { maxSeatsPerUser: 10 });
    const requests = [
      { type: 'hold', eventId, best: { count: 3 }, holdKey: 'seats-best' },
      { type: 'hold', eventId, seats: ['s-4-5', 's-4-6'], holdKey: 'seats-picked' },
    ];
    for (const request of requests) {
      const [a, b] = await Promise.all([raw(encoding, 'max'), raw(encoding, 'max')]);
      const [ra, rb] = await Promise.all([a.request(request), b.request(request)]);
      expect(ra.type).toBe('held');
      expect(rb).toMatchObject({ type: 'held', holdId: ra.holdId, seats: ra.seats });
      a.close();
      b.close();
    }
    expect(await heldCount(eventId)).toBe(5);
  });

  it('orphans: "block" refuses a pick that leaves one seat alone, naming it, and a partial release that would', async () => {
    const eventId = `orphans-${encoding}`;
    await createEvent(eventId, 1, 6, { orphans: 'block', maxSeatsPerUser: 10 });
    const client = await raw(encoding, 'olga');
    const refused = await client.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2', 's-1-3', 's-1-4', 's-1-5'] });
    expect(refused).toMatchObject({ type: 'error', code: 'orphan_seat', seats: ['s-1-6'] });
    const held = await client.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2', 's-1-3'] });
    expect(held.type).toBe('held');
    const release = await client.request({ type: 'release', eventId, holdId: held.holdId, seats: ['s-1-2'] });
    expect(release).toMatchObject({ type: 'error', code: 'orphan_seat', seats: ['s-1-2'] });
    expect(await heldCount(eventId)).toBe(3);
    client.close();
  });

  it('the accessible hold-back keeps wheelchair and companion seats for holds that ask for them', async () => {
    const eventId = `access-${encoding}`;
    await createEvent(eventId, 1, 6, {
      sections: [{ id: 's', category: 'std', rows: 3, seatsPerRow: 4, accessibleRows: [1], companionRows: [2] }],
      accessibleHoldBack: { until: '2100-01-01T00:00:00Z' },
    });
    const client = await raw(encoding, 'abe');
    // Best-available without asking skips the front two rows; a manual pick of a companion seat alone is refused.
    const plain = await client.request({ type: 'hold', eventId, best: { count: 2 } });
    expect(plain).toMatchObject({ type: 'held' });
    expect((plain.seats as string[]).every((seat) => seat.startsWith('s-3-'))).toBe(true);
    const companion = await client.request({ type: 'hold', eventId, seats: ['s-2-1'] });
    expect(companion).toMatchObject({ type: 'error', code: 'seat_unavailable', seats: ['s-2-1'] });
    const asked = await client.request({ type: 'hold', eventId, best: { count: 1, accessible: true } });
    expect(asked).toMatchObject({ type: 'held' });
    expect((asked.seats as string[])[0]).toMatch(/^s-1-/);
    client.close();
  });
});
