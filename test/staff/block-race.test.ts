// Staff blocking seats while customers hold them, over a real server process: each round a customer's
// hold and a staff block name one seat in common and are sent at once. Exactly one of them wins; an
// acknowledged hold is never dropped (it is in the staff holds list with its seats and can be bought),
// a refused block leaves none of its seats blocked, and a granted block leaves all of them blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';

const EVENT = 'race';
const ROUNDS = 30;

let db: TestDatabase;
let server: ServerProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET, DIFF_TICK_MS: '10' });
  const res = await http(server.url, 'POST', '/api/events', {
    token: await token('root', 'admin'),
    body: smallEvent(EVENT, ROUNDS, 4, 10, { maxSeatsPerUser: 100 }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

describe('a block racing a hold', () => {
  it('never drops an acknowledged hold, and either side wins whole', async () => {
    const staff = await token('sam', 'staff');
    const clients = await Promise.all(Array.from({ length: 3 }, async (_, i) => TestClient.connect(server.wsUrl, 'json', await token(`fan-${i}`))));
    const held: { client: TestClient; holdId: string; seats: string[] }[] = [];
    const blocked: string[] = [];
    const refusedBlocks: string[][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const client = clients[round % clients.length];
      const holdSeats = [`s-${round}-1`, `s-${round}-2`];
      const blockSeats = [`s-${round}-2`, `s-${round}-3`];
      // Odd rounds send the hold first; even rounds the block, and the hold 0 to 9 ms later (HTTP takes
      // longer to arrive than a frame on an open socket), so both orders of arrival happen.
      const hold = (): Promise<Record<string, any>> => client.request({ type: 'hold', eventId: EVENT, seats: holdSeats });
      const holdFirst = round % 2 === 1 ? hold() : null;
      const block = http(server.url, 'POST', `/api/events/${EVENT}/block`, { token: staff, body: { seats: blockSeats, blocked: true } });
      if (!holdFirst) await new Promise((r) => setTimeout(r, (round / 2) % 10));
      const [h, b] = await Promise.all([holdFirst ?? hold(), block]);
      const holdWon = h.type === 'held';
      const blockWon = b.status === 200;
      expect(holdWon !== blockWon, `round ${round}: hold ${JSON.stringify(h)}, block ${b.status} ${JSON.stringify(b.body)}`).toBe(true);
      if (holdWon) {
        expect(b.status, JSON.stringify(b.body)).toBe(409);
        held.push({ client, holdId: h.holdId, seats: holdSeats });
        refusedBlocks.push(blockSeats);
      } else {
        expect(h).toMatchObject({ type: 'error', code: 'seat_unavailable' });
        blocked.push(...blockSeats);
      }
    }

    // Every acknowledged hold is still there, with its seats; the blocks that won hold all their seats.
    const listed = await http(server.url, 'GET', `/api/events/${EVENT}/holds`, { token: staff });
    const byId = new Map((listed.body.holds as { holdId: string; seats: string[] }[]).map((x) => [x.holdId, x.seats]));
    for (const hold of held) expect(byId.get(hold.holdId)?.slice().sort(), hold.holdId).toEqual(hold.seats);
    const info = await http(server.url, 'GET', `/api/events/${EVENT}`);
    expect(info.body.counts).toMatchObject({ held: 2 * held.length, blocked: blocked.length });

    // The seats a refused block named and no hold has are still on sale: nothing of it was applied.
    const probe = await TestClient.connect(server.wsUrl, 'json', await token('probe'));
    for (const seats of refusedBlocks) {
      const free = seats.filter((s) => !held.some((x) => x.seats.includes(s)));
      const reply = await probe.request({ type: 'hold', eventId: EVENT, seats: free });
      expect(reply.type, `${free}: ${JSON.stringify(reply)}`).toBe('held');
    }
    // And the held seats can be bought by their holders.
    for (const hold of held) {
      const order = await hold.client.request({ type: 'buy', eventId: EVENT, holdId: hold.holdId });
      expect(order.type, JSON.stringify(order)).toBe('order');
    }
    for (const client of [...clients, probe]) client.close();
  });
});
