// The HTTP API of CONTRACT.md: events, staff controls, orders, health, metrics and the dev token.
import { createHash } from 'node:crypto';
import type { TemplatedApp } from 'uWebSockets.js';
import type { Logger } from 'pino';
import { EVENT_ID_PATTERN, parseBlockBody, parseEventDefinitionBody, parseSalesBody } from '../../protocol';
import type { EventService, Outcome } from '../actor/event-service';
import { DefinitionError, expandDefinition } from '../domain';
import type { EventDefinition } from '../domain/types';
import type { EventStore, EventSummary } from '../store/event-store';
import type { DeadLetter } from '../store/outbox-store';
import type { Metrics } from '../observability/metrics';
import type { Auth, Identity, Role } from './auth';
import { hasRole } from './auth';
import type { Handler, Reply, Request } from './http';
import { HttpError, jsonBody, route } from './http';

/** Largest event definition accepted: 200,000 seats of custom layout is ~20 MB of JSON. */
const MAX_DEFINITION_BYTES = 32 * 1024 * 1024;
/** Orders per page (CONTRACT.md: default 100, max 1000). */
const ORDERS_DEFAULT_LIMIT = 100;
const ORDERS_MAX_LIMIT = 1000;

/** Whether the node may take traffic, and why not. */
export type Readiness = () => Promise<{ ready: true; members?: string[] } | { ready: false; reason: string }>;

/** What the HTTP API is built from. */
export interface HttpApiDeps {
  app: TemplatedApp;
  store: EventStore;
  service: EventService;
  auth: Auth;
  metrics: Metrics;
  log: Logger;
  readiness: Readiness;
  /** Background work shown by the API (src/jobs): dead-lettered webhooks, signed ticket payloads. */
  jobs?: JobsView;
}

/** What the API shows of the jobs. */
export interface JobsView {
  /** Dead-lettered webhooks, newest first; `beforeId` pages on. */
  deadLetters(limit: number, beforeId?: string): Promise<DeadLetter[]>;
  /** The signed payload of a ticket's QR code. */
  signTicket(ticket: { code: string; eventId: string; orderId: string; seatId?: string; areaId?: string }): string;
}

