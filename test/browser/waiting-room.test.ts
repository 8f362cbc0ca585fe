// The waiting room on the seat-map page, in headless Chromium against a real server: an event with its line
// on and one shopper at a time (maxActive 1). Paula's page joins behind three shoppers (Node SDK clients)
// and shows her place falling 3, 2, 1 with the people ahead as they buy or leave; when she is admitted the
// page turns into the seat map with the admission's countdown, and she holds a seat. Quinn's page then
// waits behind her, and when Paula holds the last seats it says "Sold out for now" and that Quinn keeps a
// place on the waitlist. Before a line's openAt the page says places are drawn at random; a guest is asked
// to sign in. Screenshots go to test-artifacts/, and with AISLE_DOC_SCREENSHOTS=1 the waiting
// room to docs/waiting-room.png.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AisleClient } from '../../protocol/sdk';
import type { SocketConstructor } from '../../protocol/sdk';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { requires } from '../support/skips';
import type { LaunchedChromium, WatchedPage } from './chromium';
import { CHROMIUM_MISSING, chromiumAvailable, launchChromium, openPage } from './chromium';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const EVENT = 'encore';
/** A line that opens far in the future: joiners wait for the draw. */
const LATER = 'premiere';
const hasChromium = requires('Chromium', chromiumAvailable(), CHROMIUM_MISSING);

let db: TestDatabase;
let server: ServerProcess;
let chromium: LaunchedChromium;
const shoppers: AisleClient[] = [];

/** A shopper on the Node SDK (a real WebSocket to the server). */
async function shopper(userId: string): Promise<AisleClient> {
  const client = await AisleClient.connect({ url: server.wsUrl, token: await token(userId), WebSocket: WebSocket as unknown as SocketConstructor });
  shoppers.push(client);
  return client;
}

/** Opens `eventId`'s page as `userId` (a guest when null). */
async function openEvent(eventId: string, userId: string | null): Promise<WatchedPage> {
  const watched = await openPage(chromium.browser);
  // Generous steps: the machine running the browser tests may be busy.
  watched.context.setDefaultTimeout(30_000);
  await watched.page.goto(`${server.url}/events/${eventId}${userId ? `?token=${await token(userId)}` : ''}`);
  return watched;
}

/** Opens the event's page as `userId` and waits until it shows the line. */
async function queueUp(userId: string): Promise<WatchedPage> {
  const watched = await openEvent(EVENT, userId);
  await watched.page.waitForSelector('body[data-queue="waiting"]');
  return watched;
}

const text = (watched: WatchedPage, selector: string): Promise<string | null> => watched.page.textContent(selector);

