// Staff and admin routes of v1.1 (docs/protocol.md, "Staff and admin"): event edits and archiving,
// the holds list, force release and staff holds, the orders CSV and the sales summary, and the audit trail.
import { parseEventPatchBody, parseStaffHoldBody } from '../../protocol';
import { eventInfo } from '../actor/event-info';
import type { EventPatch } from '../domain';
import { HttpError, jsonBody } from './http';
import type { Routes } from './http-routes';
import { eventIdParam, json, limitParam, unwrap } from './http-routes';
import { ordersCsv } from './orders-csv';
import { salesSummary } from './sales-summary';

/** Audit entries per page (default, max). */
const AUDIT_DEFAULT_LIMIT = 50;
const AUDIT_MAX_LIMIT = 500;
/** Hold ids are made by the server; anything else cannot name one. */
const HOLD_ID = /^[\x21-\x7e]{1,128}$/;

/** Registers the staff and admin routes. */
export function registerStaffRoutes({ deps, get, post, patch, del, caller, definitions, audit }: Routes): void {
  const { store, service } = deps;
  const staffView = (): NonNullable<typeof deps.staff> => {
    if (!deps.staff) throw new HttpError('not_found', 'exports and the audit trail are not configured on this server');
    return deps.staff;
  };

  patch('/api/events/:id', async (request) => {
    const who = await caller(request, 'admin');
    const eventId = eventIdParam(request);
    const parsed = parseEventPatchBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    const { archived, ...fields } = parsed.value;
    await definitions.get(eventId);
    let definition = null;
    if (Object.keys(fields).length > 0) {
      definition = unwrap(await service.updateEvent(eventId, fields satisfies EventPatch));
    }
    let lifecycle = null;
    if (archived !== undefined) {
      lifecycle = await store.setArchived(eventId, archived);
      if (lifecycle === null) throw new HttpError('not_found', `event ${eventId} does not exist`);
    }
    definitions.invalidate(eventId);
    await audit(who, 'event.update', eventId, null, { ...parsed.value });
    const current = definition ?? (await definitions.get(eventId));
    const live = unwrap(await service.liveInfo(eventId));
    return json(200, { id: eventId, ...eventInfo(current, live.status), draft: current.draft === true, lifecycle, queue: current.queue ?? null });
  });

  get('/api/events/:id/queue', async (request) => {
    await caller(request, 'staff');
    return json(200, unwrap(await service.queueInfo(eventIdParam(request))));
  });

  get('/api/events/:id/holds', async (request) => {
    await caller(request, 'staff');
    return json(200, unwrap(await service.staffHolds(eventIdParam(request))));
  });

  del('/api/events/:id/holds/:holdId', async (request) => {
    const who = await caller(request, 'staff');
    const eventId = eventIdParam(request);
    const holdId = request.params[1];
    if (!HOLD_ID.test(holdId)) throw new HttpError('hold_not_found', `no hold '${holdId}'`);
    const released = unwrap(await service.forceRelease(eventId, holdId));
    await audit(who, 'hold.force_release', eventId, holdId, { owner: released.userId, seats: released.seats, areas: released.areas });
    return json(200, released);
  });

  // Staff holds (house seats, comps): never expire, stored with the event, counted apart (`staffHeld`).
  post('/api/events/:id/staff-holds', async (request) => {
    const who = await caller(request, 'staff');
    const parsed = parseStaffHoldBody(jsonBody(request));
    if (!parsed.ok) throw new HttpError('bad_request', parsed.message);
    const eventId = eventIdParam(request);
    const { seats = [], areas = {}, note } = parsed.value;
    const hold = unwrap(await service.placeStaffHold(eventId, who!.userId, { seats, areas, note }));
    await audit(who, 'staff_hold.place', eventId, hold.holdId, { note: hold.note, seats: hold.seats, areas: hold.areas });
    return json(201, hold);
  }, undefined, 'staff');

  del('/api/events/:id/staff-holds/:holdId', async (request) => {
    const who = await caller(request, 'staff');
    const eventId = eventIdParam(request);
    const holdId = request.params[1];
    if (!HOLD_ID.test(holdId)) throw new HttpError('hold_not_found', `no staff hold '${holdId}'`);
    const released = unwrap(await service.releaseStaffHold(eventId, holdId));
    await audit(who, 'staff_hold.release', eventId, holdId, { heldBy: released.userId, seats: released.seats, areas: released.areas });
    return json(200, released);
  });

  get('/api/events/:id/orders.csv', async (request) => {
    const who = await caller(request, 'staff');
    const eventId = eventIdParam(request);
    const { exports, ticketCode } = staffView();
    const definition = await definitions.get(eventId);
    await audit(who, 'orders.export', eventId, null, {});
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${eventId}-orders.csv"`,
        'cache-control': 'no-store',
      },
      stream: ordersCsv(definition, exports.lines(eventId), ticketCode),
    };
  });

  get('/api/events/:id/summary', async (request) => {
    await caller(request, 'staff');
    const eventId = eventIdParam(request);
    const definition = await definitions.get(eventId);
    return json(200, await salesSummary(definition, staffView().exports.lines(eventId)));
  });

  const auditPage = async (eventId: string | null, request: Parameters<Parameters<typeof get>[1]>[0]): Promise<ReturnType<typeof json>> => {
    const limit = limitParam(request, AUDIT_DEFAULT_LIMIT, AUDIT_MAX_LIMIT);
    const before = request.query.get('before') || null;
    return json(200, await staffView().audit.list(eventId, before, limit));
  };
  get('/api/audit', async (request) => {
    await caller(request, 'staff');
    const eventId = request.query.get('eventId') || null;
    return auditPage(eventId, request);
  });
  get('/api/events/:id/audit', async (request) => {
    await caller(request, 'staff');
    return auditPage(eventIdParam(request), request);
  });
}
