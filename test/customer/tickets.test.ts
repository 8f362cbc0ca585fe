// Tickets after the sale over HTTP against a real server: a customer lists exactly their own orders; a
// ticket checks in once, the second scan is refused with when it was used, two (and eight) parallel
// scans give exactly one success, a cancelled order's ticket is refused as void; check-ins are counted in
// the staff `stats` (reply and pushes, in both encodings), and refusals count nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoding } from '../../protocol';
import { loadMyOrders } from '../../protocol/sdk';
import { http, token } from '../support/fixtures';
import { TestClient } from '../support/ws-client';
import { createEvent, harness, sdk, useSdkServer } from '../sdk/sdk-harness';

useSdkServer();

const EVENT = 'tickets';
let staff: string;
let tickets: { seatId: string; code: string }[];
let orderId: string;

const checkIn = (code: string, as = staff) => http(harness.server.url, 'POST', `/api/tickets/${encodeURIComponent(code)}/check-in`, { token: as });

async function watcher(encoding: Encoding): Promise<TestClient> {
  const client = await TestClient.connect(harness.server.wsUrl, encoding, staff);
  const reply = await client.request({ type: 'watch', eventId: EVENT });
  expect(reply).toMatchObject({ type: 'stats', eventId: EVENT, checkedIn: 0 });
  return client;
}

beforeAll(async () => {
  staff = await token('gate-staff', 'staff');
  await createEvent(EVENT, 2, 10);
  const tina = await sdk('tina');
  const hold = await tina.hold(EVENT, ['s-1-1', 's-1-2', 's-1-3', 's-1-4']);
  orderId = (await tina.buy(EVENT, hold.holdId)).orderId;
  const mine = await http(harness.server.url, 'GET', `/api/me/orders?eventId=${EVENT}`, { token: await token('tina') });
  expect(mine.status).toBe(200);
  tickets = mine.body.orders[0].tickets;
});

describe('my orders and tickets at the gate', () => {
  it("lists a customer's own orders with their tickets, and nobody else's", async () => {
    expect(tickets.map((t) => t.seatId)).toEqual(['s-1-1', 's-1-2', 's-1-3', 's-1-4']);
    const other = await http(harness.server.url, 'GET', `/api/me/orders?eventId=${EVENT}`, { token: await token('otto') });
    expect(other.body).toEqual({ orders: [] });
    // The SDK's loader gives the same list, and the server's refusal as an AisleError.
    expect(await loadMyOrders(EVENT, { token: await token('tina'), baseUrl: harness.server.url })).toEqual(
      (await http(harness.server.url, 'GET', `/api/me/orders?eventId=${EVENT}`, { token: await token('tina') })).body.orders,
    );
    await expect(loadMyOrders('', { token: await token('tina'), baseUrl: harness.server.url })).rejects.toMatchObject({ code: 'bad_request' });
    expect((await http(harness.server.url, 'GET', '/api/me/orders?eventId=', { token: await token('otto') })).status).toBe(400);
    expect((await http(harness.server.url, 'GET', `/api/me/orders?eventId=${EVENT}`)).status).toBe(401);
  });

  it('checks a ticket in once, counts it in stats for watchers in both encodings, and refuses the second scan', async () => {
    const [json, msgpack] = await Promise.all([watcher('json'), watcher('msgpack')]);
    const [ticket] = tickets;
    expect((await checkIn(ticket.code, await token('tina'))).status).toBe(403);
    const first = await checkIn(ticket.code);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ code: ticket.code, eventId: EVENT, orderId, seatId: 's-1-1', status: 'used', usedAt: expect.any(String) });
    const second = await checkIn(ticket.code);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'conflict', status: 'used', usedAt: first.body.usedAt });
    const looked = await http(harness.server.url, 'GET', `/api/tickets/${encodeURIComponent(ticket.code)}`, { token: staff });
    expect(looked.body).toMatchObject({ status: 'used', usedAt: first.body.usedAt });
    expect((await checkIn(`${ticket.code.slice(0, -2)}zz`)).status).toBe(404);
    for (const client of [json, msgpack]) {
      await client.waitForPush((m) => m.type === 'stats' && m.eventId === EVENT && m.checkedIn === 1);
      client.close();
    }
  });

  it('gives exactly one success to two parallel scans of one ticket, and to eight of another', async () => {
    for (const [ticket, scans] of [[tickets[1], 2], [tickets[2], 8]] as const) {
      const answers = await Promise.all(Array.from({ length: scans }, () => checkIn(ticket.code)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      const refused = answers.filter((a) => a.status === 409);
      expect(refused).toHaveLength(scans - 1);
      for (const r of refused) expect(r.body.error).toMatchObject({ code: 'conflict', status: 'used' });
    }
    const client = await TestClient.connect(harness.server.wsUrl, 'msgpack', staff);
    expect(await client.request({ type: 'watch', eventId: EVENT })).toMatchObject({ type: 'stats', checkedIn: 3 });
    client.close();
  });

  it("refuses a cancelled order's ticket as void and counts nothing for it", async () => {
    const cancelled = await http(harness.server.url, 'POST', `/api/orders/${orderId}/cancel`, { token: staff });
    expect(cancelled.status).toBe(200);
    const refused = await checkIn(tickets[3].code);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', status: 'void' });
    const looked = await http(harness.server.url, 'GET', `/api/tickets/${encodeURIComponent(tickets[3].code)}`, { token: staff });
    expect(looked.body).toMatchObject({ status: 'void' });
    const client = await TestClient.connect(harness.server.wsUrl, 'json', staff);
    expect(await client.request({ type: 'watch', eventId: EVENT })).toMatchObject({ type: 'stats', checkedIn: 3 });
    client.close();
  });
});
