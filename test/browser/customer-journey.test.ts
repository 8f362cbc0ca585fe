// The customer's journey and the gate in headless Chromium against a real server: a reload while holding
// seats finds them again (still yours, with the countdown); a pick that would strand a seat and a
// companion seat kept back are explained in words; "My tickets" draws a QR code that decodes (jsQR) to
// the ticket's code; the gate page checks a ticket in once, refuses the second scan as USED and shows a
// cancelled order's ticket as VOID; the staff dashboard counts the check-in.
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import type { LaunchedChromium, WatchedPage } from './chromium';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, openPage } from './chromium';

const EVENT = 'recital';
const hasChromium = chromiumAvailable();
if (!hasChromium) console.warn(`SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH}`);

let db: TestDatabase;
let server: ServerProcess;
let chromium: LaunchedChromium;
let rita: WatchedPage;
let gate: WatchedPage;
let staffToken: string;

/** Clicks a seat in the page's seat list (choosing its row first). */
async function clickSeat(page: WatchedPage, row: number, seat: number): Promise<void> {
  await page.page.selectOption('#list-row', String(row));
  await page.page.click(`[data-seat-id="s-${row}-${seat}"]`);
}

/** Types a code into the gate page, presses `button` and waits for the verdict. */
async function scan(code: string, button = '#check-in'): Promise<{ verdict: string; text: string }> {
  await gate.page.evaluate(() => {
    document.getElementById('verdict')!.hidden = true;
  });
  await gate.page.fill('#code', code);
  await gate.page.click(button);
  await gate.page.waitForSelector('#verdict:not([hidden])');
  return {
    verdict: (await gate.page.getAttribute('#verdict', 'data-verdict'))!,
    text: (await gate.page.textContent('#verdict'))!,
  };
}

