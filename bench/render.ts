// `npm run bench -- --render`: the seat-map page in headless Chromium on a 100,000-seat stadium (curved
// stands, a stage, a standing pitch). Measures the time to first paint of the map (median of fresh
// contexts) as the page loads it (the compact, versioned, compressed map) and, as the baseline in the
// same run, through the v1 JSON map (`?map=v1`); then, while a driver makes ~1,000 diffs per second
// arrive, the page's frame times: the draw work per frame and the interval between animation frames,
// plus long tasks. Writes bench/results/render.json (or `--json file`).
//
// First paint, as measured here: navigation start → the moment the venue is on screen *with its live
// availability* and usable: the page has the map and the subscription's snapshot, has drawn every seat
// in its live colour with the stage, areas and section labels, its seats answer clicks, and the browser
// has rendered that frame (the page's `aisle-map-first-paint` mark, set by a message posted from the
// drawing frame, which runs after the frame's rendering). Not a blank canvas, not a map without
// availability. The keyboard seat list and the side panel are filled right after it. The page's other
// marks (src/web/common/marks.ts) say where the time went; their medians are in `firstPaintPhasesMs`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Auth } from '../src/gateway/auth';
import { MARKS } from '../src/web/common/marks';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, openPage } from '../test/browser/chromium';
import type { LaunchedChromium } from '../test/browser/chromium';
import { startServer } from '../test/support/server-process';
import type { ServerProcess } from '../test/support/server-process';
import { TestClient } from '../test/support/ws-client';
import { STADIUM_ROWS, STADIUM_SEATS_PER_ROW, STADIUM_SECTIONS, stadiumDefinition } from '../test/support/venues';
import { createEvents } from './scenario/bench-events';
import type { BenchEvent } from './scenario/bench-events';
import type { Percentiles } from './stats';
import { percentiles, round } from './stats';

/** What the render bench reports. */
export interface RenderFigures {
  seats: number;
  /** Navigation start → first paint (see the file comment), per fresh page, in ms. */
  firstPaintMs: number[];
  firstPaintMedianMs: number;
  /** Navigation start → each of the page's marks on the way (src/web/common/marks.ts), median over the pages, ms. */
  firstPaintPhasesMs: Record<string, number>;
  /** The requests of the page whose first paint is the median one, in the order they started (the WebSocket is not among them). */
  firstPaintRequests: RequestTiming[];
  /** The baseline: the same, loading the v1 JSON map (one object per seat, uncompressed as the page asks). */
  firstPaintV1Ms: number[];
  firstPaintV1MedianMs: number;
  /** Target: first paint of a 100,000-seat map within this (ms). */
  firstPaintTargetMs: number;
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

const SECTIONS = STADIUM_SECTIONS;
const ROWS = STADIUM_ROWS;
const SEATS_PER_ROW = STADIUM_SEATS_PER_ROW;
const EVENT_ID = 'render-100k';
/** The first-paint goal for a 100,000-seat map. */
const FIRST_PAINT_TARGET_MS = 500;
/** Seat commands per second the driver paces; the 1 ms diff tick turns them into up to as many diffs
 * (fewer when several land in one tick: the report gives both figures). */
const DEFAULT_COMMANDS_PER_SECOND = 1000;
/** Single-seat holds a driver user keeps before releasing the oldest. */
const HOLDS_PER_USER = 40;
const DRIVER_USERS = 4;

function renderEvent(): BenchEvent {
  const body = stadiumDefinition(EVENT_ID, 'Render bench: 100,000 seats');
  return { id: EVENT_ID, seats: SECTIONS * ROWS * SEATS_PER_ROW, maxSeatsPerUser: body.maxSeatsPerUser ?? 100, body: { ...body } };
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

/** One page load: navigation start → first paint, → each mark on the way, and the first frame's draw time. */
export interface PaintReading {
  ms: number;
  phases: Record<string, number>;
  fullDrawMs: number;
  /** Each request of the load (the document first): path, and ms since navigation start at its start, first byte and end. */
  requests: RequestTiming[];
}

/** One request of a page load, from the browser's resource timing. */
export interface RequestTiming {
  path: string;
  startMs: number;
  firstByteMs: number;
  endMs: number;
}

/** Loads `url` and reads the page's marks once it is ready. */
export async function firstPaint(page: Page, url: string): Promise<PaintReading> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  // First paint, and the live view (which may come after it, when the first frame was drawn from the preloaded snapshot).
  await page.waitForFunction((names) => names.every((name) => performance.getEntriesByName(name).length > 0), [MARKS.firstPaint, MARKS.live], { timeout: 60_000 });
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate((marks) => {
    const phases: Record<string, number> = {};
    for (const [key, name] of Object.entries(marks)) phases[key] = performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[];
    const requests = entries.map((e) => ({
      path: new URL(e.name).pathname,
      startMs: Math.round(e.startTime * 10) / 10,
      firstByteMs: Math.round(e.responseStart * 10) / 10,
      endMs: Math.round(e.responseEnd * 10) / 10,
    }));
    return { ms: phases.firstPaint, phases, fullDrawMs: window.__aisle!.frameTimes()[0] ?? 0, requests };
  }, MARKS);
}

/** The reading whose first paint is the median one. */
function medianReading(readings: readonly PaintReading[]): PaintReading {
  return [...readings].sort((a, b) => a.ms - b.ms)[Math.floor((readings.length - 1) / 2)];
}

/** The median of each phase over the readings. */
function medianPhases(readings: readonly PaintReading[]): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const key of Object.keys(readings[0]?.phases ?? {})) phases[key] = round(median(readings.map((r) => r.phases[key])));
  return phases;
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

