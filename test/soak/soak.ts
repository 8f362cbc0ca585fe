// Soak: holds a mixed load on a real server process for N minutes and prints its memory and latency
// every minute, then checks the guarantees against Postgres. Usage: npm run soak -- --minutes 10
//
// The load: shoppers hold (named seats, best seats, standing places), then buy (30%), release (65%)
// or abandon them (5%: holds expire after 10 s); staff cancel the oldest orders so seats keep recycling; viewers stay
// subscribed (checking their diff streams for gaps) and a tenth of them reconnect every minute; every
// client pings. Flat memory means: after the first minutes of warm-up, RSS does not keep rising.
import { writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { findDoubleSales, findLostOrders, findOrphanSeats, findOversoldAreas } from '../support/guarantees';
import { LeanClient } from '../support/lean-client';
import { metricValue, rssMb } from '../support/observe';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    shoppers: { type: 'string', default: '40' },
    viewers: { type: 'string', default: '200' },
    events: { type: 'string', default: '4' },
    out: { type: 'string', default: 'test-artifacts/soak.json' },
  },
});
const MINUTES = Number(values.minutes);
const SHOPPERS = Number(values.shoppers);
const VIEWERS = Number(values.viewers);
const EVENTS = Number(values.events);
/** 40 rows of 50 seats and 200 standing places per event; a third sold at most before staff cancel. */
const ROWS = 40;
const PER_ROW = 50;
const SEATS = ROWS * PER_ROW;
const SOLD_CEILING = SEATS / 3;

/** Latencies (ms) of the current minute, by request type. */
const latencies = new Map<string, number[]>();
const errors = new Map<string, number>();
let requests = 0;
let running = true;

function record(type: string, ms: number): void {
  let list = latencies.get(type);
  if (!list) latencies.set(type, (list = []));
  list.push(ms);
  requests++;
}

