// `npx tsx bench/commit-params.ts`: what preparing one order of a group commit costs the server: the
// batch as COMMIT_ORDERS takes it now (`commitParams`: one JSON document) against one array per column
// (what it did before, kept here as the baseline), each followed by pg's own parameter
// serialization (`prepareValue`: an array parameter becomes a Postgres array literal, each element
// escaped). Prints ns per order (median of 5 rounds) and the ratio, for batches of 64 one-seat orders
// with their pricing, as the bench's purchases make them. CPU only, no socket or Postgres.
import { createRequire } from 'node:module';
import type { NewOrder } from '../src/store/event-store';
import { commitParams, orderPayload } from '../src/store/order-rows';
import { round } from './stats';

const prepareValue = (createRequire(import.meta.url)('pg/lib/utils') as { prepareValue: (value: unknown) => unknown }).prepareValue;

const BATCH = 64;
const ROUNDS = 5;
const BATCHES_PER_ROUND = 20_000;

const orders: NewOrder[] = Array.from({ length: BATCH }, (_, i) => ({
  orderId: `o_${(1_000_000 + i).toString(36)}Xk3pQ9zR`,
  eventId: 'bench-hot-1',
  userId: `bench-user-${i % 200}`,
  holdId: `h_${(2_000_000 + i).toString(36)}aZ8fJ2kQ`,
  seats: [`s-${(i % 50) + 1}-${i + 1}`],
  areas: {},
  total: 4_500,
  pricing: { items: [{ seatId: `s-${(i % 50) + 1}-${i + 1}`, count: 1, category: 'stalls', tier: null, price: 4_000, fee: 500 }], fees: 500, total: 4_500, currency: 'EUR' },
  idempotencyKey: `key-${i}`,
  createdAt: 1_796_529_999_123 + i,
}));

/** The former parameters: the batch flattened into parallel arrays, one per column. */
function perColumnParams(eventId: string, epoch: number, batch: NewOrder[], announce: boolean): unknown[] {
  const n = batch.length;
  const ids = new Array<string>(n);
  const users = new Array<string>(n);
  const holds = new Array<string>(n);
  const totals = new Array<number>(n);
  const keys = new Array<string | null>(n);
  const createdAt = new Array<string>(n);
  const seats = new Array<string>(n);
  const areas = new Array<string>(n);
  const payloads = new Array<string>(announce ? n : 0);
  const pricing = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const order = batch[i];
    ids[i] = order.orderId;
    users[i] = order.userId;
    holds[i] = order.holdId;
    totals[i] = order.total;
    keys[i] = order.idempotencyKey;
    createdAt[i] = new Date(order.createdAt).toISOString();
    seats[i] = JSON.stringify(order.seats);
    areas[i] = JSON.stringify(order.areas);
    if (announce) payloads[i] = orderPayload(order);
    pricing[i] = order.pricing ? JSON.stringify(order.pricing) : null;
  }
  return [eventId, epoch, ids, users, holds, totals, keys, createdAt, seats, areas, payloads, pricing];
}

let sink = 0;
function nsPerOrder(params: () => unknown[]): number {
  const once = (): void => {
    for (const value of params()) {
      const prepared = prepareValue(value);
      sink += typeof prepared === 'string' ? prepared.length : 1;
    }
  };
  for (let i = 0; i < 2_000; i++) once(); // warm-up: let the JIT settle first
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < BATCHES_PER_ROUND; i++) once();
    rounds.push(Number(process.hrtime.bigint() - started) / BATCHES_PER_ROUND / BATCH);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

process.stdout.write('| outbox row per order | one array per column (before), ns per order | one JSON document (commitParams), ns per order | ratio |\n|---|---|---|---|\n');
for (const announce of [false, true]) {
  const before = nsPerOrder(() => perColumnParams('bench-hot-1', 7, orders, announce));
  const now = nsPerOrder(() => commitParams('bench-hot-1', 7, orders, announce));
  process.stdout.write(`| ${announce ? 'yes (order webhooks on)' : 'no (the default)'} | ${round(before, 0)} | ${round(now, 0)} | ${round(now / before)} |\n`);
}
if (sink === 0) process.stdout.write('(nothing was serialized)\n');
