// The API descriptions against the real server: /api/openapi.json and /api/asyncapi.json are served,
// cacheable and valid for maintained validators; every route of the route table (read from the
// src/gateway/http-*routes*.ts sources) is in the OpenAPI paths with its own entry; and live answers of
// the server, successes and errors, match the schemas the documents give for them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../../src/gateway/http-route-docs';
import { openApiPath } from '../../src/gateway/openapi';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { http, smallEvent } from '../support/fixtures';
import { startServer, type ServerProcess } from '../support/server-process';
import { openWebSocket, type Msg } from '../support/ws-client';

type Doc = Record<string, any>;
const GATEWAY = fileURLToPath(new URL('../../src/gateway/', import.meta.url));

let db: TestDatabase;
let server: ServerProcess;
let openapi: Doc;
let asyncapi: Doc;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  // Dev mode (no AUTH_SECRET): /api/dev/token is registered too, and hands out the tokens below.
  server = await startServer({ DATABASE_URL: db.url, DIFF_TICK_MS: '10' });
  for (const role of ['customer', 'staff', 'admin']) {
    tokens[role] = (await http(server.url, 'GET', `/api/dev/token?role=${role}&sub=${role}-1`)).body.token;
  }
  openapi = (await http(server.url, 'GET', '/api/openapi.json')).body;
  asyncapi = (await http(server.url, 'GET', '/api/asyncapi.json')).body;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** `METHOD /pattern` of every route the route modules register, read from their source. */
function routesInSource(): string[] {
  const keys: string[] = [];
  for (const file of readdirSync(GATEWAY).filter((f) => /^http-.*routes.*\.ts$/.test(f) && !f.endsWith('.test.ts'))) {
    const source = readFileSync(GATEWAY + file, 'utf8');
    for (const m of source.matchAll(/\b(get|post|patch|del)\(\s*'(\/[^']*)'/g)) {
      keys.push(`${m[1] === 'del' ? 'DELETE' : m[1].toUpperCase()} ${m[2]}`);
    }
  }
  return keys;
}

/** `METHOD /pattern` of every operation in the OpenAPI document. */
function operationsInDocument(): Map<string, Doc> {
  const byKey = new Map<string, Doc>();
  const patternOf = new Map(Object.keys(ROUTE_DOCS).map((key) => [openApiPath(key), key.split(' ')[1]]));
  for (const [path, item] of Object.entries(openapi.paths as Record<string, Doc>)) {
    for (const [method, op] of Object.entries(item)) {
      const pattern = patternOf.get(`${method.toUpperCase()} ${path}`) ?? path.replace(/\{([^}]+)\}/g, ':$1');
      byKey.set(`${method.toUpperCase()} ${pattern}`, op);
    }
  }
  return byKey;
}

/** A JSON WebSocket session that keeps every message the server sends, replies and pushes. */
async function wireSession(token: string): Promise<{ ask(request: Record<string, unknown>): Promise<Msg>; close(): Msg[] }> {
  const socket = await openWebSocket(server.wsUrl, token);
  const received: Msg[] = [];
  const waiting = new Map<number, (m: Msg) => void>();
  let rid = 0;
  socket.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    const message = JSON.parse(data.toString()) as Msg;
    received.push(message);
    if (typeof message.rid === 'number') waiting.get(message.rid)?.(message);
  });
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        const id = ++rid;
        waiting.set(id, resolve);
        socket.once('close', (code) => reject(new Error(`closed with ${code} before the reply to ${JSON.stringify(request)}`)));
        socket.send(JSON.stringify({ ...request, rid: id }));
      }),
    close: () => {
      socket.close();
      return received;
    },
  };
}