async function timed(client: LeanClient, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const started = performance.now();
  const reply = await client.request(message);
  record(message.type as string, performance.now() - started);
  if (reply.type === 'error') errors.set(reply.code as string, (errors.get(reply.code as string) ?? 0) + 1);
  return reply;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Orders a client was told about, by event (oldest first), and every id ever told. */
const live = new Map<string, string[]>();
const told: string[] = [];
let cancelled = 0;

async function shopper(server: ServerProcess, i: number): Promise<void> {
  const client = await LeanClient.connect(server.wsUrl, i % 2 ? 'json' : 'msgpack', await token(`shopper-${i}`));
  for (let n = 0; running; n++) {
    const eventId = `soak-${(i + n) % EVENTS}`;
    const r = Math.random();
    const request =
      r < 0.4
        ? { type: 'hold', eventId, best: { count: 1 + (n % 4) } }
        : r < 0.8
          ? { type: 'hold', eventId, seats: [`s-${1 + Math.floor(Math.random() * ROWS)}-${1 + Math.floor(Math.random() * PER_ROW)}`] }
          : { type: 'hold', eventId, area: { id: 'floor', count: 1 + (n % 3) } };
    const held = await timed(client, request);
    await pause(10 + Math.random() * 30);
    if (held.type !== 'held') continue;
    const next = Math.random();
    if (next < 0.3) {
      const order = await timed(client, { type: 'buy', eventId, holdId: held.holdId, idempotencyKey: `k-${i}-${n}` });
      if (order.type === 'order') {
        told.push(order.orderId as string);
        live.get(eventId)!.push(order.orderId as string);
      }
    } else if (next < 0.95) {
      await timed(client, { type: 'release', eventId, holdId: held.holdId });
    }
    if (n % 20 === 0) await timed(client, { type: 'ping' });
    await pause(10 + Math.random() * 30);
  }
  client.close();
}

/** Staff cancel the oldest orders of an event once it has a third of its seats sold, so seats recycle. */
async function staff(server: ServerProcess, eventId: string): Promise<void> {
  const staffToken = await token(`soak-staff-${eventId}`, 'staff');
  const orders = live.get(eventId)!;
  while (running) {
    while (orders.length > SOLD_CEILING / 3) {
      const orderId = orders.shift()!;
      const started = performance.now();
      const res = await http(server.url, 'POST', `/api/orders/${orderId}/cancel`, { token: staffToken });
      record('cancel', performance.now() - started);
      if (res.status === 200) cancelled++;
      else errors.set(`cancel ${res.status}`, (errors.get(`cancel ${res.status}`) ?? 0) + 1);
    }
    await pause(100);
  }
}

/** A viewer: subscribes to one event, follows its diffs, pings every 5 s. */
class Viewer {
  client: LeanClient | null = null;
  /** Gaps seen by this viewer's earlier connections. */
  private earlierGaps = 0;
  constructor(
    private readonly server: ServerProcess,
    private readonly i: number,
  ) {}

  get gaps(): number {
    return this.earlierGaps + (this.client?.gaps ?? 0);
  }

  async connect(): Promise<void> {
    this.earlierGaps += this.client?.gaps ?? 0;
    this.client?.close();
    const client = await LeanClient.connect(this.server.wsUrl, this.i % 3 ? 'msgpack' : 'json');
    const eventId = `soak-${this.i % EVENTS}`;
    const snapshot = await timed(client, { type: 'subscribe', eventId });
    client.expectDiffsAfter(eventId, snapshot.epoch as number, snapshot.seq as number);
    this.client = client;
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const server = await startServer({ DATABASE_URL: db.url, AUTH_SECRET: TEST_SECRET }, 60_000);
  const pid = server.child.pid!;
  const admin = await token('soak-admin', 'admin');
  for (let e = 0; e < EVENTS; e++) {
    const body = smallEvent(`soak-${e}`, ROWS, PER_ROW, 200, { maxSeatsPerUser: 100, holdTtlSeconds: 10 });
    const res = await http(server.url, 'POST', '/api/events', { token: admin, body });
    if (res.status !== 201) throw new Error(`creating soak-${e}: ${res.status} ${JSON.stringify(res.body)}`);
    live.set(`soak-${e}`, []);
  }
  const viewers = Array.from({ length: VIEWERS }, (_, i) => new Viewer(server, i));
  for (const v of viewers) await v.connect();
  console.log(`soak: ${MINUTES} min, ${SHOPPERS} shoppers, ${VIEWERS} viewers, ${EVENTS} events of ${SEATS} seats; server pid ${pid}`);
  console.log('minute  rss MB (max)    heap MB  requests/s   p50 ms  p99 ms  hold p99  buy p99  orders  cancels  conns  gaps  errors');

  const loads = [...Array.from({ length: SHOPPERS }, (_, i) => shopper(server, i)), ...[...live.keys()].map((id) => staff(server, id))];
  const pingers = setInterval(() => {
    for (const v of viewers) if (v.client) void timed(v.client, { type: 'ping' }).catch(() => undefined);
  }, 5000);
  let maxRss = 0;
  const sampler = setInterval(() => void rssMb(pid).then((mb) => (maxRss = Math.max(maxRss, mb))), 1000);
  const minutes: Record<string, number>[] = [];
  for (let m = 1; m <= MINUTES; m++) {
    await pause(60_000);
    const all = [...latencies.values()].flat().sort((a, b) => a - b);
    const p99Of = (type: string): number => percentile([...(latencies.get(type) ?? [])].sort((a, b) => a - b), 99);
    const rss = await rssMb(pid);
    const row = {
      minute: m,
      rssMb: rss,
      maxRssMb: Math.max(maxRss, rss),
      heapMb: (await metricValue(server.url, 'nodejs_heap_size_used_bytes')) / 1024 / 1024,
      requestsPerSecond: requests / 60,
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      holdP99Ms: p99Of('hold'),
      buyP99Ms: p99Of('buy'),
      orders: told.length,
      cancels: cancelled,
      connections: await metricValue(server.url, 'aisle_ws_connections'),
      gaps: viewers.reduce((n, v) => n + v.gaps, 0),
    };
    minutes.push(row);
    const errs = [...errors].map(([k, v]) => `${k}:${v}`).join(' ');
    console.log(
      `${String(m).padStart(6)}  ${row.rssMb.toFixed(1).padStart(6)} (${row.maxRssMb.toFixed(1)})  ${row.heapMb.toFixed(1).padStart(7)}  ` +
        `${row.requestsPerSecond.toFixed(0).padStart(10)}  ${row.p50Ms.toFixed(2).padStart(6)}  ${row.p99Ms.toFixed(2).padStart(6)}  ` +
        `${row.holdP99Ms.toFixed(2).padStart(8)}  ${row.buyP99Ms.toFixed(2).padStart(7)}  ${String(row.orders).padStart(6)}  ` +
        `${String(row.cancels).padStart(7)}  ${String(row.connections).padStart(5)}  ${String(row.gaps).padStart(4)}  ${errs}`,
    );
    latencies.clear();
    errors.clear();
    requests = 0;
    maxRss = 0;
    // A tenth of the viewers reconnect: connections come and go all the time on a real on-sale.
    for (const v of viewers.slice(0, Math.ceil(VIEWERS / 10))) await v.connect();
  }
  running = false;
  clearInterval(pingers);
  clearInterval(sampler);
  await Promise.all(loads);
  for (const v of viewers) v.client?.close();

  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  let doubleSales = 0;
  let halfWritten = 0;
  let oversold = 0;
  for (const eventId of live.keys()) {
    doubleSales += (await findDoubleSales(sql, eventId)).length;
    halfWritten += (await findOrphanSeats(sql, eventId)).length;
    oversold += (await findOversoldAreas(sql, eventId)).length;
  }
  const lost = (await findLostOrders(sql, told)).length;
  await sql.end();
  const exitCode = await server.stop('SIGTERM');
  await db.drop();

  // Flat: the last minutes' RSS against the first minutes after warm-up (minute 2 on).
  const settled = minutes.slice(Math.min(1, minutes.length - 1));
  const first = settled[0]?.rssMb ?? 0;
  const last = settled[settled.length - 1]?.rssMb ?? 0;
  const summary = {
    minutes: MINUTES,
    rssFirstMb: first,
    rssLastMb: last,
    rssGrowthPercent: first ? ((last - first) / first) * 100 : 0,
    maxRssMb: Math.max(...minutes.map((r) => r.maxRssMb)),
    ordersChecked: told.length,
    ordersLost: lost,
    doubleSales,
    halfWritten,
    oversoldAreas: oversold,
    gaps: minutes.at(-1)?.gaps ?? 0,
    drainExitCode: exitCode,
    perMinute: minutes,
  };
  mkdirSync('test-artifacts', { recursive: true });
  writeFileSync(values.out!, JSON.stringify(summary, null, 2));
  console.log(
    `\nsoak done: RSS ${first.toFixed(1)} → ${last.toFixed(1)} MB (${summary.rssGrowthPercent.toFixed(1)}% after warm-up, max ${summary.maxRssMb.toFixed(1)} MB); ` +
      `${told.length} orders checked, ${lost} lost, ${doubleSales} double sales, ${halfWritten} half-written, ${oversold} oversold areas; ` +
      `diff gaps ${summary.gaps}; drain exit ${exitCode}; written to ${values.out}`,
  );
  const failed = lost > 0 || doubleSales > 0 || halfWritten > 0 || oversold > 0 || exitCode !== 0;
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
