// The map on the wire through a real server: br, gzip and identity bodies decode to the same map, the
// compact form expands to exactly the v1 seats, a matching ETag is 304, and the versioned URL is cacheable
// for a year while a stale version is not found; an event's page names its current map for the browser to
// preload.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandCompactMap } from '../../protocol';
import type { CompactMapBody, MapBody } from '../../protocol';
import { loadMap } from '../../protocol/sdk';
import { DEMO_EVENT } from '../../src/demo-event';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';

let db: TestDatabase;
let server: ServerProcess;

/** A GET that keeps the body as sent (Node's fetch would decode it). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(server.url + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(reply: { headers: Record<string, string | string[] | undefined>; body: Buffer }): string {
  const coding = reply.headers['content-encoding'];
  return (coding === 'br' ? brotliDecompressSync(reply.body) : coding === 'gzip' ? gunzipSync(reply.body) : reply.body).toString('utf8');
}

describe('the map on the wire', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET });
    expect((await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: DEMO_EVENT })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('given br, gzip or nothing accepted, then the bodies are equal after decoding, with Content-Encoding and Vary', async () => {
    const plain = await rawGet('/api/events/demo/map');
    const br = await rawGet('/api/events/demo/map', { 'accept-encoding': 'gzip, deflate, br' });
    const gz = await rawGet('/api/events/demo/map', { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect([br.headers['content-encoding'], gz.headers['content-encoding']]).toEqual(['br', 'gzip']);
    for (const reply of [plain, br, gz]) expect(reply.headers.vary).toBe('accept-encoding');
    expect(decoded(br)).toBe(plain.body.toString('utf8'));
    expect(decoded(gz)).toBe(plain.body.toString('utf8'));
    expect(br.body.length * 10).toBeLessThan(plain.body.length);
    const map = JSON.parse(plain.body.toString('utf8')) as MapBody;
    expect(map.seats).toHaveLength(2016);
    expect(map.stage).toMatchObject({ label: 'Stage' });
  });

  it('given the compact form, then it expands to exactly the v1 seat list, also through the SDK', async () => {
    const v1 = JSON.parse((await rawGet('/api/events/demo/map')).body.toString('utf8')) as MapBody;
    const compact = JSON.parse(decoded(await rawGet('/api/events/demo/map?form=compact', { 'accept-encoding': 'br' }))) as CompactMapBody;
    expect(compact.runs.length).toBe(8 * 14);
    expect(expandCompactMap(compact)).toEqual(v1);
    const { body: info } = await http(server.url, 'GET', '/api/events/demo');
    expect(await loadMap('demo', { baseUrl: server.url, mapVersion: info.mapVersion })).toEqual(v1);
    expect((await rawGet('/api/events/demo/map?form=svg')).status).toBe(400);
  });

  it('given If-None-Match with the ETag, then 304 without a body; the versioned URL is cached for a year', async () => {
    const first = await rawGet('/api/events/demo/map?form=compact', { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    const again = await rawGet('/api/events/demo/map?form=compact', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    const { body: info } = await http(server.url, 'GET', '/api/events/demo');
    const versioned = await rawGet(`/api/events/demo/map/v/${info.mapVersion}?form=compact`, { 'accept-encoding': 'br' });
    expect(versioned.status).toBe(200);
    expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await rawGet('/api/events/demo/map/v/not-the-version')).status).toBe(404);
    // The site icon is served (browsers ask for it on every page).
    const icon = await rawGet('/favicon.ico');
    expect([icon.status, icon.headers['content-type']]).toEqual([200, 'image/x-icon']);
  });

  it("given an event's page, then it preloads the current versioned compact map and says whether the event has a waiting room; other pages get none", async () => {
    const { body: info } = await http(server.url, 'GET', '/api/events/demo');
    const page = await rawGet('/events/demo');
    expect(page.status).toBe(200);
    const html = page.body.toString('utf8');
    const href = `/api/events/demo/map/v/${info.mapVersion}?form=compact`;
    expect(html).toContain(`<link rel="preload" id="aisle-map" href="${href}" as="fetch" crossorigin="anonymous" data-queue="off">`);
    expect(html.indexOf('id="aisle-map"')).toBeLessThan(html.indexOf('</head>'));
    expect((await rawGet(href)).status).toBe(200);
    // Its own ETag, revalidated like every page.
    const plain = await rawGet('/');
    expect(plain.body.toString('utf8')).not.toContain('aisle-map');
    expect(page.headers.etag).not.toBe(plain.headers.etag);
    expect((await rawGet('/events/demo', { 'if-none-match': String(page.headers.etag) })).status).toBe(304);
    expect((await rawGet('/events/demo', { 'if-none-match': `W/${String(page.headers.etag)}` })).status).toBe(304);
    // No such event, a malformed id, or the v1 map asked for: the page as built.
    for (const path of ['/events/no-such-event', '/events/%3Cscript%3E', '/events/demo?map=v1']) {
      const other = await rawGet(path);
      expect([path, other.status, other.body.toString('utf8').includes('aisle-map')]).toEqual([path, 200, false]);
    }
    // A waiting room switched on shows in the page (under a new ETag).
    const admin = await token('root', 'admin');
    expect((await http(server.url, 'PATCH', '/api/events/demo', { token: admin, body: { queue: { mode: 'on' } } })).status).toBe(200);
    const queued = await rawGet('/events/demo');
    expect(queued.body.toString('utf8')).toContain('data-queue="on"');
    expect(queued.headers.etag).not.toBe(page.headers.etag);
    expect((await http(server.url, 'PATCH', '/api/events/demo', { token: admin, body: { queue: { mode: 'off' } } })).status).toBe(200);
  });

  it('given a draft event, then its page carries nothing of it', async () => {
    const draft = { ...DEMO_EVENT, id: 'draft-page', draft: true };
    expect((await http(server.url, 'POST', '/api/events', { token: await token('root', 'admin'), body: draft })).status).toBe(201);
    const page = await rawGet('/events/draft-page');
    expect([page.status, page.body.toString('utf8').includes('aisle-map')]).toEqual([200, false]);
  });
});
