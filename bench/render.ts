// `npx tsx bench/render.ts` (to be `npm run bench -- --render`): the seat-map page in headless Chromium on a
// 100,000-seat event. Measures the time to first paint of the map (navigation start → first full draw,
// median of fresh contexts) and, while a driver makes ~1,000 diffs per second arrive, the page's frame
// times: the draw work per frame and the interval between animation frames, plus long tasks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Auth } from '../src/gateway/auth';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, openPage } from '../test/browser/chromium';
import { startServer } from '../test/support/server-process';
import { TestClient } from '../test/support/ws-client';
import { createEvents } from './scenario/bench-events';
import type { BenchEvent } from './scenario/bench-events';
import type { Percentiles } from './stats';
import { percentiles, round } from './stats';

/** What the render bench reports. */
export interface RenderFigures {
  seats: number;
  /** Navigation start → the map's first full draw, per fresh page, in ms. */
  firstPaintMs: number[];
  firstPaintMedianMs: number;
  /** One full draw of every seat (the first frame), in ms. */
  fullDrawMs: number;
  /** Hold and release commands the driver sent per second. */
  commandsPerSecond: number;
  /** While diffs arrive: what the page received. */
  diffsPerSecond: number;
  seatChangesPerSecond: number;
  /** Draw work per frame that had changes, in ms. */
  drawMs: Percentiles;
  /** Time between animation frames, in ms (16.7 at 60 Hz when nothing blocks). */
  frameIntervalMs: Percentiles;
  /** Main-thread tasks over 50 ms during the diff stream. */
  longTasks: number;
  durationSeconds: number;
}

/** Ten sections of 100 rows × 100 seats: a stadium bowl flattened. */
const SECTIONS = 10;
const ROWS = 100;
const SEATS_PER_ROW = 100;
const EVENT_ID = 'render-100k';
/** Seat commands per second the driver paces; the 1 ms diff tick turns them into up to as many diffs
 * (fewer when several land in one tick: the report gives both figures). */
const DEFAULT_COMMANDS_PER_SECOND = 1000;
/** Single-seat holds a driver user keeps before releasing the oldest. */
const HOLDS_PER_USER = 40;
const DRIVER_USERS = 4;

function renderEvent(): BenchEvent {
  const categories = [
    { id: 'floor', name: 'Floor', price: 15000 },
    { id: 'lower', name: 'Lower bowl', price: 9000 },
    { id: 'upper', name: 'Upper bowl', price: 4500 },
  ];
  const sections = Array.from({ length: SECTIONS }, (_, i) => ({
    id: `s${i + 1}`,
    category: categories[i % 3].id,
    rows: ROWS,
    seatsPerRow: SEATS_PER_ROW,
    accessibleRows: [1],
  }));
  return {
    id: EVENT_ID,
    seats: SECTIONS * ROWS * SEATS_PER_ROW,
    maxSeatsPerUser: 100,
    body: { id: EVENT_ID, name: 'Render bench: 100,000 seats', startsAt: '2030-01-01T20:00:00Z', maxSeatsPerUser: 100, categories, sections },
  };
}

/**
 * Records the interval between animation frames and long tasks in the page. A string, not a function:
 * tsx compiles functions with name helpers that do not exist inside the page.
 */
const FRAME_RECORDER = `(() => {
  const bench = { intervals: [], longTasks: 0, running: true, diffs0: window.__aisle.diffsApplied(), drawn0: window.__aisle.frameTimes().length };
  window.__bench = bench;
  new PerformanceObserver((list) => { bench.longTasks += list.getEntries().length; }).observe({ type: 'longtask' });
  let last = performance.now();
  requestAnimationFrame(function loop(now) {
    bench.intervals.push(now - last);
    last = now;
    if (bench.running) requestAnimationFrame(loop);
  });
})()`;

/** Navigation start → the page's `aisle-map-first-paint` mark, and the first frame's draw time. */
async function firstPaint(page: Page, url: string): Promise<{ ms: number; fullDrawMs: number }> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => performance.getEntriesByName('aisle-map-first-paint').length > 0, undefined, { timeout: 60_000 });
  return page.evaluate(() => ({
    ms: performance.getEntriesByName('aisle-map-first-paint')[0].startTime,
    fullDrawMs: window.__aisle!.frameTimes()[0] ?? 0,
  }));
}