describe.skipIf(!hasChromium)('the waiting room in headless Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    const created = await http(server.url, 'POST', '/api/events', {
      token: await token('root', 'admin'),
      body: smallEvent(EVENT, 1, 4, 0, { name: 'Encore Night', areas: [], queue: { mode: 'on', maxActive: 1, admitPerMinute: 30 } }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const later = await http(server.url, 'POST', '/api/events', {
      token: await token('root', 'admin'),
      body: smallEvent(LATER, 1, 4, 0, { name: 'Premiere', areas: [], queue: { mode: 'on', openAt: '2100-01-01T09:00:00Z' } }),
    });
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    chromium = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const client of shoppers) client.close();
    await chromium?.close();
    await server?.stop();
    await db?.drop();
  });

  it('shows the place falling, then the seat map with the admission countdown; the next in line sees sold out', async () => {
    // Three shoppers first: ann is admitted at once, bob and cat wait.
    const [ann, bob, cat] = [await shopper('ann'), await shopper('bob'), await shopper('cat')];
    expect(await ann.join(EVENT)).toMatchObject({ type: 'admitted' });
    expect(await bob.join(EVENT)).toMatchObject({ type: 'queued', position: 1 });
    expect(await cat.join(EVENT)).toMatchObject({ type: 'queued', position: 2 });

    const paula = await queueUp('paula');
    // Every place the page shows from here on, as the user saw it.
    await paula.page.evaluate(() => {
      const element = document.getElementById('queue-position')!;
      const seen = [element.textContent];
      new MutationObserver(() => seen.push(element.textContent)).observe(element, { childList: true, characterData: true, subtree: true });
      (window as unknown as { seenPlaces: unknown }).seenPlaces = seen;
    });
    await paula.page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '3');
    expect(await text(paula, '#queue-ahead')).toBe('2');
    expect(await text(paula, '#wait-h')).toBe('You are in line');
    expect(await paula.page.isHidden('#seat-page')).toBe(true);
    expect(await text(paula, '#connection')).toBe('Live');

    // ann buys: bob is admitted and paula moves up (pushed within a second).
    const held = await ann.hold(EVENT, ['s-1-1']);
    await ann.buy(EVENT, held.holdId);
    await paula.page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '2');
    expect(await text(paula, '#queue-ahead')).toBe('1');
    expect(await paula.page.getAttribute('#queue-progress', 'value')).toBe('2');
    expect(await text(paula, '#queue-eta')).toMatch(/^(Under a minute|About \d+ minutes?|Working it out…)$/);
    const shot = [`${ARTIFACTS}waiting-room.png`, ...(process.env.AISLE_DOC_SCREENSHOTS === '1' ? [`${DOCS}waiting-room.png`] : [])];
    for (const path of shot) await paula.page.screenshot({ path, timeout: 10_000 });

    // bob and cat leave: paula is next, then admitted.
    await bob.rooms.leave(EVENT);
    await paula.page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '1');
    expect(await text(paula, '#queue-ahead')).toBe('0');
    await cat.rooms.leave(EVENT);
    await paula.page.waitForSelector('body[data-queue="admitted"]');
    await paula.page.waitForSelector('body[data-ready="true"]');
    expect(await paula.page.isHidden('#waiting-room')).toBe(true);
    expect(await paula.page.isVisible('#admission')).toBe(true);
    expect(await text(paula, '#admission-countdown')).toMatch(/^(14|15):\d\d$/);
    const seen = (await paula.page.evaluate(() => (window as unknown as { seenPlaces: string[] }).seenPlaces)).filter((s, i, all) => s && s !== all[i - 1]);
    expect(seen).toEqual(['3', '2', '1']);

    // She holds a seat on the map.
    await paula.page.selectOption('#list-row', '1');
    await paula.page.click('[data-seat-id="s-1-2"]');
    await paula.page.waitForSelector('[data-hold-seat="s-1-2"]');
    await paula.page.screenshot({ path: `${ARTIFACTS}waiting-room-admitted.png`, timeout: 10_000 });

    // quinn waits behind her; when paula holds the last seats, quinn's page says sold out.
    const quinn = await queueUp('quinn');
    await quinn.page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '1');
    for (const seat of ['s-1-3', 's-1-4']) {
      await paula.page.click(`[data-seat-id="${seat}"]`);
      await paula.page.waitForSelector(`[data-hold-seat="${seat}"]`);
    }
    await quinn.page.waitForSelector('body[data-queue="sold_out"]');
    expect(await text(quinn, '#wait-h')).toBe('Sold out for now');
    expect(await text(quinn, '#wait-lead')).toContain('You keep your place on the waitlist');
    expect(await text(quinn, '#queue-eta')).toBe('When seats come back');
    expect(await quinn.page.isHidden('#seat-page')).toBe(true);
    await quinn.page.screenshot({ path: `${ARTIFACTS}waiting-room-sold-out.png`, timeout: 10_000 });
    expect(await paula.page.evaluate(() => document.body.dataset.queue)).toBe('admitted');

    expect([...paula.problems, ...quinn.problems]).toEqual([]);
  }, 90_000);

  it('before the line opens says places are drawn at random, and asks a guest to sign in', async () => {
    const rosa = await openEvent(LATER, 'rosa');
    await rosa.page.waitForSelector('body[data-queue="lottery"]');
    expect(await text(rosa, '#wait-h')).toBe('You are in the waiting room');
    expect(await text(rosa, '#wait-lead')).toContain('drawn at random');
    expect(await text(rosa, '#queue-position')).toBe('≤ 1');
    expect(await text(rosa, '#queue-eta')).toMatch(/^Line opens /);
    expect(rosa.problems).toEqual([]);

    // No token (and no dev tokens on this server): the line asks for one, with the sign-in form.
    const guest = await openEvent(LATER, null);
    await guest.page.waitForSelector('body[data-queue="signin"]');
    expect(await text(guest, '#wait-h')).toBe('This sale has a waiting room');
    expect(await guest.page.isVisible('#wait-card #signin-form')).toBe(true);
    expect(await guest.page.isHidden('#seat-page')).toBe(true);
    // The dev-token route is a 404 when AUTH_SECRET is set, which Chromium logs as a failed load.
    expect(guest.problems.filter((p) => !/status of 404 /.test(p))).toEqual([]);
  }, 60_000);
});