/** Dead letters per page (default, max). */
const DEAD_DEFAULT_LIMIT = 100;
const DEAD_MAX_LIMIT = 1000;

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** Registers every HTTP route on the app. */
export function registerHttpApi(deps: HttpApiDeps): void {
  const { app, store, service, auth, log } = deps;
  const onError = (error: unknown, request: Request): void => {
    deps.metrics.errors.inc({ context: 'http' });
    log.error({ err: error, requestId: request.id, method: request.method, url: request.url, eventId: eventIdOf(request.url) }, 'http request failed');
  };
  const get = (pattern: string, handler: Handler): void => route(app, 'get', pattern, handler, onError);
  const post = (pattern: string, handler: Handler, maxBody?: number): void =>
    route(app, 'post', pattern, handler, onError, maxBody);

  const caller = async (request: Request, needed: Role): Promise<Identity | null> => {
    const header = request.headers.authorization;
    const identity = header?.startsWith('Bearer ') ? await auth.verify(header.slice(7)) : null;
    if (needed === 'guest') return identity;
    if (!identity) throw new HttpError('unauthorized', 'a valid bearer token is required');
    if (!hasRole(identity.role, needed)) throw new HttpError('forbidden', `${needed} role required`);
    return identity;
  };
  const definitions = new DefinitionCache(store);

  get('/healthz', () => json(200, { ok: true }));
  get('/readyz', async () => {
    const state = await deps.readiness();
    return json(state.ready ? 200 : 503, state);
  });
  get('/metrics', async () => ({
    status: 200,
    body: await deps.metrics.registry.metrics(),
    headers: { 'content-type': deps.metrics.registry.contentType },
  }));

  if (auth.devMode) {
    get('/api/dev/token', async (request) => {
      const role = request.query.get('role') ?? 'customer';
      const sub = request.query.get('sub') ?? 'alice';
      if (!['customer', 'staff', 'admin'].includes(role)) {
        throw new HttpError('bad_request', 'role must be customer, staff or admin');
      }
      if (sub.length === 0 || sub.length > 128) throw new HttpError('bad_request', 'sub must be 1 to 128 characters');
      return json(200, { token: await auth.sign({ userId: sub, role: role as Identity['role'] }) });
    });
  }

  post(
    '/api/events',
    async (request) => {
      await caller(request, 'admin');
      const parsed = parseEventDefinitionBody(jsonBody(request));
      if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
      let definition: EventDefinition;
      try {
        definition = expandDefinition(parsed.value);
      } catch (error) {
        if (error instanceof DefinitionError) throw new HttpError('bad_request', error.message);
        throw error;
      }
      if ((await store.createEvent(definition)) === 'exists') {
        throw new HttpError('conflict', `event ${definition.id} already exists`);
      }
      return json(201, { id: definition.id, seats: definition.seats.length, areas: definition.areas.length });
    },
    MAX_DEFINITION_BYTES,
  );

  get('/api/events', async () => {
    const events = await store.listEvents();
    return json(
      200,
      events.map((e) => ({ id: e.id, name: e.name, status: summaryStatus(e, Date.now()), startsAt: e.startsAt })),
    );
  });

  get('/api/events/:id', async (request) => {
    const definition = await definitions.get(eventIdParam(request));
    const live = unwrap(await service.liveInfo(definition.id));
    const areas: Record<string, { capacity: number; available: number }> = live.areas;
    return json(200, {
      id: definition.id,
      name: definition.name,
      status: live.status,
      startsAt: definition.startsAt,
      seats: definition.seats.length,
      counts: live.counts,
      areas,
      owner: live.owner,
    });
  });

  get('/api/events/:id/map', async (request): Promise<Reply> => {
    const map = await definitions.map(eventIdParam(request));
    if (request.headers['if-none-match'] === map.etag) return { status: 304, headers: { etag: map.etag } };
    return {
      status: 200,
      body: map.body,
      headers: { 'content-type': 'application/json; charset=utf-8', etag: map.etag, 'cache-control': 'public, max-age=60' },
    };
  });

  post('/api/events/:id/sales', async (request) => {
    await caller(request, 'staff');
    const parsed = parseSalesBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    return json(200, unwrap(await service.setSales(eventIdParam(request), parsed.value.open)));
  });

  post('/api/events/:id/block', async (request) => {
    await caller(request, 'staff');
    const parsed = parseBlockBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    const { seats, blocked } = parsed.value;
    return json(200, { ...unwrap(await service.block(eventIdParam(request), seats, blocked)), blocked });
  });

  get('/api/events/:id/orders', async (request) => {
    await caller(request, 'staff');
    const eventId = eventIdParam(request);
    await definitions.get(eventId);
    const limitText = request.query.get('limit');
    const limit = limitText === null || limitText === '' ? ORDERS_DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > ORDERS_MAX_LIMIT) {
      throw new HttpError('bad_request', `limit must be an integer from 1 to ${ORDERS_MAX_LIMIT}`);
    }
    const after = request.query.get('after') || null;
    if (after !== null && after.length > 128) throw new HttpError('bad_request', 'after is not a cursor');
    const page = await store.listOrders(eventId, after, limit);
    return json(200, {
      orders: page.orders.map((o) => ({
        orderId: o.orderId,
        userId: o.userId,
        seats: o.seats,
        areas: o.areas,
        total: o.total,
        status: o.status,
        createdAt: o.createdAt,
      })),
      next: page.next,
    });
  });

  get('/api/orders/:orderId', async (request) => {
    const identity = await caller(request, 'customer');
    const order = await store.getOrder(orderIdParam(request));
    // Another customer's order is answered as if it did not exist.
    if (!order || !identity || (order.userId !== identity.userId && !hasRole(identity.role, 'staff'))) {
      throw new HttpError('not_found', 'no such order');
    }
    const { jobs } = deps;
    if (!jobs) return json(200, order);
    const { eventId, orderId } = order;
    return json(200, { ...order, tickets: order.tickets.map((t) => ({ ...t, qr: jobs.signTicket({ ...t, eventId, orderId }) })) });
  });

  get('/api/webhooks/dead', async (request) => {
    await caller(request, 'staff');
    const limitText = request.query.get('limit');
    const limit = limitText === null || limitText === '' ? DEAD_DEFAULT_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > DEAD_MAX_LIMIT) {
      throw new HttpError('bad_request', `limit must be an integer from 1 to ${DEAD_MAX_LIMIT}`);
    }
    const before = request.query.get('before') || undefined;
    if (before !== undefined && !/^[1-9][0-9]{0,18}$/.test(before)) throw new HttpError('bad_request', 'before must be an id from a previous page');
    const dead = deps.jobs ? await deps.jobs.deadLetters(limit, before) : [];
    return json(200, { deadLetters: dead, next: dead.length === limit ? dead[dead.length - 1].id : null });
  });

  post('/api/orders/:orderId/cancel', async (request) => {
    await caller(request, 'staff');
    const order = await store.getOrder(orderIdParam(request));
    if (!order) throw new HttpError('not_found', 'no such order');
    if (order.status === 'cancelled') throw new HttpError('conflict', 'the order is already cancelled');
    unwrap(await service.cancelOrder(order.eventId, order.orderId));
    return json(200, { orderId: order.orderId, status: 'cancelled' });
  });

  app.any('/*', (res) => {
    res.cork(() => {
      res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
    });
  });
}

