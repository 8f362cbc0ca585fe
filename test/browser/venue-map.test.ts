// The seat map as people see it, in headless Chromium against a real server: the demo arena and a
// 100,000-seat stadium are drawn fitted to the canvas with the stage, standing areas and section labels;
// zooming in (wheel) brings row labels and seats big enough to click; the 100,000 seats are drawn in
// their live colours (read back from the canvas) and a hold by someone else repaints its seat; the page
// loads the compact, versioned map, preloaded while its scripts load; no page logs an error (the site icon is served). Screenshots go to
// test-artifacts/, and with AISLE_DOC_SCREENSHOTS=1 to docs/seat-map.png and docs/seat-map-100k.png.
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EVENT } from '../../src/demo-event';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import { requires } from '../support/skips';
import type { ServerProcess } from '../support/server-process';
import { stadiumDefinition } from '../support/venues';
import { TestClient } from '../support/ws-client';
import type { LaunchedChromium, WatchedPage } from './chromium';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage } from './chromium';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const hasChromium = requires('Chromium', chromiumAvailable(), CHROMIUM_MISSING);

let db: TestDatabase;
let server: ServerProcess;
let chromium: LaunchedChromium;

async function openMap(eventId: string, viewport = { width: 1280, height: 800 }): Promise<{ watched: WatchedPage; mapRequests: string[]; snapshotRequests: string[] }> {
  const watched = await openPage(chromium.browser, viewport);
  watched.context.setDefaultTimeout(30_000);
  const mapRequests: string[] = [];
  const snapshotRequests: string[] = [];
  watched.page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.includes('/map')) mapRequests.push(url.pathname + url.search);
    if (url.pathname.endsWith('/snapshot')) snapshotRequests.push(url.pathname + url.search);
  });
  await watched.page.goto(`${server.url}/events/${eventId}?token=${await token('viewer')}`);
  await watched.page.waitForSelector('body[data-ready="true"]');
  await watched.page.waitForFunction(() => performance.getEntriesByName('aisle-map-first-paint').length > 0);
  return { watched, mapRequests, snapshotRequests };
}

/** The stadium's upper stands and a held seat, as src/web/seat-map/palette.ts colours them. */
const UPPER_STANDS = '#e8710a';
const HELD = '#bdc1c6';

/** The colour of the canvas pixel at a seat's centre, as #rrggbb. */
async function pixelAt(page: Page, seatId: string): Promise<string> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate((id) => {
    const canvas = document.getElementById('map') as HTMLCanvasElement;
    const rect = canvas.getBoundingClientRect();
    const point = window.__aisle!.seatPoint(id)!;
    const x = Math.floor((point.x - rect.left) * (canvas.width / rect.width));
    const y = Math.floor((point.y - rect.top) * (canvas.height / rect.height));
    // Copied to a probe first: reading the page's own canvas back would make Chromium warn.
    const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    probe.drawImage(canvas, x, y, 1, 1, 0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  }, seatId);
}

async function screenshot(watched: WatchedPage, name: string): Promise<void> {
  const paths = [`${ARTIFACTS}${name}`];
  if (process.env.AISLE_DOC_SCREENSHOTS === '1') paths.push(`${DOCS}${name}`);
  for (const path of paths) await watched.page.screenshot({ path, timeout: 20_000 });
}

