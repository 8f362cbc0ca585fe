// The seat-map page's price tiers in headless Chromium against a real server: a held seat of a category
// with tiers gets a tier picker, standing places a count per tier; the total shown before buying is
// what the server charges (tier prices plus the event's fee), a pick over a tier's per-order limit is
// explained before buying, and the order carries the tiers picked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import type { LaunchedChromium, WatchedPage } from './chromium';
import { requires } from '../support/skips';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage } from './chromium';

const EVENT = 'tiered';
const hasChromium = requires('Chromium', chromiumAvailable(), CHROMIUM_MISSING);

let db: TestDatabase;
let server: ServerProcess;
let chromium: LaunchedChromium;
let tina: WatchedPage;

async function shownTotal(): Promise<string | null> {
  return tina.page.getAttribute('#hold-total', 'data-total');
}

describe.skipIf(!hasChromium)('price tiers on the seat-map page', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    // std: 5000, child 2500 (at most 1 per order); floor: 3000, child 1500; 250 fee per ticket.
    const created = await http(server.url, 'POST', '/api/events', {
      token: await token('root', 'admin'),
      body: smallEvent(EVENT, 2, 6, 20, {
        feePerTicket: 250,
        currency: 'EUR',
        categories: [
          { id: 'std', name: 'Standard', price: 5000, tiers: [{ id: 'child', name: 'Child', price: 2500, maxPerOrder: 1 }] },
          { id: 'ga', name: 'Floor', price: 3000, tiers: [{ id: 'child', name: 'Child', price: 1500 }] },
        ],
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    chromium = await launchChromium();
    tina = await openPage(chromium.browser);
    await tina.page.goto(`${server.url}/events/${EVENT}?token=${await token('tina')}`);
    await tina.page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await db?.drop();
  });

  it('picks a tier per seat and place, shows the total the server then charges, and buys with those tiers', async () => {
    const { page } = tina;
    for (const seat of [1, 2]) {
      await page.selectOption('#list-row', '1');
      await page.click(`[data-seat-id="s-1-${seat}"]`);
      await page.waitForSelector(`[data-hold-seat="s-1-${seat}"] select[data-tier-seat]`);
    }
    await page.fill('[aria-label="Places in Floor"]', '2');
    await page.locator('#areas li.area button').click();
    await page.waitForSelector('[data-hold-area="floor"] input[data-tier="child"]');
    // Every ticket at its category's price, plus the fee: 2 × 5250 + 2 × 3250.
    await page.waitForFunction(() => document.getElementById('hold-total')!.dataset.total === '17000');

    await page.selectOption('[data-tier-seat="s-1-2"]', 'child');
    await page.fill('[data-hold-area="floor"] input[data-tier="child"]', '1');
    // 5250 + 2750 + 3250 + 1750.
    await page.waitForFunction(() => document.getElementById('hold-total')!.dataset.total === '13000');
    expect(await page.textContent('#hold-total')).toContain('incl.');

    // Two children's seats: over the tier's limit of one per order, said before buying.
    await page.selectOption('[data-tier-seat="s-1-1"]', 'child');
    await page.waitForFunction(() => document.getElementById('hold-total')!.textContent!.includes("at most 1 'child'"));
    expect(await shownTotal()).toBe('');
    await page.selectOption('[data-tier-seat="s-1-1"]', '');
    await page.waitForFunction(() => document.getElementById('hold-total')!.dataset.total === '13000');

    await page.click('#buy');
    await page.waitForSelector('#order:not([hidden])');
    const orderId = await page.getAttribute('#order', 'data-order-id');
    const order = await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token('tina') });
    expect(order.body.total).toBe(13_000);
    expect(order.body.pricing).toMatchObject({ fees: 1000, total: 13_000, currency: 'EUR' });
    expect(order.body.pricing.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ seatId: 's-1-1', tier: null, price: 5000 }),
      expect.objectContaining({ seatId: 's-1-2', tier: 'child', price: 2500 }),
      expect.objectContaining({ areaId: 'floor', count: 1, tier: 'child', price: 1500 }),
      expect.objectContaining({ areaId: 'floor', count: 1, tier: null, price: 3000 }),
    ]));
    expect(await page.textContent('#order')).toContain('130.00');
    expect(tina.problems).toEqual([]);
  });
});