const EVENT_ID = new RegExp(EVENT_ID_PATTERN);
/** Order ids are made by the server ("o_" and base64url); anything else cannot name one. */
const ORDER_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The event id of the path. One that no event can have is not found without asking anyone: a NUL or
 * a megabyte of text must not reach Postgres (a NUL there is an error, answered `internal`).
 */
function eventIdParam(request: Request): string {
  const id = request.params[0];
  if (!EVENT_ID.test(id)) throw new HttpError('not_found', 'no such event');
  return id;
}

/** The order id of the path (see eventIdParam). */
function orderIdParam(request: Request): string {
  const id = request.params[0];
  if (!ORDER_ID.test(id)) throw new HttpError('not_found', 'no such order');
  return id;
}

/** The event a URL names (`/api/events/:id…`), for log lines. */
function eventIdOf(url: string): string | undefined {
  return /^\/api\/events\/([^/]+)/.exec(url)?.[1];
}

/** Turns a failed outcome into the HTTP error of its code. */
function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new HttpError(outcome.error.code, outcome.error.message);
}

/** The listed status of an event without activating its actor. */
function summaryStatus(event: EventSummary, now: number): 'on_sale' | 'paused' | 'closed' {
  if (event.sales === 'paused') return 'paused';
  if (event.salesOpenAt && Date.parse(event.salesOpenAt) > now) return 'closed';
  if (event.salesCloseAt && Date.parse(event.salesCloseAt) < now) return 'closed';
  return 'on_sale';
}

/** Definitions are immutable once created, so each is read once and its map rendered once. */
class DefinitionCache {
  private readonly definitions = new Map<string, Promise<EventDefinition | null>>();
  private readonly maps = new Map<string, { body: string; etag: string }>();

  constructor(private readonly store: EventStore) {}

  async get(eventId: string): Promise<EventDefinition> {
    let pending = this.definitions.get(eventId);
    if (!pending) {
      pending = this.store.getDefinition(eventId);
      this.definitions.set(eventId, pending);
      // Misses and failures are not cached: the event may be created a moment later.
      pending.then(
        (d) => d ?? this.definitions.delete(eventId),
        () => this.definitions.delete(eventId),
      );
    }
    const definition = await pending;
    if (!definition) throw new HttpError('not_found', `event ${eventId} does not exist`);
    return definition;
  }

  async map(eventId: string): Promise<{ body: string; etag: string }> {
    const cached = this.maps.get(eventId);
    if (cached) return cached;
    const d = await this.get(eventId);
    const body = JSON.stringify({
      id: d.id,
      categories: d.categories,
      seats: d.seats.map((s) => ({
        id: s.id,
        section: s.section,
        row: s.row,
        number: s.number,
        x: s.x,
        y: s.y,
        category: s.category,
        accessible: s.accessible,
      })),
      areas: d.areas,
    });
    const map = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    this.maps.set(eventId, map);
    return map;
  }
}
