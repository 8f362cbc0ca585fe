// The schedules on a manual clock against a real Postgres: sales open and close on schedule (with the
// real node-cron ticking every second, decided by the injected clock), each cluster slot runs on one
// of two nodes only, an idle actor is passivated by its schedule and comes back with the same state,
// an actor holding seats is not, and reconciliation exports a difference it finds.
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorRegistry } from '../../src/actor/actor-registry';
import { ManualClock } from '../../src/actor/clock';
import type { EventActor } from '../../src/actor/event-actor';
import { RandomIds } from '../../src/actor/random-ids';
import { expandDefinition } from '../../src/domain';
import type { EventDefinitionInput } from '../../src/domain';
import { announcedSales } from '../../src/jobs/announced-sales';
import { Passivator } from '../../src/jobs/passivation';
import { Reconciler } from '../../src/jobs/reconciliation';
import { Schedules } from '../../src/jobs/schedules';
import { JobMetrics } from '../../src/observability/job-metrics';
import { PgClient } from '../../src/store/pg-client';
import { PostgresEventStore } from '../../src/store/postgres-event-store';
import { PostgresOutboxStore } from '../../src/store/postgres-outbox-store';
import { PostgresScheduleStore } from '../../src/store/postgres-schedule-store';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { eventually } from './webhook-scenarios';

const EVERY_SECOND = '* * * * * *';
const log = pino({ level: 'silent' });
const IDLE_MS = 60_000;

let db: TestDatabase;
let clients: PgClient[];
let store: PostgresEventStore;
let outbox: PostgresOutboxStore;
let clock: ManualClock;
let registry: ActorRegistry;
let metrics: JobMetrics;
const running: Schedules[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  clients = [0, 1].map(() => new PgClient({ connectionString: db.url, poolSize: 3 }));
  store = new PostgresEventStore(clients[0]);
  await store.migrate();
  outbox = new PostgresOutboxStore(clients[0]);
  clock = new ManualClock(Date.UTC(2030, 0, 1, 12));
  metrics = new JobMetrics(new Registry());
  registry = new ActorRegistry({
    store,
    clock,
    feed: { diff: () => undefined, expired: () => undefined },
    ids: new RandomIds(),
    nodeId: 'node-a',
    tickMs: 10,
    commit: { maxBatch: 100, maxInFlight: 2, retryForMs: 1000 },
    sales: announcedSales(clients[0]),
  });
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await clients?.[1]?.close();
  await store?.close();
  await db?.drop();
});

/** A node's schedules on its own database connection (two nodes: two of these). */
function schedulesOf(node: number): Schedules {
  const schedules = new Schedules(new PostgresScheduleStore(clients[node]), clock, `node-${node}`, metrics, log);
  running.push(schedules);
  return schedules;
}

async function createEvent(id: string, extra: Partial<EventDefinitionInput> = {}): Promise<EventActor> {
  await store.createEvent(expandDefinition({
    id,
    name: id,
    startsAt: '2031-01-01T20:00:00Z',
    categories: [{ id: 'std', name: 'Standard', price: 4000 }],
    sections: [{ id: 's', category: 'std', rows: 2, seatsPerRow: 5 }],
    areas: [{ id: 'floor', name: 'Floor', capacity: 20, category: 'std' }],
    ...extra,
  }));
  return (await registry.get(id))!;
}

async function typesOf(eventId: string): Promise<string[]> {
  const rows = await clients[0].query<{ type: string }>('SELECT type FROM outbox WHERE event_id = $1 ORDER BY id', [eventId]);
  return rows.map((r) => r.type);
}