/**
 * Page loads per map path (compact and v1, alternating). On this shared 2-core machine one load moves by
 * ±150 ms from the next: the median of 9 is steadier than that of 3.
 */
const DEFAULT_PAGES = 9;

/** Runs the render bench; `seconds` of diff stream. */
export async function measureRender(options: { seconds?: number; pages?: number; rate?: number } = {}): Promise<RenderFigures> {
  const seconds = options.seconds ?? 10;
  const rate = options.rate ?? DEFAULT_COMMANDS_PER_SECOND;
  const pages = options.pages ?? DEFAULT_PAGES;
  const setup = await renderSetup();
  const { server, chromium, url, secret, event } = setup;
  try {
    // Time to first paint: each page in a fresh context (cold HTTP cache, fresh JIT), alternating the
    // page's map path and the v1 baseline so drift on a shared machine hits both alike.
    const paints: PaintReading[] = [];
    const v1Paints: PaintReading[] = [];
    for (let i = 0; i < pages; i++) {
      for (const [target, list] of [[url, paints], [`${url}&map=v1`, v1Paints]] as const) {
        const watched = await openPage(chromium.browser);
        watched.context.setDefaultTimeout(60_000);
        list.push(await firstPaint(watched.page, target));
        await watched.context.close();
      }
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
    const firstPaintV1Ms = v1Paints.map((p) => round(p.ms));
    return {
      seats: event.seats,
      firstPaintMs,
      firstPaintMedianMs: median(firstPaintMs),
      firstPaintPhasesMs: medianPhases(paints),
      firstPaintRequests: medianReading(paints).requests.sort((a, b) => a.startMs - b.startMs),
      firstPaintV1Ms,
      firstPaintV1MedianMs: median(firstPaintV1Ms),
      firstPaintTargetMs: FIRST_PAINT_TARGET_MS,
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
    await setup.close();
  }
}

/** What the render bench and bench/render-profile.ts run against. */
export interface RenderSetup {
  server: ServerProcess;
  chromium: LaunchedChromium;
  secret: string;
  event: BenchEvent;
  /** The seat-map page of the 100,000-seat event, for a signed-in viewer. */
  url: string;
  close(): Promise<void>;
}

/** A server with the 100,000-seat stadium, active and its map compressed, and a browser. */
export async function renderSetup(): Promise<RenderSetup> {
  if (!chromiumAvailable()) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  const dataDir = mkdtempSync(join(tmpdir(), 'aisle-render-'));
  const secret = randomBytes(24).toString('hex');
  // The driver's users exceed the per-user rate limit at high rates: lifted, this measures the page.
  const server = await startServer(
    { DATA_DIR: dataDir, AUTH_SECRET: secret, DIFF_TICK_MS: '1', USER_RATE_PER_SECOND: '1000000', USER_RATE_BURST: '1000000' },
    180_000,
  );
  let chromium: LaunchedChromium | undefined;
  const close = async (): Promise<void> => {
    await chromium?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    chromium = await launchChromium();
    const auth = Auth.create(secret);
    const event = renderEvent();
    await createEvents(server.url, await auth.sign({ userId: 'bench', role: 'admin' }), [event]);
    const url = `${server.url}/events/${EVENT_ID}?token=${await auth.sign({ userId: 'viewer', role: 'customer' })}`;
    // An on-sale event is active and its map compressed before the crowd arrives (once per layout
    // version): that happens here, not in a page's time.
    await fetch(`${server.url}/api/events/${EVENT_ID}`).then((r) => r.arrayBuffer());
    for (const form of ['compact', 'v1']) await fetch(`${server.url}/api/events/${EVENT_ID}/map?form=${form}`, { headers: { 'accept-encoding': 'br' } }).then((r) => r.arrayBuffer());
    return { server, chromium, secret, event, url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
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
    `| time to first paint (navigation → venue with live availability on screen), compact map, median of ${f.firstPaintMs.length} (target ≤ ${f.firstPaintTargetMs} ms) | ${f.firstPaintMedianMs} ms (${f.firstPaintMs.join(', ')}) |`,
    `| where it went (median ms since navigation start at each mark) | ${Object.entries(f.firstPaintPhasesMs).map(([k, v]) => `${k} ${v}`).join(' · ')} |`,
    `| the median page's requests (start → first byte → end, ms) | ${f.firstPaintRequests.map((r) => `${r.path} ${r.startMs} → ${r.firstByteMs} → ${r.endMs}`).join(' · ')} |`,
    `| baseline: time to first paint through the v1 JSON map (\`?map=v1\`) | ${f.firstPaintV1MedianMs} ms (${f.firstPaintV1Ms.join(', ')}); compact / v1 = ${round(f.firstPaintMedianMs / f.firstPaintV1MedianMs)} |`,
    `| one full draw of all seats | ${f.fullDrawMs} ms |`,
    `| commands sent per second → diffs received per second (seat changes per second) | ${f.commandsPerSecond} → ${f.diffsPerSecond} (${f.seatChangesPerSecond}) |`,
    `| draw work per frame while diffs arrive, p50 / p99 / max | ${f.drawMs.p50} / ${f.drawMs.p99} / ${f.drawMs.max} ms over ${f.drawMs.count} frames |`,
    `| frame interval while diffs arrive, p50 / p99 / max | ${f.frameIntervalMs.p50} / ${f.frameIntervalMs.p99} / ${f.frameIntervalMs.max} ms |`,
    `| long tasks (> 50 ms) during ${f.durationSeconds} s of diffs | ${f.longTasks} |`,
  ].join('\n');
}

/** `npm run bench -- --render [--seconds s] [--pages n] [--rate r] [--json file]` (default bench/results/render.json). */
export async function runRenderBench(args: string[]): Promise<void> {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const figures = await measureRender({
    seconds: Number(value('--seconds') ?? 10),
    pages: Number(value('--pages') ?? DEFAULT_PAGES),
    rate: Number(value('--rate') ?? DEFAULT_COMMANDS_PER_SECOND),
  });
  process.stdout.write(`${renderReport(figures)}\n`);
  const json = value('--json') ?? fileURLToPath(new URL('./results/render.json', import.meta.url));
  writeFileSync(json, `${JSON.stringify({ ...figures, measuredAt: new Date().toISOString() }, null, 2)}\n`);
  process.stdout.write(`written to ${json}\n`);
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