describe.skipIf(!hasChromium)('the venue map in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    const admin = await token('root', 'admin');
    for (const body of [DEMO_EVENT, stadiumDefinition('stadium')]) {
      expect((await http(server.url, 'POST', '/api/events', { token: admin, body })).status).toBe(201);
    }
    chromium = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    await db?.drop();
  });

  it('draws the demo arena fitted to the canvas from the compact versioned map, and zooming in shows seats to click', async () => {
    const { watched, mapRequests, snapshotRequests } = await openMap('demo');
    const { page } = watched;
    expect(mapRequests).toEqual([expect.stringMatching(/^\/api\/events\/demo\/map\/v\/[\w-]+\?form=compact$/)]);
    expect(snapshotRequests).toEqual(['/api/events/demo/snapshot']);
    // Those requests are the page's preloads (the map, and the live snapshot its first frame is drawn
    // from): they started before the page's script ran.
    const started = await page.evaluate(() => ({
      map: performance.getEntriesByType('resource').find((e) => e.name.includes('/map/v/'))?.startTime ?? null,
      snapshot: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/snapshot'))?.startTime ?? null,
      script: performance.getEntriesByName('aisle-script')[0]?.startTime ?? null,
    }));
    expect(started.map).not.toBeNull();
    expect(started.map!).toBeLessThan(started.script!);
    expect(started.snapshot).not.toBeNull();
    expect(started.snapshot!).toBeLessThan(started.script!);
    await screenshot(watched, 'seat-map.png');
    // Fitted: the seats nearest the canvas edges lie inside it, and the venue spans most of its width or height.
    const fit = await page.evaluate(() => {
      const canvas = document.getElementById('map')!.getBoundingClientRect();
      const points = ['101-14-1', '108-14-18', '104-14-9', '105-14-9'].map((id) => window.__aisle!.seatPoint(id)!);
      const xs = points.map((p) => p.x);
      const ys = points.map((p) => p.y);
      return {
        inside: points.every((p) => p.x > canvas.left && p.x < canvas.right && p.y > canvas.top && p.y < canvas.bottom),
        spanX: (Math.max(...xs) - Math.min(...xs)) / canvas.width,
        spanY: (Math.max(...ys) - Math.min(...ys)) / canvas.height,
      };
    });
    expect(fit.inside).toBe(true);
    expect(Math.max(fit.spanX, fit.spanY)).toBeGreaterThan(0.6);

    // Wheel zoom around a seat keeps it under the pointer and spreads seats apart.
    const spacing = async (): Promise<number> =>
      page.evaluate(() => Math.hypot(window.__aisle!.seatPoint('104-5-9')!.x - window.__aisle!.seatPoint('104-5-10')!.x, window.__aisle!.seatPoint('104-5-9')!.y - window.__aisle!.seatPoint('104-5-10')!.y));
    const before = await spacing();
    const seat = (await page.evaluate(() => window.__aisle!.seatPoint('104-5-9')))!;
    // Wheel events carry whole pixels: aim at one, and allow the seat's sub-pixel offset to grow with the zoom.
    const pointer = { x: Math.round(seat.x), y: Math.round(seat.y) };
    await page.mouse.move(pointer.x, pointer.y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
    await page.waitForFunction((px) => Math.hypot(window.__aisle!.seatPoint('104-5-9')!.x - window.__aisle!.seatPoint('104-5-10')!.x, window.__aisle!.seatPoint('104-5-9')!.y - window.__aisle!.seatPoint('104-5-10')!.y) > px * 2, before);
    const zoom = (await spacing()) / before;
    expect(zoom).toBeGreaterThan(2);
    const after = (await page.evaluate(() => window.__aisle!.seatPoint('104-5-9')))!;
    expect(Math.hypot(after.x - pointer.x, after.y - pointer.y)).toBeLessThanOrEqual(Math.hypot(seat.x - pointer.x, seat.y - pointer.y) * zoom + 1);
    await screenshot(watched, 'seat-map-zoomed.png');

    // Hovering the standing floor names it with its price and places left.
    await page.getByRole('button', { name: 'Fit' }).click();
    // Between the front rows of the two side sections: the middle of the floor.
    const floor = await page.evaluate(() => {
      const a = window.__aisle!.seatPoint('102-1-9')!;
      const b = window.__aisle!.seatPoint('107-1-10')!;
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    });
    await page.mouse.move(floor.x, floor.y);
    await page.waitForSelector('#tooltip:not([hidden])');
    expect(await page.textContent('#tooltip')).toMatch(/^Standing floor · .*40.* · 1,200 places left$/);
    expect(watched.problems).toEqual([]);
    await watched.context.close();
  }, 60_000);

  it('draws a 100,000-seat stadium fitted to the canvas in its seats\' live colours, a hold elsewhere turning its seat grey, with no errors', async () => {
    const { watched } = await openMap('stadium');
    await screenshot(watched, 'seat-map-100k.png');
    const { page } = watched;
    const fit = await page.evaluate(() => {
      const canvas = document.getElementById('map')!.getBoundingClientRect();
      const ends = ['s1-100-1', 's10-100-100', 's5-100-50'].map((id) => window.__aisle!.seatPoint(id)!);
      return ends.every((p) => p.x > canvas.left && p.x < canvas.right && p.y > canvas.top && p.y < canvas.bottom);
    });
    expect(fit).toBe(true);
    // The pixel under a seat of the upper stands (s5) is that category's colour at first paint.
    const seat = 's5-50-50';
    expect(await pixelAt(page, seat)).toBe(UPPER_STANDS);
    // Someone else holds it: the diff repaints just that seat, in the held colour.
    const other = await TestClient.connect(server.wsUrl, 'msgpack', await token('someone-else'));
    expect((await other.request({ type: 'hold', eventId: 'stadium', seats: [seat] })).type).toBe('held');
    await page.waitForFunction((id) => window.__aisle!.seatStatus(id) === 'held', seat);
    await expect.poll(() => pixelAt(page, seat)).toBe(HELD);
    other.close();
    expect(watched.problems).toEqual([]);
    await watched.context.close();
  }, 60_000);
});
