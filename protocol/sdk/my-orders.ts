// The signed-in user's own orders in an event, with their tickets (`GET /api/me/orders?eventId=`): what a
// "My tickets" view shows. HTTP like loadMap, with the same token the WebSocket uses.
import type { OrderReply } from '../ticket-replies';
import { fetchFromServer, httpError } from './reply-errors';

/** How to load the orders. */
export interface MyOrdersOptions {
  /** The customer's JWT. */
  token: string;
  /** The server's origin, e.g. `https://tickets.example` ('' in a page: same origin). */
  baseUrl?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The user's orders in `eventId`, oldest first; errors as AisleError with the server's code. */
export async function loadMyOrders(eventId: string, options: MyOrdersOptions): Promise<OrderReply[]> {
  const doFetch = options.fetch ?? fetch;
  const response = await fetchFromServer(doFetch, `${options.baseUrl ?? ''}/api/me/orders?eventId=${encodeURIComponent(eventId)}`, {
    headers: { authorization: `Bearer ${options.token}` },
  });
  const body = (await response.json().catch(() => undefined)) as { orders?: OrderReply[] } | undefined;
  if (!response.ok || !Array.isArray(body?.orders)) throw httpError(response.status, body, 'orders');
  return body.orders;
}
