// The waiting room inside a real actor (real store in a throwaway database, manual clock): admission
// gates holds, a purchase frees the slot, sold out reaches every waiting user at once and seats that
// come back reopen admission.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueuePush } from '../../protocol';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { expandDefinition } from '../domain';
import type { EventStore } from '../store/event-store';
import { openStore } from '../store/open-store';
import { ActorRegistry } from './actor-registry';
import { ManualClock } from './clock';
import type { EventActor } from './event-actor';
import type { DiffPush, EventFeed } from './event-service';
import { RandomIds } from './random-ids';

let db: TestDatabase;
let store: EventStore;
let clock: ManualClock;
let feed: QueueFeed;
let eventNo = 0;

class QueueFeed implements EventFeed {
  pushes: { userId: string; message: QueuePush }[] = [];
  diff(_eventId: string, _diff: DiffPush): void {}
  expired(): void {}
  queue(userId: string, message: QueuePush): void {
    this.pushes.push({ userId, message });
  }
  to(userId: string, type: QueuePush['type']): QueuePush[] {
    return this.pushes.filter((p) => p.userId === userId && p.message.type === type).map((p) => p.message);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  store = await openStore({ databaseUrl: db.url, dataDir: '' });
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});
beforeEach(() => {
  clock = new ManualClock();
  feed = new QueueFeed();
});

/** A fresh event of `seats` seats with the waiting room on, and its actor. */
async function givenQueuedEvent(seats: number, queue: { maxActive?: number }): Promise<EventActor> {
  const id = `queue-${++eventNo}`;
  await store.createEvent(
    expandDefinition({
      id,
      name: id,
      startsAt: '2030-01-01T00:00:00Z',
      holdTtlSeconds: 60,
      categories: [{ id: 'c', name: 'C', price: 100 }],
      sections: [{ id: 's', category: 'c', rows: 1, seatsPerRow: seats }],
      queue: { mode: 'on', admissionTtlSeconds: 300, ...queue },
    }),
  );
  const registry = new ActorRegistry({
    store,
    clock,
    feed,
    ids: new RandomIds(),
    nodeId: 'test-node',
    tickMs: 50,
    commit: { maxBatch: 100, maxInFlight: 2, retryForMs: 1000 },
  });
  return (await registry.get(id))!;
}

describe('EventActor with a waiting room', () => {
  it('given a user not admitted, when they hold, then queue_required and nothing is held', async () => {
    const actor = await givenQueuedEvent(4, { maxActive: 1 });
    const held = await actor.hold('bob', { kind: 'seats', seats: ['s-1-1'] });
    expect(held).toMatchObject({ ok: false, error: { code: 'queue_required' } });
    expect(actor.holdCount).toBe(0);
  });

  it('given maxActive 1, when the admitted user buys, then the next in line is admitted and may hold', async () => {
    const actor = await givenQueuedEvent(4, { maxActive: 1 });
    expect(actor.join('ann')).toMatchObject({ ok: true, value: { kind: 'admitted' } });
    expect(actor.join('bob')).toMatchObject({ ok: true, value: { kind: 'queued', position: 1, ahead: 0 } });
    expect(actor.join('bob')).toMatchObject({ ok: true, value: { kind: 'queued', position: 1 } });
    expect(await actor.hold('bob', { kind: 'seats', seats: ['s-1-2'] })).toMatchObject({ ok: false, error: { code: 'queue_required' } });
    const held = await actor.hold('ann', { kind: 'seats', seats: ['s-1-1'] });
    if (!held.ok) throw new Error(held.error.message);
    const order = await actor.buy('ann', held.value.holdId);
    expect(order.ok).toBe(true);
    expect(feed.to('bob', 'admitted')).toHaveLength(1);
    expect(await actor.hold('bob', { kind: 'seats', seats: ['s-1-2'] })).toMatchObject({ ok: true });
    expect(actor.queueInfo()).toMatchObject({ ok: true, value: { mode: 'on', waiting: 0, admitted: 2 } });
  });

  it('given waiting users, when the last seat is held, then each gets queue_closed sold_out at once, and admission resumes when the hold expires', async () => {
    const actor = await givenQueuedEvent(1, { maxActive: 1 });
    actor.join('ann');
    actor.join('bob');
    actor.join('cat');
    const held = await actor.hold('ann', { kind: 'seats', seats: ['s-1-1'] });
    expect(held.ok).toBe(true);
    for (const user of ['bob', 'cat']) expect(feed.to(user, 'queue_closed')).toEqual([{ type: 'queue_closed', eventId: actor.eventId, reason: 'sold_out' }]);
    // Ann's admission runs out at 300 s; her hold at 60 s gives the seat back to the waitlist.
    clock.advance(300_000);
    expect(feed.to('bob', 'admitted')).toHaveLength(1);
    expect(feed.to('cat', 'admitted')).toHaveLength(0);
  });

  it('given the line moves, then positions are pushed on the one-second tick, only to those who moved', async () => {
    const actor = await givenQueuedEvent(10, { maxActive: 1 });
    for (const user of ['ann', 'bob', 'cat']) actor.join(user);
    expect(actor.leave('ann')).toMatchObject({ ok: true });
    clock.advance(1_000);
    expect(feed.to('cat', 'queue')).toMatchObject([{ type: 'queue', position: 1, ahead: 0 }]);
    expect(feed.to('bob', 'admitted')).toHaveLength(1);
    clock.advance(1_000);
    expect(feed.to('cat', 'queue')).toHaveLength(1);
  });
});
