// The staff dashboard's management panels in headless Chromium against a real server: an admin edits
// an event's date (the server has the new one), releases a customer's hold (the customer is pushed
// `expired`), downloads the orders CSV (the file holds the order), and sees those actions in the audit
// list with their actor, and sends a failed webhook again once its receiver is up (the button reaches
// it); makes a staff hold (house seats and standing places under a note) that customers are refused,
// sees it counted as a staff hold and released again; no page logs an error.
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { WebhookReceiver } from '../support/webhook-receiver';
import { TestClient } from '../support/ws-client';
import { WEBHOOK_SECRET, eventually } from '../jobs/webhook-scenarios';
import type { LaunchedChromium, WatchedPage } from './chromium';
import { requires } from '../support/skips';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage } from './chromium';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const EVENT = 'gala';
const hasChromium = requires('Chromium', chromiumAvailable(), CHROMIUM_MISSING);

let db: TestDatabase;
let server: ServerProcess;
let chromium: LaunchedChromium;
let dashboard: WatchedPage;
let receiver: WebhookReceiver | undefined;
let receiverPort: number;

describe.skipIf(!hasChromium)('the staff dashboard manages an event', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    // Webhooks go to a port nobody listens on (taken, then freed): the order's delivery fails for good.
    const placeholder = await WebhookReceiver.start(WEBHOOK_SECRET);
    receiverPort = Number(new URL(placeholder.url).port);
    await placeholder.close();
    server = await startServer({
      DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10',
      WEBHOOK_URL: placeholder.url, WEBHOOK_SECRET, WEBHOOK_ATTEMPTS: '1', WEBHOOK_BACKOFF_MS: '50', OUTBOX_POLL_MS: '50',
    });
    const created = await http(server.url, 'POST', '/api/events', {
      token: await token('root', 'admin'),
      body: smallEvent(EVENT, 4, 10, 20, { name: 'Autumn Gala', startsAt: '2027-03-01T19:00:00.000Z' }),
    });
    expect(created.status).toBe(201);
    chromium = await launchChromium();
    dashboard = await openPage(chromium.browser, { width: 1280, height: 1400 });
    dashboard.page.on('dialog', (dialog) => void dialog.accept());
    await dashboard.page.goto(`${server.url}/staff?token=${await token('ada', 'admin')}`);
    await dashboard.page.waitForSelector('body[data-ready="true"]');
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await receiver?.close();
    await db?.drop();
  });

  it('edits the date, releases a hold, downloads the CSV and lists the audit entries', async () => {
    const { page } = dashboard;
    await page.waitForFunction(() => (document.getElementById('edit-name') as HTMLInputElement).value === 'Autumn Gala');

    // Edit the date: the form shows it in the browser's zone; the server stores the instant.
    const zone = await page.evaluate(() => new Date('2027-03-08T20:30:00').toISOString());
    await page.fill('#edit-starts', '2027-03-08T20:30');
    await page.click('#edit-form button[type="submit"]');
    await page.waitForFunction(() => document.getElementById('edit-result')!.textContent!.startsWith('Saved: startsAt'));
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info.body.startsAt).toBe(zone);
    expect(info.body.name).toBe('Autumn Gala');
    // The event's card shows the new start.
    expect(await page.locator(`[data-event-id="${EVENT}"] .hint`).textContent()).toBe(
      `${EVENT} · on sale · ${await page.evaluate((iso) => new Date(iso).toLocaleString(), zone)}`,
    );

    // A customer holds a seat; it shows in the holds list; releasing it pushes `expired` to them.
    const carol = await TestClient.connect(server.wsUrl, 'json', await token('carol'));
    const held = await carol.request({ type: 'hold', eventId: EVENT, seats: ['s-1-3'] });
    expect(held.type).toBe('held');
    await page.click('#refresh-holds');
    const row = page.locator(`#holds tr[data-hold-id="${held.holdId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('carol');
    await row.getByRole('button', { name: `Release hold ${held.holdId}` }).click();
    expect(await carol.waitForPush((m) => m.type === 'expired')).toMatchObject({ eventId: EVENT, holdId: held.holdId });
    await page.waitForFunction((id) => !document.querySelector(`#holds tr[data-hold-id="${id}"]`), held.holdId);
    expect((await http(server.url, 'GET', `/api/events/${EVENT}`)).body.counts.held).toBe(0);

    // An order, then the CSV download holds it.
    const again = await carol.request({ type: 'hold', eventId: EVENT, seats: ['s-2-4', 's-2-5'] });
    const order = await carol.request({ type: 'buy', eventId: EVENT, holdId: again.holdId });
    expect(order.type).toBe('order');
    carol.close();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    expect(download.suggestedFilename()).toBe(`${EVENT}-orders.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^order_id,/);
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual([order.orderId, order.orderId]);
    // The sale's stats push refreshes the summary (at most a second later).
    await page.waitForFunction(() => document.getElementById('summary-totals')!.textContent!.startsWith('1 orders')).catch(async (error: Error) => {
      const shown = await page.textContent('#summary-totals');
      throw new Error(`${error.message}; the summary shows "${shown}"; page problems: ${dashboard.problems.join(' | ') || 'none'}`);
    });

    // The audit list shows what the admin did, with the actor.
    await page.click('#refresh-audit');
    for (const action of ['event.update', 'hold.force_release', 'orders.export']) {
      const entry = page.locator(`#audit tr[data-action="${action}"]`).first();
      await entry.waitFor();
      expect(await entry.textContent()).toContain('ada (admin)');
    }
    expect(await page.locator('#audit tr[data-action="hold.force_release"]').first().textContent()).toContain(held.holdId);

    // The order's webhook failed (nothing listened); the receiver comes up and "Send again" delivers it.
    const deadRow = page.locator('#dead-letters tr').filter({ hasText: 'order.confirmed' }).first();
    await eventually(async () => {
      await page.click('#refresh-dead');
      return (await deadRow.count()) > 0;
    }, 'the order webhook listed as failed', 15_000);
    receiver = await WebhookReceiver.start(WEBHOOK_SECRET, receiverPort);
    await deadRow.getByRole('button', { name: /^Send .* again$/ }).click();
    const [delivered] = await receiver.waitFor((w) => w.type === 'order.confirmed' && w.data.orderId === order.orderId, 1, 15_000);
    expect(delivered.signatureValid).toBe(true);
    await page.waitForFunction(() => document.getElementById('dead-result')!.textContent!.includes('queued again'));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}staff-dashboard-manage.png`, fullPage: true });
    expect(dashboard.problems).toEqual([]);
  });
  it('makes a staff hold from the dashboard, counted apart and refused to customers, and releases it', async () => {
    const { page } = dashboard;
    await page.fill('#staff-hold-seats', 's-4-1 s-4-2');
    await page.fill('#staff-hold-places', 'floor:2');
    await page.fill('#staff-hold-note', 'house seats for the mayor');
    await page.click('#staff-hold-form button[type="submit"]');
    const row = page.locator('#holds tr[data-staff="true"]');
    await row.waitFor();
    const text = await row.textContent();
    for (const part of ['ada (staff)', 's-4-1, s-4-2, 2× floor', 'house seats for the mayor', 'never']) expect(text).toContain(part);
    const holdId = await row.getAttribute('data-hold-id');

    // The server has it: a staff hold, counted apart, refused to customers.
    const listed = await http(server.url, 'GET', `/api/events/${EVENT}/holds`, { token: await token('ada', 'staff') });
    expect(listed.body.holds).toContainEqual(expect.objectContaining({ holdId, userId: 'ada', staff: true, note: 'house seats for the mayor', expiresAt: null }));
    expect((await http(server.url, 'GET', `/api/events/${EVENT}`)).body.counts).toMatchObject({ held: 0, staffHeld: 2 });
    const dan = await TestClient.connect(server.wsUrl, 'json', await token('dan'));
    expect(await dan.request({ type: 'hold', eventId: EVENT, seats: ['s-4-2'] })).toMatchObject({ type: 'error', code: 'seat_unavailable', seats: ['s-4-2'] });
    dan.close();
    // The event card counts it as a staff hold (from the stats push).
    await page.waitForFunction((id) => document.querySelector(`[data-event-id="${id}"] [data-stat="staffHeld"]`)?.textContent === '2', EVENT);

    await row.getByRole('button', { name: `Release hold ${holdId}` }).click();
    await page.waitForFunction(() => !document.querySelector('#holds tr[data-staff="true"]'));
    expect((await http(server.url, 'GET', `/api/events/${EVENT}`)).body.counts).toMatchObject({ staffHeld: 0 });
    await page.click('#refresh-audit');
    for (const action of ['staff_hold.place', 'staff_hold.release']) {
      const entry = page.locator(`#audit tr[data-action="${action}"]`).first();
      await entry.waitFor();
      expect(await entry.textContent()).toContain(holdId!);
    }
    expect(dashboard.problems).toEqual([]);
  });
});
