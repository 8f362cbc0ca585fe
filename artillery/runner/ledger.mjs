// After a run against the server the runner started, or on an event it created (no traffic but the
// scenario's): the confirmed orders in the database are exactly the purchases the virtual users were
// told of, seat for seat, and no seat is in two of them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { tokenFor } = require('../lib/tokens.js');
const M = require('../lib/metric-names.js');

/** docs/protocol.md: GET /api/events/:id/orders pages hold at most 1,000 orders. */
const PAGE = 1000;

async function confirmedOrders(base, event) {
  const headers = { authorization: `Bearer ${await tokenFor(base, 'staff')}` };
  const found = { orders: 0, places: 0, soldTwice: [] };
  const sold = new Set();
  let after = '';
  do {
    const response = await fetch(`${base}/api/events/${encodeURIComponent(event)}/orders?limit=${PAGE}&after=${encodeURIComponent(after)}`, { headers });
    if (!response.ok) throw new Error(`GET /api/events/${event}/orders answered ${response.status}`);
    const page = await response.json();
    for (const order of page.orders.filter((o) => o.status === 'confirmed')) {
      found.orders++;
      found.places += order.seats.length + Object.values(order.areas ?? {}).reduce((sum, n) => sum + n, 0);
      for (const seat of order.seats) {
        if (sold.has(seat)) found.soldTwice.push(seat);
        sold.add(seat);
      }
    }
    after = page.next;
  } while (after);
  return found;
}

/** What differs between the database's orders and the report's purchases; empty when they agree. */
export async function ledgerProblems(base, event, counters) {
  const stored = await confirmedOrders(base, event);
  const told = { orders: counters[M.PURCHASES] ?? 0, places: counters[M.SEATS_BOUGHT] ?? 0 };
  const found = [];
  if (stored.orders !== told.orders || stored.places !== told.places) {
    found.push(`the database holds ${stored.orders} confirmed orders of ${stored.places} seats and places; users were told of ${told.orders} of ${told.places}`);
  }
  if (stored.soldTwice.length > 0) found.push(`seats sold twice: ${stored.soldTwice.slice(0, 10).join(', ')}`);
  return found;
}