describe.skipIf(!hasChromium)('the customer journey and the gate in headless Chromium', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    staffToken = await token('gatekeeper', 'staff');
    const created = await http(server.url, 'POST', '/api/events', {
      token: await token('root', 'admin'),
      body: smallEvent(EVENT, 4, 8, 20, {
        name: 'Spring Recital',
        orphans: 'block',
        sections: [{ id: 's', category: 'std', rows: 4, seatsPerRow: 8, accessibleRows: [1], companionRows: [2] }],
        accessibleHoldBack: { until: '2100-01-01T00:00:00Z' },
      }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    chromium = await launchChromium();
    rita = await openPage(chromium.browser);
    await rita.page.goto(`${server.url}/events/${EVENT}?token=${await token('rita')}`);
    await rita.page.waitForSelector('body[data-ready="true"]');
    gate = await openPage(chromium.browser);
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await db?.drop();
  });

  it('finds the held seats again after a reload: still yours, with the countdown', async () => {
    await clickSeat(rita, 3, 4);
    await rita.page.waitForSelector('[data-hold-seat="s-3-4"]');
    await clickSeat(rita, 3, 5);
    await rita.page.waitForSelector('[data-hold-seat="s-3-5"]');
    await rita.page.reload();
    await rita.page.waitForSelector('body[data-ready="true"]');
    await rita.page.waitForSelector('[data-hold-seat="s-3-5"]');
    expect(await rita.page.locator('#hold-seats [data-hold-seat]').count()).toBe(2);
    expect(await rita.page.evaluate(() => [window.__aisle!.seatStatus('s-3-4'), window.__aisle!.seatStatus('s-3-5')])).toEqual(['mine', 'mine']);
    expect(await rita.page.textContent('#countdown')).toMatch(/^(9|10):\d\d$/);
    await expect.poll(() => rita.page.textContent('#announcer')).toContain('Welcome back. You hold 2 seats');
    // The hold is the same one on the server: nothing more is held.
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info.body.counts.held).toBe(2);
  });

  it('explains a pick that would strand a seat, naming it, and a companion seat kept back', async () => {
    await clickSeat(rita, 3, 7);
    await rita.page.waitForSelector('#error:not([hidden])');
    expect(await rita.page.textContent('#error')).toMatch(/^That choice would leave Section s, row 3, seat (6|8).* nobody could sit in with a friend/);
    await clickSeat(rita, 2, 3);
    await expect.poll(() => rita.page.textContent('#error')).toContain('Section s, row 2, seat 3: kept for now for wheelchair users');
    expect(await rita.page.getAttribute('[data-seat-id="s-2-3"]', 'aria-label')).toContain('companion seat');
    expect(await rita.page.locator('#hold-seats [data-hold-seat]').count()).toBe(2);
  });

  it('shows each bought ticket with its code and a QR code that decodes to it', async () => {
    await rita.page.click('#buy');
    await rita.page.waitForSelector('#order:not([hidden])');
    const orderId = (await rita.page.getAttribute('#order', 'data-order-id'))!;
    await rita.page.waitForSelector(`#tickets [data-order-id="${orderId}"] canvas.qr`);
    const order = await http(server.url, 'GET', `/api/orders/${orderId}`, { token: await token('rita') });
    const codes = (order.body.tickets as { code: string }[]).map((t) => t.code).sort();
    expect(codes).toHaveLength(2);
    const drawn = await rita.page.$$eval('#tickets canvas.qr', (canvases) =>
      (canvases as HTMLCanvasElement[]).map((canvas) => {
        const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        return { shown: canvas.closest('[data-ticket-code]')!.getAttribute('data-ticket-code'), width: image.width, height: image.height, pixels: Array.from(image.data) };
      }),
    );
    const decoded = drawn.map((d) => ({ shown: d.shown, read: jsQR(Uint8ClampedArray.from(d.pixels), d.width, d.height)?.data ?? null }));
    expect(decoded.map((d) => d.read).sort()).toEqual(codes);
    for (const d of decoded) expect(d.read).toBe(d.shown);
    expect(await rita.page.textContent('#tickets')).toContain(codes[0]);
  });

  it('the gate checks a ticket in once, refuses it the second time as USED, and shows a cancelled order as VOID', async () => {
    const mine = await http(server.url, 'GET', `/api/me/orders?eventId=${EVENT}`, { token: await token('rita') });
    const [first] = mine.body.orders as { orderId: string; tickets: { seatId: string; code: string }[] }[];
    const ticket = first.tickets[0];
    await gate.page.goto(`${server.url}/gate`);
    await gate.page.waitForSelector('body[data-ready="true"]');
    await gate.page.waitForSelector('#signin:not([hidden])');
    await gate.page.fill('#signin-token', staffToken);
    await gate.page.click('#signin-form button');
    await gate.page.waitForSelector('body[data-ready="true"]');
    expect(await gate.page.isHidden('#signin')).toBe(true);

    const looked = await scan(ticket.code, '#look-up');
    expect(looked.verdict).toBe('valid');
    const admitted = await scan(ticket.code);
    expect(admitted).toMatchObject({ verdict: 'valid' });
    expect(admitted.text).toContain('VALID');
    expect(admitted.text).toContain(`Seat ${ticket.seatId}`);
    expect(admitted.text).toContain(`Order ${first.orderId}`);
    const again = await scan(ticket.code);
    expect(again.verdict).toBe('used');
    expect(again.text).toContain('USED');
    expect(again.text).toContain('Already checked in');
    expect(await scan(`${ticket.code.slice(0, -2)}xx`)).toMatchObject({ verdict: 'unknown' });

    // Another purchase through the page, cancelled by staff: its ticket is void at the gate.
    await clickSeat(rita, 4, 1);
    await rita.page.waitForSelector('[data-hold-seat="s-4-1"]');
    await clickSeat(rita, 4, 2);
    await rita.page.waitForSelector('[data-hold-seat="s-4-2"]');
    await rita.page.click('#buy');
    await rita.page.waitForFunction((previous) => document.getElementById('order')?.dataset.orderId !== previous, first.orderId);
    const second = (await rita.page.getAttribute('#order', 'data-order-id'))!;
    const voided = (await http(server.url, 'GET', `/api/orders/${second}`, { token: staffToken })).body.tickets[0].code as string;
    const cancelled = await http(server.url, 'POST', `/api/orders/${second}/cancel`, { token: staffToken });
    expect(cancelled.status).toBe(200);
    const refused = await scan(voided);
    expect(refused.verdict).toBe('void');
    expect(refused.text).toContain('VOID');
    expect(refused.text).toContain(`Order ${second}`);
    // The staff token stays in the tab's sessionStorage, not in the address bar.
    expect(await gate.page.evaluate(() => sessionStorage.getItem('aisle.token.staff'))).toBe(staffToken);
    // The staff dashboard counts the one check-in (refused scans count nothing).
    await gate.page.goto(`${server.url}/staff`);
    await gate.page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => gate.page.textContent(`[data-event-id="${EVENT}"] [data-stat="checkedIn"]`), { timeout: 5_000 }).toBe('1');
  });

  it('logged no console errors, page errors or failed requests', () => {
    // The gate's refusals are HTTP answers (404 unknown code or dev token route, 409 used or void), which
    // Chromium logs as failed loads; anything else is a problem.
    const expected = /^console\.error: Failed to load resource: the server responded with a status of (404|409) /;
    expect([...rita.problems, ...gate.problems.filter((p) => !expected.test(p))]).toEqual([]);
  });
});
