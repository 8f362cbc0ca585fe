// Staff holds (house seats, comps) over a real server process, real Postgres and real WebSocket
// clients: a staff hold outlives the hold TTL, is refused to customers, shows held to viewers, is
// counted as `staffHeld` (not `held`), is audited, survives a crash of the server, and is released by
// DELETE.
import { beforeAll, describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { useStaffServer } from '../support/staff-server';
import { TestClient } from '../support/ws-client';

/** The shortest hold TTL an event may have (protocol/limits.ts): customers' holds expire this soon. */
const TTL_SECONDS = 10;

const context = useStaffServer();
let staff: string;

beforeAll(() => {
  ({ staff } = context);
});

const url = (): string => context.server.url;

async function customer(userId: string): Promise<TestClient> {
  return TestClient.connect(context.server.wsUrl, 'json', await token(userId));
}

async function auditActions(eventId: string): Promise<{ action: string; actor: { userId: string }; target: string; details: Record<string, unknown> }[]> {
  const page = await http(url(), 'GET', `/api/events/${eventId}/audit?limit=50`, { token: staff });
  expect(page.status).toBe(200);
  return page.body.entries;
}

describe('staff holds', () => {
  it('never expire, are refused to customers, count as staffHeld, are audited, survive a crash and go with DELETE', async () => {
    const body = smallEvent('comps', 3, 10, 50, { holdTtlSeconds: TTL_SECONDS, maxSeatsPerUser: 2 });
    expect((await http(url(), 'POST', '/api/events', { token: context.admin, body })).status).toBe(201);
    const viewer = await TestClient.connect(context.server.wsUrl, 'json');
    await viewer.request({ type: 'subscribe', eventId: 'comps' });

    // Three seats (over the per-user limit of 2) and two standing places, for the house.
    const made = await http(url(), 'POST', '/api/events/comps/staff-holds', {
      token: staff,
      body: { seats: ['s-1-1', 's-1-2', 's-1-3'], areas: { floor: 2 }, note: 'comps for the band' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const staffHold = made.body;
    expect(staffHold).toMatchObject({
      userId: 'sam', seats: ['s-1-1', 's-1-2', 's-1-3'], areas: { floor: 2 }, note: 'comps for the band', staff: true, expiresAt: null, buying: false,
    });
    // Viewers see the seats held like any other.
    const diff = await viewer.waitForPush((m) => m.type === 'diff' && (m.changes as [number, number][]).length === 3);
    expect(diff.changes).toEqual([[0, 1], [1, 1], [2, 1]]);

    const alice = await customer('alice');
    const refused = await alice.request({ type: 'hold', eventId: 'comps', seats: ['s-1-2', 's-2-1'] });
    expect(refused).toMatchObject({ type: 'error', code: 'seat_unavailable', seats: ['s-1-2'] });
    const held = await alice.request({ type: 'hold', eventId: 'comps', seats: ['s-2-1'] });
    expect(held.type).toBe('held');
    // Not a customer's hold, not even for staff's own commands as a customer.
    const sam = await TestClient.connect(context.server.wsUrl, 'json', staff);
    expect(await sam.request({ type: 'release', eventId: 'comps', holdId: staffHold.holdId })).toMatchObject({ type: 'error', code: 'hold_not_found' });
    expect(await sam.request({ type: 'buy', eventId: 'comps', holdId: staffHold.holdId })).toMatchObject({ type: 'error', code: 'hold_not_found' });
    expect((await http(url(), 'DELETE', `/api/events/comps/holds/${staffHold.holdId}`, { token: staff })).status).toBe(409);

    let info = await http(url(), 'GET', '/api/events/comps');
    expect(info.body.counts).toEqual({ available: 26, held: 1, sold: 0, blocked: 0, staffHeld: 3 });
    expect(info.body.areas.floor).toEqual({ capacity: 50, available: 48 });
    const watched = await sam.request({ type: 'watch', eventId: 'comps' });
    expect(watched).toMatchObject({ type: 'stats', held: 1, staffHeld: 3 });

    // Past the TTL: alice's hold expires, the staff hold does not.
    expect(await alice.waitForPush((m) => m.type === 'expired', (TTL_SECONDS + 10) * 1000)).toMatchObject({ holdId: held.holdId });
    const listed = await http(url(), 'GET', '/api/events/comps/holds', { token: staff });
    expect(listed.body.holds).toEqual([expect.objectContaining({ holdId: staffHold.holdId, userId: 'sam', staff: true, note: 'comps for the band', expiresAt: null })]);
    info = await http(url(), 'GET', '/api/events/comps');
    expect(info.body.counts).toMatchObject({ held: 0, staffHeld: 3 });
    expect(await alice.request({ type: 'hold', eventId: 'comps', seats: ['s-1-1'] })).toMatchObject({ code: 'seat_unavailable' });

    const placed = (await auditActions('comps')).find((e) => e.action === 'staff_hold.place');
    expect(placed).toMatchObject({ actor: { userId: 'sam' }, target: staffHold.holdId, details: { note: 'comps for the band', seats: ['s-1-1', 's-1-2', 's-1-3'] } });
    alice.close();
    sam.close();
    viewer.close();

    // A crash of the (single) node: customers' holds are gone with it, the staff hold is not.
    await context.restart('SIGKILL');
    const again = await http(url(), 'GET', '/api/events/comps/holds', { token: staff });
    expect(again.body.holds).toEqual([
      expect.objectContaining({ holdId: staffHold.holdId, userId: 'sam', seats: ['s-1-1', 's-1-2', 's-1-3'], areas: { floor: 2 }, staff: true, note: 'comps for the band' }),
    ]);
    info = await http(url(), 'GET', '/api/events/comps');
    expect(info.body.counts).toMatchObject({ held: 0, staffHeld: 3, available: 27 });
    expect(info.body.areas.floor.available).toBe(48);
    const bob = await customer('bob');
    expect(await bob.request({ type: 'hold', eventId: 'comps', seats: ['s-1-3'] })).toMatchObject({ code: 'seat_unavailable' });

    // Customers may not release it; staff do, and the seats are on sale again.
    expect((await http(url(), 'DELETE', `/api/events/comps/staff-holds/${staffHold.holdId}`, { token: await token('bob') })).status).toBe(403);
    const released = await http(url(), 'DELETE', `/api/events/comps/staff-holds/${staffHold.holdId}`, { token: staff });
    expect(released).toMatchObject({ status: 200, body: { holdId: staffHold.holdId, userId: 'sam', seats: ['s-1-1', 's-1-2', 's-1-3'], areas: { floor: 2 } } });
    expect((await http(url(), 'GET', '/api/events/comps')).body.counts).toMatchObject({ held: 0, staffHeld: 0, available: 30 });
    expect(await bob.request({ type: 'hold', eventId: 'comps', seats: ['s-1-3'] })).toMatchObject({ type: 'held' });
    expect((await http(url(), 'DELETE', `/api/events/comps/staff-holds/${staffHold.holdId}`, { token: staff })).status).toBe(404);
    const audit = await auditActions('comps');
    expect(audit.find((e) => e.action === 'staff_hold.release')).toMatchObject({ actor: { userId: 'sam' }, target: staffHold.holdId });
    bob.close();

    // Released for good: another restart does not bring it back.
    await context.restart('SIGTERM');
    expect((await http(url(), 'GET', '/api/events/comps')).body.counts.staffHeld).toBe(0);
  }, 90_000);

  it('refuses bad requests with a clear error and changes nothing', async () => {
    const body = smallEvent('comps-bad', 2, 5, 3);
    expect((await http(url(), 'POST', '/api/events', { token: context.admin, body })).status).toBe(201);
    const cases: [unknown, number, string][] = [
      [{ seats: ['s-1-1'] }, 400, 'bad_request'],
      [{ seats: ['s-1-1'], note: '   ' }, 400, 'bad_request'],
      [{ seats: [], note: 'house' }, 400, 'bad_request'],
      [{ seats: ['s-1-1', 's-1-1'], note: 'house' }, 400, 'bad_request'],
      [{ seats: ['s-1-1', 's-9-9'], note: 'house' }, 404, 'not_found'],
      [{ areas: { floor: 4 }, note: 'house' }, 409, 'seat_unavailable'],
    ];
    for (const [request, status, code] of cases) {
      const res = await http(url(), 'POST', '/api/events/comps-bad/staff-holds', { token: staff, body: request });
      expect(res, JSON.stringify(request)).toMatchObject({ status, body: { error: { code } } });
    }
    expect((await http(url(), 'POST', '/api/events/comps-bad/staff-holds', { token: await token('eve'), body: { seats: ['s-1-1'], note: 'mine' } })).status).toBe(403);
    expect((await http(url(), 'GET', '/api/events/comps-bad')).body.counts).toMatchObject({ available: 10, staffHeld: 0 });
    expect((await http(url(), 'GET', '/api/events/comps-bad/holds', { token: staff })).body.holds).toEqual([]);
    expect((await auditActions('comps-bad')).filter((e) => e.action.startsWith('staff_hold'))).toEqual([]);
  });
});
