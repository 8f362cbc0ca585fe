// The simulation's in-memory store must behave as the real one does: the same seeded sequence of
// claims, batches (stale epochs, seats sold before or twice in a batch, a standing area overfilled,
// reused order ids and idempotency keys), cancellations and reads (bought holds among them) is run against it and against
// PostgresEventStore on PGlite (the store that passes the EventStore contract), and every answer compared.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitResult, EventStore, NewOrder } from '../../src/store/event-store';
import { PgliteClient } from '../../src/store/pglite-client';
import { PostgresEventStore } from '../../src/store/postgres-event-store';
import { MemoryEventStore } from './memory-event-store';
import { Prng } from './prng';
import { simEvents } from './workload';

let dir: string;
let real: EventStore;
const memory = new MemoryEventStore();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisle-sim-store-'));
  real = new PostgresEventStore(await PgliteClient.open(dir));
  await real.migrate();
}, 60_000);

afterAll(async () => {
  await real?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A result with its order id lists sorted (the two may name a batch's culprits in another order). */
function normal(result: CommitResult): CommitResult {
  return 'orderIds' in result ? { ...result, orderIds: [...result.orderIds].sort() } : result;
}

describe('MemoryEventStore', () => {
  it('answers a seeded sequence of 600 operations exactly as PostgresEventStore on PGlite does', async () => {
    const rng = new Prng(20261204);
    const events = simEvents();
    for (const d of events) expect(await memory.createEvent(d)).toBe(await real.createEvent(d));
    const epochs = new Map<string, number>();
    const orderIds: string[] = [];
    let next = 0;
    for (let step = 0; step < 600; step++) {
      const event = rng.pick(events);
      const what = rng.next();
      const at = `step ${step}`;
      if (what < 0.1 || !epochs.has(event.id)) {
        const node = `n${rng.int(1, 3)}`;
        const epoch = await real.claimOwnership(event.id, node);
        expect(await memory.claimOwnership(event.id, node), at).toBe(epoch);
        epochs.set(event.id, epoch);
      } else if (what < 0.7) {
        const current = epochs.get(event.id) as number;
        const epoch = rng.chance(0.1) ? current - 1 : current;
        const batch: NewOrder[] = Array.from({ length: rng.int(1, 3) }, () => {
          const seats = rng.chance(0.7) ? [...new Set([rng.pick(event.seats).id, rng.pick(event.seats).id])] : [];
          const places = seats.length === 0 || rng.chance(0.2) ? rng.int(1, 3) : 0;
          const reuse = orderIds.length > 0 && rng.chance(0.05);
          const orderId = reuse ? rng.pick(orderIds) : `o${++next}`;
          return {
            orderId, eventId: event.id, userId: `u${rng.int(1, 4)}`, holdId: `h${next}`, seats,
            areas: (places > 0 ? { floor: places } : {}) as Record<string, number>, total: (seats.length + places) * 1000,
            idempotencyKey: rng.chance(0.5) ? `k${rng.int(1, 30)}` : null, createdAt: 1_900_000_000_000 + step,
          };
        });
        const result = normal(await real.commitOrders(event.id, epoch, batch));
        expect(normal(await memory.commitOrders(event.id, epoch, batch)), `${at}: ${JSON.stringify(batch)}`).toEqual(result);
        if (result.ok) orderIds.push(...batch.map((o) => o.orderId));
      } else if (what < 0.8 && orderIds.length > 0) {
        const orderId = rng.pick(orderIds);
        const epoch = (epochs.get(event.id) as number) - (rng.chance(0.1) ? 1 : 0);
        expect(await memory.cancelOrder(event.id, epoch, orderId), at).toBe(await real.cancelOrder(event.id, epoch, orderId));
      } else if (what < 0.9) {
        const ids = Array.from({ length: 4 }, () => (orderIds.length > 0 && rng.chance(0.7) ? rng.pick(orderIds) : `o-none-${step}`));
        expect([...(await memory.storedAmong(ids))].sort(), at).toEqual([...(await real.storedAmong(ids))].sort());
        const holds = [`h${rng.int(1, next + 1)}`, `h${rng.int(1, next + 1)}`];
        expect([...(await memory.boughtHolds(event.id, holds))].sort(), at).toEqual([...(await real.boughtHolds(event.id, holds))].sort());
        const user = `u${rng.int(1, 4)}`;
        const key = `k${rng.int(1, 30)}`;
        const found = await real.findOrderByIdempotencyKey(event.id, user, key);
        expect((await memory.findOrderByIdempotencyKey(event.id, user, key))?.orderId ?? null, at).toBe(found?.orderId ?? null);
      } else {
        const restore = await real.loadEvent(event.id);
        expect((await memory.loadEvent(event.id))?.orders, at).toEqual(restore?.orders);
      }
    }
    expect(orderIds.length).toBeGreaterThan(20);
  }, 120_000);
});