describe('schedules', () => {
  it('opens and closes sales on schedule, announcing each edge once from one of two nodes', async () => {
    const at = (ms: number): string => new Date(clock.now() + ms).toISOString();
    const actor = await createEvent('window', { salesOpenAt: at(2_000), salesCloseAt: at(4_000) });
    const slots: string[] = [];
    for (const node of [0, 1]) {
      schedulesOf(node).add({
        name: 'sales-window',
        cron: EVERY_SECOND,
        scope: 'cluster',
        leaseMs: 10_000,
        run: async (slot) => {
          slots.push(slot.toISOString());
          await outbox.announceSalesWindows(clock.now(), 86_400_000);
        },
      });
    }
    const hold = (): string => {
      const outcome = actor.hold('ann', { kind: 'area', areaId: 'floor', count: 1 });
      if (outcome instanceof Promise) throw new Error('single node holds answer at once');
      return outcome.ok ? 'held' : outcome.error.code;
    };
    expect(hold()).toBe('sales_closed');
    clock.advance(2_000);
    expect(hold()).toBe('held');
    await eventually(async () => (await typesOf('window')).includes('event.sales_opened'), 'sales_opened announced');
    clock.advance(2_000);
    expect(hold()).toBe('held');
    clock.advance(1);
    expect(hold()).toBe('sales_closed');
    await eventually(async () => (await typesOf('window')).includes('event.sales_closed'), 'sales_closed announced');
    const before = slots.length;
    await eventually(() => slots.length >= before + 1, 'one more tick');
    expect(await typesOf('window')).toEqual(['event.sales_opened', 'event.sales_closed']);
    // Two nodes tick every second; each slot ran on one of them only.
    expect(new Set(slots).size).toBe(slots.length);
    expect((await metrics.scheduleRuns.get()).values.some((v) => v.labels.outcome === 'skipped' && v.value > 0)).toBe(true);
  });

  it('passivates an idle actor, which comes back with the same state; one holding seats stays', async () => {
    const actor = await createEvent('idle');
    const busy = await createEvent('busy');
    const held = actor.hold('bea', { kind: 'seats', seats: ['s-1-1', 's-1-2'] });
    if (held instanceof Promise || !held.ok) throw new Error('hold failed');
    expect((await actor.buy('bea', held.value.holdId)).ok).toBe(true);
    expect((await actor.block(['s-2-5'], true)).ok).toBe(true);
    expect((await actor.setSales(false)).ok).toBe(true);
    actor.flushDiff();
    const busyHold = busy.hold('cid', { kind: 'seats', seats: ['s-1-1'] });
    if (busyHold instanceof Promise || !busyHold.ok) throw new Error('hold failed');
    const before = { info: actor.liveInfo(), stats: actor.stats(), snapshot: actor.snapshot() };

    clock.advance(IDLE_MS);
    const passivator = new Passivator(registry, clock, IDLE_MS, metrics, log);
    schedulesOf(0).add({ name: 'passivation', cron: EVERY_SECOND, scope: 'node', leaseMs: 10_000, run: () => passivator.sweep().then(() => undefined) });
    await eventually(() => registry.peek('idle') === undefined, 'idle actor passivated');
    expect(actor.isStopped).toBe(true);
    expect(registry.peek('busy')).toBe(busy);
    expect((await metrics.passivated.get()).values[0].value).toBeGreaterThanOrEqual(1);

    const back = (await registry.get('idle'))!;
    expect(back).not.toBe(actor);
    expect(back.epoch).toBe(actor.epoch + 1);
    const after = { info: back.liveInfo(), stats: back.stats(), snapshot: back.snapshot() };
    expect(after.info.ok && before.info.ok && { ...after.info.value, owner: null }).toEqual(before.info.ok && { ...before.info.value, owner: null });
    expect(after.info.ok && after.info.value.status).toBe('paused');
    expect(after.stats.ok && after.stats.value.revenue).toBe(8000);
    expect(after.stats.ok && before.stats.ok && after.stats.value.sold).toBe(before.stats.ok && before.stats.value.sold);
    expect(after.snapshot.ok && Array.from(after.snapshot.value.status)).toEqual(before.snapshot.ok && Array.from(before.snapshot.value.status));
  });

  it('exports the difference between an actor and Postgres', async () => {
    const actor = await createEvent('drift');
    const held = actor.hold('dee', { kind: 'area', areaId: 'floor', count: 2 });
    if (held instanceof Promise || !held.ok) throw new Error('hold failed');
    expect((await actor.buy('dee', held.value.holdId)).ok).toBe(true);
    const reconciler = new Reconciler(() => registry.all(), new PostgresScheduleStore(clients[0]), metrics, log);
    expect((await reconciler.run()).find((d) => d.eventId === 'drift')).toEqual({ eventId: 'drift', seats: 0, places: 0 });
    // A write that went around the actor: Postgres now has a seat the actor does not know is sold.
    await store.commitOrders('drift', actor.epoch, [{
      orderId: 'o-drift', eventId: 'drift', userId: 'eve', holdId: 'h-drift', seats: ['s-1-1'], areas: {}, total: 4000,
      idempotencyKey: null, createdAt: clock.now(),
    }]);
    expect((await reconciler.run()).find((d) => d.eventId === 'drift')).toEqual({ eventId: 'drift', seats: -1, places: 0 });
    const gauge = (await metrics.reconcileDifference.get()).values.find((v) => v.labels.event_id === 'drift' && v.labels.kind === 'seats');
    expect(gauge?.value).toBe(-1);
  });
});
