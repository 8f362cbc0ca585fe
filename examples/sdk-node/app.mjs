// A small Node app on the packed client SDK (`npm install aisle-client-0.1.0.tgz ws`): it watches an
// event's seat map, holds two seats under a hold key it keeps, rides out a dropped connection, finds its
// hold again, and buys it. Browsers run the same code with their own WebSocket.
//
//   AISLE_URL=ws://127.0.0.1:9001/ws AISLE_TOKEN=<jwt> AISLE_EVENT=<event id> node app.mjs [--wait-for-reconnect]
//
// With --wait-for-reconnect it waits, after holding, for the connection to drop and come back (cut it:
// stop a proxy in between, or drop the network). Holds outlive a dropped connection; they outlive a
// server restart only in cluster mode, where they are journaled in Redis. Progress goes to stderr; the outcome is one JSON line on stdout.
import { AisleClient, AisleError } from '@aisle/client';

const { AISLE_URL, AISLE_TOKEN, AISLE_EVENT } = process.env;
if (!AISLE_URL || !AISLE_TOKEN || !AISLE_EVENT) {
  console.error('set AISLE_URL, AISLE_TOKEN and AISLE_EVENT');
  process.exit(2);
}
const seats = (process.env.AISLE_SEATS ?? 's-1-1,s-1-2').split(',');
const waitForReconnect = process.argv.includes('--wait-for-reconnect');
const log = (...args) => console.error('[app]', ...args);

// Node 22+ and browsers have a global WebSocket; Node 20 needs the `ws` package.
const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;

const client = await AisleClient.connect({ url: AISLE_URL, token: AISLE_TOKEN, WebSocket });
let reconnects = 0;
client.on('close', ({ code, reconnecting }) => log(`connection closed (${code}); reconnecting: ${reconnecting}`));
client.on('open', ({ reconnected }) => {
  if (!reconnected) return;
  reconnects++;
  log('reconnected; subscriptions and holds are restored');
});

// The live seat map: a snapshot, then diffs; after a reconnect it resynchronises by itself.
const view = await client.subscribe(AISLE_EVENT);
log(`watching ${AISLE_EVENT}:`, view.counts());
view.on('resync', ({ reason }) => log(`seat map resynchronised (${reason})`));

// A hold key names this request: sent again (after a lost reply, a reload), it returns the same hold
// rather than a second one. An app keeps it where a reload finds it (sessionStorage in a browser).
const holdKey = `example-${process.pid}-${Date.now()}`;
const hold = await client.hold(AISLE_EVENT, seats, { holdKey });
log(`held ${hold.seats.join(', ')} as ${hold.holdId} until ${new Date(hold.expiresAt).toISOString()}`);
console.log(JSON.stringify({ step: 'held', holdId: hold.holdId }));

if (waitForReconnect && reconnects === 0) {
  log('waiting for the connection to drop and come back');
  await new Promise((resolve) => {
    const off = client.on('open', ({ reconnected }) => {
      if (!reconnected) return;
      off();
      resolve();
    });
  });
}

// After a reconnect (or a page reload, with a new client) the server still knows the user's holds.
const found = await client.findHolds(AISLE_EVENT);
const again = await client.hold(AISLE_EVENT, seats, { holdKey });
log(`found ${found.length} hold(s); the same hold key gave back ${again.holdId}`);

let order;
try {
  order = await client.buy(AISLE_EVENT, hold.holdId);
} catch (error) {
  if (error instanceof AisleError) log(`buy refused: ${error.code} ${error.message}`);
  throw error;
}
log(`order ${order.orderId}: ${order.status}, ${order.seats.join(', ')}, total ${order.total}`);
// The seat map hears of the sale as every other viewer does: in a diff.
await new Promise((resolve) => {
  if (view.counts().sold >= seats.length) return resolve();
  const off = view.on('change', () => {
    if (view.counts().sold < seats.length) return;
    off();
    resolve();
  });
});
log('seat map now:', view.counts());
client.close();
console.log(
  JSON.stringify({
    step: 'bought',
    holdId: hold.holdId,
    foundHoldIds: found.map((h) => h.holdId),
    holdKeyGaveBack: again.holdId,
    reconnects,
    orderId: order.orderId,
    status: order.status,
    seats: order.seats,
    total: order.total,
    counts: view.counts(),
  }),
);