describe('the documents as served', () => {
  it('are public, cacheable and revalidated by ETag', async () => {
    for (const path of ['/api/openapi.json', '/api/asyncapi.json']) {
      const first = await http(server.url, 'GET', path);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toMatch(/^application\/json/);
      expect(first.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await http(server.url, 'GET', path, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
  });

  it('the OpenAPI document is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(openapi);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the AsyncAPI document is valid AsyncAPI 3 and describes /ws', async () => {
    const { diagnostics } = await new Parser().parse(JSON.stringify(asyncapi));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(asyncapi.channels.ws.address).toBe('/ws');
  });

  it('lists every route of the route table, each with its own entry', () => {
    const inSource = routesInSource();
    expect(inSource.length).toBeGreaterThan(25);
    const documented = operationsInDocument();
    expect(inSource.filter((key) => !documented.has(key))).toEqual([]);
    // Every listed route has an entry in src/gateway/http-route-docs.ts, and no entry names a route that is gone.
    const undocumented = [...documented].filter(([, op]) => op.summary === 'Undocumented route').map(([key]) => key);
    expect(undocumented, 'add these to ROUTE_DOCS in src/gateway/http-route-docs.ts').toEqual([]);
    expect(Object.keys(ROUTE_DOCS).filter((key) => !documented.has(key))).toEqual([]);
  });
});

describe('live answers match the documented schemas', () => {
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, validateFormats: false });
  const checked: string[] = [];

  /** Calls the server and checks the reply against the document's schema for its route and status. */
  async function call(method: string, pattern: string, path: string, options: Parameters<typeof http>[3] = {}): Promise<Awaited<ReturnType<typeof http>>> {
    const res = await http(server.url, method, path, options);
    const op = operationsInDocument().get(`${method} ${pattern}`);
    expect(op, `${method} ${pattern} is in the document`).toBeDefined();
    const response = op!.responses[String(res.status)] ?? op!.responses.default;
    const schema = response.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} → ${res.status} has a JSON schema`).toBeDefined();
    const validate = ajv.compile(schema);
    expect(validate(res.body), `${method} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    checked.push(`${method} ${pattern} ${res.status}`);
    return res;
  }

  it('ops, events, staff controls and their errors', async () => {
    const { admin, staff, customer } = tokens;
    await call('GET', '/healthz', '/healthz');
    await call('GET', '/readyz', '/readyz');
    expect((await call('GET', '/api/dev/token', '/api/dev/token?role=king')).status).toBe(400);
    expect((await call('POST', '/api/events', '/api/events', { token: admin, body: smallEvent('doc-a') })).status).toBe(201);
    expect((await call('POST', '/api/events', '/api/events', { token: admin, body: smallEvent('doc-a') })).status).toBe(409);
    expect((await call('POST', '/api/events', '/api/events', { token: admin, body: { id: 'doc-b' } })).status).toBe(400);
    expect((await call('POST', '/api/events', '/api/events', { body: smallEvent('doc-c') })).status).toBe(401);
    expect((await call('POST', '/api/events', '/api/events', { token: staff, body: smallEvent('doc-c') })).status).toBe(403);
    expect((await call('GET', '/api/events', '/api/events')).body).toHaveLength(1);
    await call('GET', '/api/events', '/api/events?archived=true', { token: staff });
    expect((await call('GET', '/api/events/:id', '/api/events/doc-a')).status).toBe(200);
    expect((await call('GET', '/api/events/:id', '/api/events/nope')).status).toBe(404);
    expect((await call('PATCH', '/api/events/:id', '/api/events/doc-a', { token: admin, body: { name: 'Documented' } })).status).toBe(200);
    expect((await call('PATCH', '/api/events/:id', '/api/events/doc-a', { token: admin, body: { seats: [] } })).status).toBe(400);
    expect((await call('POST', '/api/events/:id/sales', '/api/events/doc-a/sales', { token: staff, body: { open: true } })).status).toBe(200);
    expect((await call('POST', '/api/events/:id/block', '/api/events/doc-a/block', { token: staff, body: { seats: ['s-5-1'], blocked: true } })).status).toBe(200);
    expect((await call('POST', '/api/events/:id/block', '/api/events/doc-a/block', { token: customer, body: { seats: ['s-5-1'], blocked: true } })).status).toBe(403);
    expect((await call('GET', '/api/events/:id/holds', '/api/events/doc-a/holds', { token: staff })).status).toBe(200);
    expect((await call('GET', '/api/events/:id/holds', '/api/events/doc-a/holds', { token: customer })).status).toBe(403);
    const staffHold = await call('POST', '/api/events/:id/staff-holds', '/api/events/doc-a/staff-holds', { token: staff, body: { seats: ['s-4-1'], areas: { floor: 1 }, note: 'house' } });
    expect(staffHold.status).toBe(201);
    expect((await call('GET', '/api/events/:id/holds', '/api/events/doc-a/holds', { token: staff })).body.holds).toHaveLength(1);
    expect((await call('POST', '/api/events/:id/staff-holds', '/api/events/doc-a/staff-holds', { token: staff, body: { seats: ['s-4-1'], note: 'again' } })).status).toBe(409);
    expect((await call('DELETE', '/api/events/:id/staff-holds/:holdId', `/api/events/doc-a/staff-holds/${staffHold.body.holdId as string}`, { token: staff })).status).toBe(200);
    expect((await call('GET', '/api/events/:id/audit', '/api/events/doc-a/audit', { token: staff })).body.entries.length).toBeGreaterThan(0);
    await call('GET', '/api/audit', '/api/audit?limit=2', { token: staff });
    expect((await call('GET', '/api/audit', '/api/audit?limit=0', { token: staff })).status).toBe(400);
    expect((await call('GET', '/api/events/:id/queue', '/api/events/doc-a/queue', { token: staff })).body.mode).toBe('off');
    await call('GET', '/api/events/:id/summary', '/api/events/doc-a/summary', { token: staff });
    await call('GET', '/api/webhooks/dead', '/api/webhooks/dead', { token: staff });
    expect((await call('POST', '/api/webhooks/dead/resend', '/api/webhooks/dead/resend', { token: staff, body: { eventId: 'doc-a' } })).body.requeued).toEqual([]);
    expect((await call('POST', '/api/webhooks/dead/resend', '/api/webhooks/dead/resend', { token: staff, body: { event: 'doc-a' } })).status).toBe(400);
  });

  it('a sale over /ws, then its order, tickets, holds and cancel over HTTP; the messages match the AsyncAPI payloads', async () => {
    const { staff, customer } = tokens;
    await http(server.url, 'POST', '/api/events', { token: tokens.admin, body: smallEvent('doc-sale') });
    // Raw JSON frames, as they travel (a decoding client would turn a snapshot's status into bytes).
    const wire = await wireSession(customer);
    await wire.ask({ type: 'subscribe', eventId: 'doc-sale' });
    const kept = await wire.ask({ type: 'hold', eventId: 'doc-sale', seats: ['s-1-3'] });
    const held = await wire.ask({ type: 'hold', eventId: 'doc-sale', seats: ['s-1-1', 's-1-2'] });
    await wire.ask({ type: 'holds', eventId: 'doc-sale' });
    const order = await wire.ask({ type: 'buy', eventId: 'doc-sale', holdId: held.holdId });
    await wire.ask({ type: 'hold', eventId: 'doc-sale', seats: ['s-1-1'] });
    await wire.ask({ type: 'ping' });
    await wire.ask({ type: 'subscribe', eventId: 'doc-sale', encoding: 'packed' });
    const messages = wire.close();
    const payloads = Object.values(asyncapi.components.messages as Record<string, Doc>)
      .filter((m) => m.title.endsWith('(from the server)'))
      .map((m) => new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(m.payload));
    for (const message of messages) expect(payloads.some((validate) => validate(message)), JSON.stringify(message).slice(0, 300)).toBe(true);
    const types = new Set(messages.map((m) => m.type));
    for (const type of ['snapshot', 'held', 'holds', 'order', 'error', 'pong', 'diff']) expect(types).toContain(type);

    const orderId = order.orderId as string;
    const one = await call('GET', '/api/orders/:orderId', `/api/orders/${orderId}`, { token: customer });
    expect((await call('GET', '/api/orders/:orderId', '/api/orders/o_none', { token: customer })).status).toBe(404);
    await call('GET', '/api/events/:id/orders', '/api/events/doc-sale/orders', { token: staff });
    expect((await call('GET', '/api/me/orders', '/api/me/orders?eventId=doc-sale', { token: customer })).body.orders).toHaveLength(1);
    expect((await call('GET', '/api/me/orders', '/api/me/orders', { token: customer })).status).toBe(400);
    const code = one.body.tickets[0].code as string;
    await call('GET', '/api/tickets/:code', `/api/tickets/${encodeURIComponent(code)}`, { token: staff });
    expect((await call('POST', '/api/tickets/:code/check-in', `/api/tickets/${encodeURIComponent(code)}/check-in`, { token: staff })).status).toBe(200);
    expect((await call('POST', '/api/tickets/:code/check-in', `/api/tickets/${encodeURIComponent(code)}/check-in`, { token: staff })).status).toBe(409);
    expect((await call('GET', '/api/events/:id/holds', '/api/events/doc-sale/holds', { token: staff })).body.holds).toHaveLength(1);
    expect((await call('DELETE', '/api/events/:id/holds/:holdId', `/api/events/doc-sale/holds/${kept.holdId as string}`, { token: staff })).status).toBe(200);
    expect((await call('DELETE', '/api/events/:id/holds/:holdId', `/api/events/doc-sale/holds/${kept.holdId as string}`, { token: staff })).status).toBe(404);
    expect((await call('POST', '/api/orders/:orderId/cancel', `/api/orders/${orderId}/cancel`, { token: staff })).status).toBe(200);
    expect((await call('POST', '/api/orders/:orderId/cancel', `/api/orders/${orderId}/cancel`, { token: staff })).status).toBe(409);
    const routes = new Set(checked.map((c) => c.split(' ').slice(0, 2).join(' ')));
    expect(routes.size).toBeGreaterThanOrEqual(20);
    const statuses = new Set(checked.map((c) => c.split(' ')[2]));
    for (const status of ['200', '201', '400', '401', '403', '404', '409']) expect(statuses).toContain(status);
  });
});
