// Serves the built pages: `/` and `/events/:id` (seat map), `/staff` (dashboard), `/gate` (check-in at
// the gate), their hashed assets and the site icon.
// Assets are immutable (their name changes with their content); pages revalidate by ETag. Every response
// carries a strict Content-Security-Policy: scripts, styles and connections from this origin only.
// `/events/:id` names its event's map in a `<link rel="preload">`: the browser fetches the map while it
// fetches and compiles the scripts, and the page reads the map's version (and whether the event has a
// waiting room) from that link instead of waiting for the event's details first. Without a waiting room
// a second link preloads the live snapshot, which the page draws its first frame from.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplatedApp } from './native-uws';
import type { Logger } from 'pino';
import { EVENT_ID_PATTERN } from '../../protocol';
import { MAP_PRELOAD_ID } from '../../protocol/sdk/map-loader';
import { SNAPSHOT_PRELOAD_ID, snapshotUrl } from '../../protocol/sdk/snapshot-loader';
import { ifNoneMatchNames } from './entity-tags';
import { faviconIco } from './favicon';
import type { Handler, Reply, Request } from './http';
import { route } from './http';

/** No inline script or style, no eval, no framing, no plugins; WebSocket and fetch to this origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

interface StaticFile {
  body: Uint8Array;
  etag: string;
  contentType: string;
}

/** What the pages are served from. */
export interface StaticPagesDeps {
  app: TemplatedApp;
  /** The build's directory (src/web/dist). */
  dir: string;
  log: Logger;
  /** What the event's page is served with; null: nothing (no such event, or a draft). */
  eventPage?: (eventId: string) => Promise<EventPageHints | null>;
}

/** What `/events/:id` tells its page up front: the map to preload, and whether the event has a waiting room. */
export interface EventPageHints {
  /** The URL of the event's current compact map (versioned). */
  mapUrl: string;
  queue: 'on' | 'off';
}

const EVENT_ID = new RegExp(EVENT_ID_PATTERN);
/** Pages with a preload kept (by page ETag and map URL); a new layout version makes a new one. */
const MAX_PRELOADED_PAGES = 1_000;
/** How long a page waits for its event's hints (cached after the first request; a database lookup before). */
const HINTS_WAIT_MS = 250;

/** `promise`'s value, or null when it takes longer than `ms`. */
function withinMs<T>(ms: number, promise: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Registers the page routes; without a build they answer 503 with how to make one. */
export function registerStaticPages(deps: StaticPagesDeps): void {
  const { app, dir, log } = deps;
  let files = load(dir);
  if (files.size === 0) log.warn({ dir }, 'no built pages: run `npm run build` (npm start builds them when missing)');
  // Without a build, each request looks again: a build finishing later is picked up without a restart.
  const current = (): Map<string, StaticFile> => (files.size > 0 ? files : (files = load(dir)));
  const onError = (error: unknown, request: Request): void => log.error({ err: error, url: request.url }, 'page request failed');
  const serve = (name: string, cacheControl: string): Handler => (request) => {
    const file = current().get(name);
    if (!file) {
      return { status: 503, body: 'The pages are not built: run `npm run build`.', headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } };
    }
    return reply(file, cacheControl, request);
  };
  // Pages change with each build: always revalidate (a 304 costs a round trip, not the body).
  const page = (name: string): Handler => serve(name, 'no-cache');
  route(app, 'get', '/', page('index.html'), onError);
  const preloaded = new Map<string, StaticFile>();
  route(app, 'get', '/events/:id', async (request) => {
    const file = current().get('index.html');
    const eventId = request.params[0];
    // The v1 baseline of the render bench reads the v1 map: a preload of the compact one would go unused.
    if (!file || !deps.eventPage || !EVENT_ID.test(eventId) || request.query.get('map') === 'v1') return page('index.html')(request);
    // The page works without the hints (it then asks for the map after the event's details): a failed
    // or slow lookup never holds the page back.
    const hints = await withinMs(HINTS_WAIT_MS, deps.eventPage(eventId)).catch((error: unknown) => {
      log.warn({ err: error, eventId }, 'page served without its map preload');
      return null;
    });
    if (hints === null) return page('index.html')(request);
    const key = `${file.etag} ${hints.mapUrl} ${hints.queue}`;
    let withLinks = preloaded.get(key);
    if (!withLinks) {
      if (preloaded.size >= MAX_PRELOADED_PAGES) preloaded.clear();
      withLinks = withPreloads(file, eventId, hints);
      preloaded.set(key, withLinks);
    }
    return reply(withLinks, 'no-cache', request);
  }, onError);
  route(app, 'get', '/staff', page('staff.html'), onError);
  route(app, 'get', '/gate', page('gate.html'), onError);
  const icon: StaticFile = { body: faviconIco(), etag: '"favicon-1"', contentType: 'image/x-icon' };
  route(app, 'get', '/favicon.ico', (request) => reply(icon, 'public, max-age=86400', request), onError);
  route(app, 'get', '/assets/:file', (request) => {
    const name = `assets/${request.params[0]}`;
    if (!current().has(name)) return { status: 404, body: { error: { code: 'not_found', message: 'no such asset' } } };
    return serve(name, 'public, max-age=31536000, immutable')(request);
  }, onError);
}

/**
 * `page` with a `<link rel="preload">` of the map (carrying the queue mode) at the end of its head, and
 * one of the live snapshot when the event has no waiting room (the page draws its first frame from it),
 * under an ETag of all of them.
 */
function withPreloads(page: StaticFile, eventId: string, hints: EventPageHints): StaticFile {
  const html = Buffer.from(page.body).toString('utf8');
  const at = html.indexOf('</head>');
  if (at < 0) return page;
  // As fetch() asks for it (same-origin credentials), so the page's fetch takes the preloaded response.
  let links = `<link rel="preload" id="${MAP_PRELOAD_ID}" href="${escapeAttribute(hints.mapUrl)}" as="fetch" crossorigin="anonymous" data-queue="${hints.queue}">\n`;
  if (hints.queue === 'off') {
    links += `<link rel="preload" id="${SNAPSHOT_PRELOAD_ID}" href="${escapeAttribute(snapshotUrl(eventId))}" as="fetch" crossorigin="anonymous">\n`;
  }
  const body = new Uint8Array(Buffer.from(html.slice(0, at) + links + html.slice(at), 'utf8'));
  const etag = `"${createHash('sha256').update(`${page.etag} ${hints.mapUrl} ${hints.queue}`).digest('base64url').slice(0, 27)}"`;
  return { body, etag, contentType: page.contentType };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function reply(file: StaticFile, cacheControl: string, request: Request): Reply {
  const headers = { ...SECURITY_HEADERS, etag: file.etag, 'cache-control': cacheControl, 'content-type': file.contentType };
  if (ifNoneMatchNames(request.headers['if-none-match'], file.etag)) return { status: 304, headers };
  return { status: 200, body: file.body, headers };
}

/** Reads the build into memory once: a few dozen KiB. */
function load(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const add = (name: string): void => {
    const extension = name.slice(name.lastIndexOf('.'));
    const contentType = CONTENT_TYPES[extension];
    if (!contentType) return;
    const body = new Uint8Array(readFileSync(join(dir, name)));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    files.set(name, { body, etag, contentType });
  };
  for (const name of readdirSync(dir)) if (name.endsWith('.html')) add(name);
  const assets = join(dir, 'assets');
  if (existsSync(assets)) for (const name of readdirSync(assets)) add(`assets/${name}`);
  return files;
}
