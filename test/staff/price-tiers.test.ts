// Price tiers and fees over a real server process, real Postgres and real WebSocket clients in both
// encodings: the server prices each seat and place by the tier named, stores the order with its
// pricing, and carries it into the webhook payload, tickets, orders.csv and the sales summary; an
// unknown tier, a tier over its per-order limit and a total the client claims change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, smallEvent, token } from '../support/fixtures';
import { useStaffServer } from '../support/staff-server';
import { WebhookReceiver } from '../support/webhook-receiver';
import { TestClient } from '../support/ws-client';

const WEBHOOK_SECRET = 'price-tiers-webhook-secret';
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
});
afterAll(() => receiver?.close());
const context = useStaffServer(() => ({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET, OUTBOX_POLL_MS: '50' }));

/** std: adult 5000, child 2500 (at most 2 per order), concession 4000; ga (floor): adult 3000, child 1500; fee 250 EUR. */
async function createTieredEvent(id: string): Promise<void> {
  const body = smallEvent(id, 3, 10, 50, {
    feePerTicket: 250,
    currency: 'EUR',
    categories: [
      {
        id: 'std', name: 'Standard', price: 5000,
        tiers: [
          { id: 'adult', name: 'Adult', price: 5000 },
          { id: 'child', name: 'Child', price: 2500, maxPerOrder: 2 },
          { id: 'concession', name: 'Concession', price: 4000 },
        ],
      },
      { id: 'ga', name: 'Floor', price: 3000, tiers: [{ id: 'adult', name: 'Adult', price: 3000 }, { id: 'child', name: 'Child', price: 1500 }] },
    ],
  });
  const res = await http(context.server.url, 'POST', '/api/events', { token: context.admin, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function orderCount(eventId: string): Promise<number> {
  const rows = await context.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE event_id = $1', [eventId]);
  return rows.rows[0].n;
}

describe.each(['msgpack', 'json'] as const)('buy with tiers (%s)', (encoding) => {
  it('the server computes the total from tiers and fee; order, stored order, webhook payload and tickets carry it', async () => {
    const eventId = `tiers-${encoding}`;
    await createTieredEvent(eventId);
    const alice = await TestClient.connect(context.server.wsUrl, encoding, await token('alice'));
    const held = await alice.request({ type: 'hold', eventId, seats: ['s-1-1', 's-1-2', 's-1-3'] });
    const withFloor = await alice.request({ type: 'hold', eventId, holdId: held.holdId, area: { id: 'floor', count: 2 } });
    expect(withFloor.type).toBe('held');

    const order = await alice.request({
      type: 'buy', eventId, holdId: held.holdId,
      tiers: { seats: { 's-1-1': 'adult', 's-1-2': 'child' }, areas: { floor: { child: 1 } } },
    });
    // adult 5000 + child 2500 + s-1-3 at std's own 5000 + floor child 1500 + floor 3000; 5 × 250 fee.
    const total = 5000 + 2500 + 5000 + 1500 + 3000 + 5 * 250;
    expect(order).toMatchObject({ type: 'order', total, status: 'confirmed', pricing: { fees: 1250, total, currency: 'EUR' } });
    const items = (order.pricing as { items: unknown[] }).items;
    expect(items).toContainEqual({ seatId: 's-1-2', count: 1, category: 'std', tier: 'child', price: 2500, fee: 250 });
    expect(items).toContainEqual({ areaId: 'floor', count: 1, category: 'ga', tier: 'child', price: 1500, fee: 250 });

    const stored = await context.sql.query('SELECT total, pricing FROM orders WHERE id = $1', [order.orderId]);
    expect(Number(stored.rows[0].total)).toBe(total);
    expect(stored.rows[0].pricing).toEqual(order.pricing);
    const [webhook] = await receiver.waitFor((w) => w.type === 'order.confirmed' && w.data.orderId === order.orderId);
    expect(webhook!.data).toMatchObject({ orderId: order.orderId, total, pricing: { currency: 'EUR', fees: 1250 } });

    const fetched = await http(context.server.url, 'GET', `/api/orders/${order.orderId}`, { token: context.staff });
    expect(fetched.body).toMatchObject({ total, pricing: { total } });
    const tickets = fetched.body.tickets as { seatId?: string; areaId?: string; tier?: string }[];
    expect(tickets.find((t) => t.seatId === 's-1-2')?.tier).toBe('child');
    expect(tickets.find((t) => t.seatId === 's-1-3')?.tier).toBeUndefined();
    expect(tickets.filter((t) => t.areaId === 'floor').map((t) => t.tier)).toEqual(['child', undefined]);
    alice.close();
  });

  it('an unknown tier, a tier over its limit, or a claimed total is refused and nothing changes', async () => {
    const eventId = `refuse-${encoding}`;
    await createTieredEvent(eventId);
    const bob = await TestClient.connect(context.server.wsUrl, encoding, await token('bob'));
    const held = await bob.request({ type: 'hold', eventId, seats: ['s-2-1', 's-2-2', 's-2-3'] });
    const refusals = [
      [{ tiers: { seats: { 's-2-1': 'senior' } } }, 'not_found', /no tier 'senior'/],
      [{ tiers: { seats: { 's-2-1': 'child', 's-2-2': 'child', 's-2-3': 'child' } } }, 'limit_exceeded', /at most 2 'child'/],
      [{ total: 1 }, 'bad_request', /server computes/],
      [{ price: 100, tiers: { seats: { 's-2-1': 'adult' } } }, 'bad_request', /server computes/],
    ] as const;
    for (const [extra, code, message] of refusals) {
      const reply = await bob.request({ type: 'buy', eventId, holdId: held.holdId, ...extra });
      expect(reply, JSON.stringify(extra)).toMatchObject({ type: 'error', code });
      expect(reply.message).toMatch(message);
    }
    expect(await orderCount(eventId)).toBe(0);
    const holds = await http(context.server.url, 'GET', `/api/events/${eventId}/holds`, { token: context.staff });
    expect(holds.body.holds).toContainEqual(expect.objectContaining({ holdId: held.holdId, seats: ['s-2-1', 's-2-2', 's-2-3'] }));
    // The same hold can still be bought, at the server's price.
    const order = await bob.request({ type: 'buy', eventId, holdId: held.holdId, tiers: { seats: { 's-2-1': 'concession' } } });
    expect(order).toMatchObject({ type: 'order', total: 4000 + 5000 + 5000 + 3 * 250 });
    bob.close();
  });
});

describe('reports carry tiers', () => {
  it('orders.csv has the tier, price and fee of each line; the summary counts per category and tier', async () => {
    await createTieredEvent('tier-report');
    const carol = await TestClient.connect(context.server.wsUrl, 'json', await token('carol'));
    const held = await carol.request({ type: 'hold', eventId: 'tier-report', seats: ['s-3-1', 's-3-2'] });
    await carol.request({ type: 'hold', eventId: 'tier-report', holdId: held.holdId, area: { id: 'floor', count: 1 } });
    const order = await carol.request({
      type: 'buy', eventId: 'tier-report', holdId: held.holdId, tiers: { seats: { 's-3-1': 'child' }, areas: { floor: { child: 1 } } },
    });
    expect(order.type).toBe('order');

    const csv = await fetch(`${context.server.url}/api/events/tier-report/orders.csv`, { headers: { authorization: `Bearer ${context.staff}` } });
    const lines = (await csv.text()).trim().split('\n');
    const header = lines[0].split(',');
    const column = (line: string, name: string): string => line.split(',')[header.indexOf(name)];
    const bySeat = new Map(lines.slice(1).map((l) => [column(l, 'seat_id') || column(l, 'area_id'), l]));
    expect(['tier', 'price', 'fee'].map((n) => column(bySeat.get('s-3-1')!, n))).toEqual(['child', '2500', '250']);
    expect(['tier', 'price', 'fee'].map((n) => column(bySeat.get('s-3-2')!, n))).toEqual(['', '5000', '250']);
    expect(['tier', 'price', 'fee'].map((n) => column(bySeat.get('floor')!, n))).toEqual(['child', '1500', '250']);

    const summary = await http(context.server.url, 'GET', '/api/events/tier-report/summary', { token: context.staff });
    expect(summary.body).toMatchObject({ orders: 1, tickets: 3, revenue: order.total, fees: 750 });
    const std = (summary.body.categories as { category: string; revenue: number; tiers: unknown[] }[]).find((c) => c.category === 'std');
    expect(std?.revenue).toBe(7500);
    expect(std?.tiers).toEqual(expect.arrayContaining([
      { tier: 'child', sold: 1, cancelled: 0, revenue: 2500 },
      { tier: null, sold: 1, cancelled: 0, revenue: 5000 },
    ]));

    // The category has sold: its tier prices are fixed now; the untouched layout-free edit still works.
    const refused = await http(context.server.url, 'PATCH', '/api/events/tier-report', {
      token: context.admin, body: { categories: [{ id: 'std', tiers: [{ id: 'adult', name: 'Adult', price: 1 }] }] },
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect((await http(context.server.url, 'GET', '/api/events/tier-report/map')).body.categories[0].tiers).toHaveLength(3);
    carol.close();
  });
});
