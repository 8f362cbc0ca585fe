// The announcer on a real actor (manual clock, a store that accepts every commit): hold changes only
// when subscribed, each sell-out once, and the relay told whenever rows were committed.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../actor/clock';
import { EventActor } from '../actor/event-actor';
import { RandomIds } from '../actor/random-ids';
import { expandDefinition } from '../domain';
import type { EventStore } from '../store/event-store';
import type { NewOutboxMessage, OutboxStore } from '../store/outbox-store';
import { ActorAnnouncer } from './actor-announcer';
import type { WebhookType } from '../../protocol';

/** Two seats and one standing place; holds live 60 s. */
const definition = expandDefinition({
  id: 'tiny',
  name: 'Tiny',
  startsAt: '2031-01-01T20:00:00Z',
  holdTtlSeconds: 60,
  categories: [{ id: 'std', name: 'Standard', price: 100 }],
  sections: [{ id: 's', category: 'std', rows: 1, seatsPerRow: 2 }],
  areas: [{ id: 'floor', name: 'Floor', capacity: 1, category: 'std' }],
});

function setUp(types: WebhookType[], event: typeof definition = definition): { actor: EventActor; clock: ManualClock; rows: NewOutboxMessage[]; nudges: () => number; announcer: ActorAnnouncer } {
  const clock = new ManualClock();
  const rows: NewOutboxMessage[] = [];
  let nudges = 0;
  const outbox = { append: async (batch: NewOutboxMessage[]) => rows.push(...batch) } as unknown as OutboxStore;
  const announcer = new ActorAnnouncer(outbox, new Set(types), clock, null, pino({ level: 'silent' }), () => nudges++);
  const store = { commitOrders: async () => ({ ok: true }), cancelOrder: async () => 'cancelled' } as unknown as EventStore;
  const actor = new EventActor({ definition: event, sales: 'open', blocked: [], orders: [], holds: [] }, 1, {
    store,
    clock,
    feed: { diff: () => undefined, expired: () => undefined },
    ids: new RandomIds(),
    nodeId: 'n',
    tickMs: 10,
    commit: { maxBatch: 10, maxInFlight: 1, retryForMs: 0 },
    observer: { applied: announcer.applied, queueChanged: announcer.queueChanged },
  });
  return { actor, clock, rows, nudges: () => nudges, announcer };
}

function holdOf(actor: EventActor, user: string, seats: string[], area?: number): string {
  const held = actor.hold(user, { kind: 'seats', seats });
  if (held instanceof Promise || !held.ok) throw new Error('hold failed');
  if (area) {
    const more = actor.hold(user, { kind: 'area', areaId: 'floor', count: area }, held.value.holdId);
    if (more instanceof Promise || !more.ok) throw new Error('area hold failed');
  }
  return held.value.holdId;
}

describe('actor announcer', () => {
  it('announces holds created, released and expired, when subscribed', async () => {
    const { actor, clock, rows, announcer } = setUp(['hold.created', 'hold.released', 'hold.expired']);
    const first = holdOf(actor, 'ann', ['s-1-1', 's-1-2']);
    actor.release('ann', first, ['s-1-2']);
    clock.advance(60_000);
    await announcer.flush();
    expect(rows.map((r) => [r.type, r.payload.holdId, r.payload.seats])).toEqual([
      ['hold.created', first, ['s-1-1', 's-1-2']],
      ['hold.released', first, ['s-1-2']],
      ['hold.expired', first, ['s-1-1']],
    ]);
    expect(rows[0].payload).toMatchObject({ eventId: 'tiny', userId: 'ann', areas: {}, expiresAt: clock.now() });
  });

  it('writes no hold rows without the subscription, and each sell-out once', async () => {
    const { actor, rows, nudges, announcer } = setUp([]);
    const sale = await actor.buy('bob', holdOf(actor, 'bob', ['s-1-1', 's-1-2'], 1));
    if (!sale.ok) throw new Error('buy failed');
    await announcer.flush();
    expect(rows).toEqual([{ eventId: 'tiny', type: 'event.sold_out', payload: { eventId: 'tiny', orderId: sale.value.orderId }, dedupeKey: `event.sold_out:tiny:${sale.value.orderId}` }]);
    expect((await actor.cancelOrder(sale.value.orderId)).ok).toBe(true);
    const again = await actor.buy('cat', holdOf(actor, 'cat', ['s-1-1', 's-1-2'], 1));
    if (!again.ok) throw new Error('buy failed');
    await announcer.flush();
    expect(rows.map((r) => r.payload.orderId)).toEqual([sale.value.orderId, again.value.orderId]);
    // Two purchases, one cancellation, two announcement batches.
    expect(nudges()).toBeGreaterThanOrEqual(5);
  });

  it('announces the waiting room opening at openAt and closing when sold out, only when subscribed', async () => {
    const openAt = new Date(1_700_000_000_000 + 10_000).toISOString();
    const queued = { ...definition, id: 'tiny', queue: { mode: 'on' as const, openAt, admissionTtlSeconds: 300 } };
    for (const subscribed of [true, false]) {
      const { actor, clock, rows, announcer } = setUp(subscribed ? ['queue.opened', 'queue.closed'] : [], queued);
      for (const user of ['ann', 'bob', 'cat', 'dan']) expect((await actor.join(user)).ok).toBe(true);
      clock.advance(11_000);
      // Three units on sale, one each: ann, bob and cat are admitted, dan waits; they take all three.
      const joined = await Promise.all(['ann', 'bob', 'cat', 'dan'].map(async (u) => [u, await actor.join(u)] as const));
      const admitted = joined.filter(([, reply]) => reply.ok && reply.value.kind === 'admitted').map(([u]) => u);
      expect(admitted).toHaveLength(3);
      const [first, second, third] = admitted;
      holdOf(actor, first, ['s-1-1']);
      holdOf(actor, second, ['s-1-2']);
      const last = actor.hold(third, { kind: 'area', areaId: 'floor', count: 1 });
      expect(last instanceof Promise || last.ok).toBe(true);
      await announcer.flush();
      if (!subscribed) {
        expect(rows).toEqual([]);
        continue;
      }
      expect(rows.map((r) => [r.type, r.payload])).toEqual([
        ['queue.opened', { eventId: 'tiny', reason: 'open_at', waiting: 4 }],
        ['queue.closed', { eventId: 'tiny', reason: 'sold_out', waiting: 1 }],
      ]);
    }
  });
});
