// Order routes: a customer's own order (with signed ticket payloads when jobs run), staff's cancel,
// and staff's list of dead-lettered webhooks.
import { hasRole } from './auth';
import { HttpError } from './http';
import type { Routes } from './http-routes';
import { json, limitParam, orderIdParam, unwrap } from './http-routes';

/** Dead letters per page (default, max). */
const DEAD_DEFAULT_LIMIT = 100;
const DEAD_MAX_LIMIT = 1000;

/** Registers /api/orders/:orderId, its cancel, and /api/webhooks/dead. */
export function registerOrderRoutes({ deps, get, post, caller, audit }: Routes): void {
  const { store, service } = deps;

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
    const limit = limitParam(request, DEAD_DEFAULT_LIMIT, DEAD_MAX_LIMIT);
    const before = request.query.get('before') || undefined;
    if (before !== undefined && !/^[1-9][0-9]{0,18}$/.test(before)) throw new HttpError('bad_request', 'before must be an id from a previous page');
    const dead = deps.jobs ? await deps.jobs.deadLetters(limit, before) : [];
    return json(200, { deadLetters: dead, next: dead.length === limit ? dead[dead.length - 1].id : null });
  });

  post('/api/orders/:orderId/cancel', async (request) => {
    const who = await caller(request, 'staff');
    const order = await store.getOrder(orderIdParam(request));
    if (!order) throw new HttpError('not_found', 'no such order');
    if (order.status === 'cancelled') throw new HttpError('conflict', 'the order is already cancelled');
    unwrap(await service.cancelOrder(order.eventId, order.orderId));
    await audit(who, 'order.cancel', order.eventId, order.orderId, { userId: order.userId, seats: order.seats, areas: order.areas, total: order.total });
    return json(200, { orderId: order.orderId, status: 'cancelled' });
  }, undefined, 'staff');
}
