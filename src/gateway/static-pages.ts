// Serves the built pages: `/` and `/events/:id` (seat map), `/staff` (dashboard), `/gate` (check-in at
// the gate), their hashed assets and the site icon.
// Assets are immutable (their name changes with their content); pages revalidate by ETag. Every response
// carries a strict Content-Security-Policy: scripts, styles and connections from this origin only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplatedApp } from './native-uws';
import type { Logger } from 'pino';
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
  route(app, 'get', '/events/:id', page('index.html'), onError);
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

function reply(file: StaticFile, cacheControl: string, request: Request): Reply {
  const headers = { ...SECURITY_HEADERS, etag: file.etag, 'cache-control': cacheControl, 'content-type': file.contentType };
  if (request.headers['if-none-match'] === file.etag) return { status: 304, headers };
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
