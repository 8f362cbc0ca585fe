// The signed-in user's own orders in an event, with their tickets (`GET /api/me/orders?eventId=`): what a
// "My tickets" view shows. HTTP like loadMap, with the same token the WebSocket uses.
import { AisleError, isErrorCode } from '../error-codes';
import type { OrderReply } from '../ticket-replies';

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
  let response: Response;
  try {
    response = await doFetch(`${options.baseUrl ?? ''}/api/me/orders?eventId=${encodeURIComponent(eventId)}`, {
      headers: { authorization: `Bearer ${options.token}` },
    });
  } catch (cause) {
    throw new AisleError('unavailable', 'the server could not be reached', undefined, { cause });
  }
  const body = (await response.json().catch(() => null)) as { orders?: OrderReply[]; error?: { code?: string; message?: string } } | null;
  if (!response.ok || !body?.orders) {
    const code = body?.error?.code && isErrorCode(body.error.code) ? body.error.code : 'internal';
    throw new AisleError(code, body?.error?.message ?? `orders request failed with ${response.status}`);
  }
  return body.orders;
}
