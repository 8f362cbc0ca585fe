// After the sale: a customer's own orders (`GET /api/me/orders?eventId=`), and tickets at the gate
// (`GET /api/tickets/:code`, `POST /api/tickets/:code/check-in`, staff). Codes are checked by their
// HMAC before anything is read; a second scan and a void ticket are 409 `conflict` saying why.
import { EVENT_ID_PATTERN } from '../../protocol';
import { MAX_TICKET_CODE_LENGTH } from '../store/ticket-code';
import type { TicketDesk } from '../store/ticket-desk';
import { HttpError } from './http';
import type { Request } from './http';
import type { Routes } from './http-routes';
import { json } from './http-routes';

const EVENT_ID = new RegExp(EVENT_ID_PATTERN);

function codeParam(request: Request): string {
  const code = request.params[0];
  if (code.length === 0 || code.length > MAX_TICKET_CODE_LENGTH) throw new HttpError('not_found', 'no such ticket');
  return code;
}

function deskOf(tickets: TicketDesk | undefined): TicketDesk {
  if (!tickets) throw new HttpError('unavailable', 'tickets are not served by this node');
  return tickets;
}

/** Registers /api/me/orders and the ticket routes. */
export function registerTicketRoutes({ deps, get, post, caller }: Routes): void {
  get('/api/me/orders', async (request) => {
    const identity = await caller(request, 'customer');
    const eventId = request.query.get('eventId') ?? '';
    if (!EVENT_ID.test(eventId)) throw new HttpError('bad_request', 'eventId: an event id is required');
    return json(200, { orders: await deskOf(deps.tickets).ordersOf(eventId, identity!.userId) });
  });

  get('/api/tickets/:code', async (request) => {
    await caller(request, 'staff');
    const ticket = await deskOf(deps.tickets).lookup(codeParam(request));
    if (!ticket) throw new HttpError('not_found', 'no such ticket');
    return json(200, ticket);
  });

  post(
    '/api/tickets/:code/check-in',
    async (request) => {
      const identity = await caller(request, 'staff');
      const result = await deskOf(deps.tickets).checkIn(codeParam(request), identity!.userId);
      if (!result) throw new HttpError('not_found', 'no such ticket');
      if (result.ok) {
        deps.checkIns?.saw(result.ticket.eventId, result.checkedIn);
        return json(200, result.ticket);
      }
      const { ticket } = result;
      const message = result.reason === 'void' ? 'the ticket is void (its order was cancelled)' : `the ticket was already used at ${ticket.usedAt}`;
      return json(409, { error: { code: 'conflict', message, status: ticket.status, ...(ticket.usedAt && { usedAt: ticket.usedAt }) } });
    },
    undefined,
    'staff',
  );
}
