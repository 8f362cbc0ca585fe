// Event routes: create (admin), list, details with live figures (the map in http-map-routes.ts), staff's sales,
// block and order listing.
import { parseBlockBody, parseEventDefinitionBody, parseSalesBody, type EventCreatedReply, type EventDetailsReply } from '../../protocol';
import { DefinitionError, expandDefinition } from '../domain';
import type { EventDefinition } from '../domain/types';
import type { EventSummary } from '../store/event-store';
import { hasRole } from './auth';
import type { Handler } from './http';
import { HttpError, jsonBody } from './http';
import type { Routes } from './http-routes';
import { eventIdParam, json, limitParam, unwrap } from './http-routes';

/** Largest event definition accepted: 200,000 seats of custom layout is ~20 MB of JSON. */
const MAX_DEFINITION_BYTES = 32 * 1024 * 1024;
/** Orders per page (docs/protocol.md: default 100, max 1000). */
const ORDERS_DEFAULT_LIMIT = 100;
const ORDERS_MAX_LIMIT = 1000;

/** Registers the /api/events routes. */
export function registerEventRoutes({ deps, get, post, caller, definitions, audit }: Routes): void {
  const { store, service } = deps;

  post(
    '/api/events',
    async (request) => {
      const who = await caller(request, 'admin');
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
      await audit(who, 'event.create', definition.id, null, { seats: definition.seats.length, areas: definition.areas.length, draft: definition.draft === true });
      return json(201, { id: definition.id, seats: definition.seats.length, areas: definition.areas.length } satisfies EventCreatedReply);
    },
    MAX_DEFINITION_BYTES,
    'admin',
  );

  get('/api/events', async (request) => {
    const who = await caller(request, 'guest');
    const staff = who !== null && hasRole(who.role, 'staff');
    // Archived events only on request, drafts only to staff (docs/protocol.md, "Staff and admin").
    const archived = staff && request.query.get('archived') === 'true';
    const events = (await store.listEvents()).filter(
      (e) => (e.lifecycle !== 'archived' || archived) && (e.lifecycle !== 'draft' || staff),
    );
    return json(
      200,
      events.map((e) => ({
        id: e.id,
        name: e.name,
        status: summaryStatus(e, Date.now()),
        startsAt: e.startsAt,
        ...(e.lifecycle === 'published' ? {} : { lifecycle: e.lifecycle }),
      })),
    );
  });

  /** A draft is shown to staff only; anybody else is told there is no such event. */
  const visible = async (request: Parameters<Handler>[0]): Promise<EventDefinition> => {
    const definition = await definitions.get(eventIdParam(request));
    if (definition.draft === true) {
      const who = await caller(request, 'guest');
      if (!who || !hasRole(who.role, 'staff')) throw new HttpError('not_found', `event ${definition.id} does not exist`);
    }
    return definition;
  };

  get('/api/events/:id', async (request) => {
    const definition = await visible(request);
    const live = unwrap(await service.liveInfo(definition.id));
    return json(200, {
      id: definition.id,
      name: definition.name,
      status: live.status,
      startsAt: definition.startsAt,
      // What an edit may change, so a form can show it (the fields of a PATCH's answer).
      salesOpenAt: definition.salesOpenAt ?? null,
      salesCloseAt: definition.salesCloseAt ?? null,
      holdTtlSeconds: definition.holdTtlSeconds,
      maxSeatsPerUser: definition.maxSeatsPerUser,
      // What a ticket costs on top of its price, so a page can show the total the server will charge.
      feePerTicket: definition.feePerTicket ?? 0,
      currency: definition.currency ?? null,
      seats: definition.seats.length,
      mapVersion: (await definitions.map(definition.id)).version,
      counts: live.counts,
      areas: live.areas,
      owner: live.owner,
      queue: { mode: definition.queue?.mode ?? 'off', openAt: definition.queue?.openAt ?? null },
    } satisfies EventDetailsReply);
  });

  post('/api/events/:id/sales', async (request) => {
    const who = await caller(request, 'staff');
    const parsed = parseSalesBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    const eventId = eventIdParam(request);
    const result = unwrap(await service.setSales(eventId, parsed.value.open));
    await audit(who, parsed.value.open ? 'sales.open' : 'sales.pause', eventId, null, {});
    return json(200, result);
  }, undefined, 'staff');

  post('/api/events/:id/block', async (request) => {
    const who = await caller(request, 'staff');
    const parsed = parseBlockBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    const { seats, blocked } = parsed.value;
    const eventId = eventIdParam(request);
    const result = unwrap(await service.block(eventId, seats, blocked));
    await audit(who, blocked ? 'seats.block' : 'seats.unblock', eventId, null, { asked: seats, changed: result.seats });
    return json(200, { ...result, blocked });
  }, undefined, 'staff');

  get('/api/events/:id/orders', async (request) => {
    await caller(request, 'staff');
    const eventId = eventIdParam(request);
    await definitions.get(eventId);
    const limit = limitParam(request, ORDERS_DEFAULT_LIMIT, ORDERS_MAX_LIMIT);
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
}

/** The listed status of an event without activating its actor. */
function summaryStatus(event: EventSummary, now: number): 'on_sale' | 'paused' | 'closed' | 'draft' {
  if (event.lifecycle === 'draft') return 'draft';
  if (event.sales === 'paused') return 'paused';
  if (event.salesOpenAt && Date.parse(event.salesOpenAt) > now) return 'closed';
  if (event.salesCloseAt && Date.parse(event.salesCloseAt) < now) return 'closed';
  return 'on_sale';
}