/** Holds and releases single seats at `perSecond` (spread over a few users) until `stop()`. */
async function driveDiffs(wsUrl: string, secret: string, perSecond: number, stop: () => boolean): Promise<number> {
  const auth = Auth.create(secret);
  const drivers = await Promise.all(
    Array.from({ length: DRIVER_USERS }, async (_, u) => TestClient.connect(wsUrl, 'msgpack', await auth.sign({ userId: `driver-${u}`, role: 'customer' }))),
  );
  const holds: string[][] = drivers.map(() => []);
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (!stop()) {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    while (sent < due) {
      const u = sent % DRIVER_USERS;
      const n = Math.floor(sent / DRIVER_USERS);
      // Seats spread across the whole map, so changes land everywhere on screen.
      const seat = (n * 7919 + u * 25_013) % (SECTIONS * ROWS * SEATS_PER_ROW);
      const section = Math.floor(seat / (ROWS * SEATS_PER_ROW));
      const row = Math.floor((seat % (ROWS * SEATS_PER_ROW)) / SEATS_PER_ROW);
      const id = `s${section + 1}-${row + 1}-${(seat % SEATS_PER_ROW) + 1}`;
      const request =
        holds[u].length >= HOLDS_PER_USER
          ? drivers[u].request({ type: 'release', eventId: EVENT_ID, holdId: holds[u].shift() })
          : drivers[u].request({ type: 'hold', eventId: EVENT_ID, seats: [id] }).then((m) => {
              if (m.type === 'held') holds[u].push(m.holdId as string);
            });
      const tracked = request.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.allSettled([...inFlight]);
  for (const d of drivers) d.close();
  return sent;
}

/** Runs the render bench; `seconds` of diff stream. */
export async function measureRender(options: { seconds?: number; pages?: number; rate?: number } = {}): Promise<RenderFigures> {
  const seconds = options.seconds ?? 10;
  const rate = options.rate ?? DEFAULT_COMMANDS_PER_SECOND;
  const pages = options.pages ?? 3;
  if (!chromiumAvailable()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  const dataDir = mkdtempSync(join(tmpdir(), 'aisle-render-'));
  const secret = randomBytes(24).toString('hex');
  // The driver's users exceed the per-user rate limit at high rates: lifted, this measures the page.
  const server = await startServer(
    { DATA_DIR: dataDir, AUTH_SECRET: secret, DIFF_TICK_MS: '1', USER_RATE_PER_SECOND: '1000000', USER_RATE_BURST: '1000000' },
    60_000,
  );
  const chromium = await launchChromium();
  try {
    const auth = Auth.create(secret);
    const event = renderEvent();
    await createEvents(server.url, await auth.sign({ userId: 'bench', role: 'admin' }), [event]);
    const url = `${server.url}/events/${EVENT_ID}?token=${await auth.sign({ userId: 'viewer', role: 'customer' })}`;

    // Time to first paint: each page in a fresh context (cold HTTP cache, fresh JIT).
    const paints: Array<{ ms: number; fullDrawMs: number }> = [];
    for (let i = 0; i < pages; i++) {
      const watched = await openPage(chromium.browser);
      paints.push(await firstPaint(watched.page, url));
      await watched.context.close();
    }

    // Frame times while diffs arrive, on one page kept in front.
    const watched = await openPage(chromium.browser);
    await firstPaint(watched.page, url);
    await watched.page.bringToFront();
    await watched.page.evaluate(FRAME_RECORDER);
    const changesBefore = await countChanges(watched.page);
    const started = performance.now();
    const commands = await driveDiffs(server.wsUrl, secret, rate, () => performance.now() - started > seconds * 1000);
    const elapsed = (performance.now() - started) / 1000;
    const result = await watched.page.evaluate(() => {
      const w = window as unknown as { __bench: { intervals: number[]; longTasks: number; running: boolean; diffs0: number; drawn0: number } };
      w.__bench.running = false;
      return {
        intervals: w.__bench.intervals.slice(1),
        longTasks: w.__bench.longTasks,
        diffs: window.__aisle!.diffsApplied() - w.__bench.diffs0,
        draws: window.__aisle!.frameTimes().slice(-Math.max(0, window.__aisle!.frameTimes().length - w.__bench.drawn0)),
      };
    });
    const changes = (await countChanges(watched.page)) - changesBefore;
    const firstPaintMs = paints.map((p) => round(p.ms));
    return {
      seats: event.seats,
      firstPaintMs,
      firstPaintMedianMs: [...firstPaintMs].sort((a, b) => a - b)[Math.floor(firstPaintMs.length / 2)],
      fullDrawMs: round(paints[paints.length - 1].fullDrawMs),
      commandsPerSecond: Math.round(commands / elapsed),
      diffsPerSecond: Math.round(result.diffs / elapsed),
      seatChangesPerSecond: Math.round(changes / elapsed),
      drawMs: percentiles(Float64Array.from(result.draws)),
      frameIntervalMs: percentiles(Float64Array.from(result.intervals)),
      longTasks: result.longTasks,
      durationSeconds: round(elapsed),
    };
  } finally {
    await chromium.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Seat changes the page has applied from diffs. */
function countChanges(page: Page): Promise<number> {
  return page.evaluate(() => window.__aisle!.seatChangesApplied());
}

/** The figures as the lines `npm run bench -- --render` prints. */
export function renderReport(f: RenderFigures): string {
  return [
    `Seat-map render bench: ${f.seats.toLocaleString('en')} seats, headless Chromium (software rendering)`,
    `| figure | value |`,
    `|---|---|`,
    `| time to first paint (navigation → map drawn), median of ${f.firstPaintMs.length} | ${f.firstPaintMedianMs} ms (${f.firstPaintMs.join(', ')}) |`,
    `| one full draw of all seats | ${f.fullDrawMs} ms |`,
    `| commands sent per second → diffs received per second (seat changes per second) | ${f.commandsPerSecond} → ${f.diffsPerSecond} (${f.seatChangesPerSecond}) |`,
    `| draw work per frame while diffs arrive, p50 / p99 / max | ${f.drawMs.p50} / ${f.drawMs.p99} / ${f.drawMs.max} ms over ${f.drawMs.count} frames |`,
    `| frame interval while diffs arrive, p50 / p99 / max | ${f.frameIntervalMs.p50} / ${f.frameIntervalMs.p99} / ${f.frameIntervalMs.max} ms |`,
    `| long tasks (> 50 ms) during ${f.durationSeconds} s of diffs | ${f.longTasks} |`,
  ].join('\n');
}

/** `npm run bench -- --render [--seconds s] [--pages n] [--rate r] [--json file]`. */
export async function runRenderBench(args: string[]): Promise<void> {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const figures = await measureRender({
    seconds: Number(value('--seconds') ?? 10),
    pages: Number(value('--pages') ?? 3),
    rate: Number(value('--rate') ?? DEFAULT_COMMANDS_PER_SECOND),
  });
  process.stdout.write(`${renderReport(figures)}\n`);
  const json = value('--json');
  if (json) writeFileSync(json, JSON.stringify(figures, null, 2));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runRenderBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
