// `npx tsx bench/jobs.ts` (the `--jobs` mode of the bench), for the BullMQ path (REDIS_URL) and the
// in-process path: the p99 from a purchase's commit (the client's `order` reply) to the receiver
// getting its `order.confirmed` under a closed-loop purchase load, and sustained deliveries per second
// draining a backlog of committed outbox rows (as after a receiver outage), against two baselines
// measured in the same run on the same receiver: a direct signed HTTP POST loop at the same
// concurrency, and raw BullMQ add+process of no-op jobs. Writes bench/results/jobs.json.
//
// Flags: --duration <s> (measured seconds per mode, default 10), --clients <n> (purchase connections,
// default 16), --quick (3 s per mode), --only bullmq|in-process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { signWebhook } from '../src/jobs/webhook-signature';
import { createTestDatabase } from '../test/support/database';
import { TEST_SECRET, http, token } from '../test/support/fixtures';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { percentiles, round } from './stats';
import type { Percentiles } from './stats';
import { startBenchServer } from './system/server-process';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const WEBHOOK_SECRET = 'bench-webhook-secret';
/** Deliveries in flight: the server's JOBS_CONCURRENCY and the baselines' concurrency alike. */
const CONCURRENCY = 32;
/** Places each bench user may buy (docs/protocol.md caps maxSeatsPerUser at 100). */
const PLACES_PER_USER = 100;
/** A purchase step with no reply in this long fails the run rather than hanging it (ms). */
const REPLY_TIMEOUT_MS = 30_000;
/** How long to wait for the queue to drain after the load stops (ms). */
const DRAIN_TIMEOUT_MS = 120_000;

interface Options {
  durationS: number;
  clients: number;
  modes: ('bullmq' | 'in-process')[];
}

function parse(argv: string[]): Options {
  const options: Options = { durationS: argv.includes('--quick') ? 3 : 10, clients: 16, modes: ['bullmq', 'in-process'] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--duration') options.durationS = Number(argv[++i]);
    else if (flag === '--clients') options.clients = Number(argv[++i]);
    else if (flag === '--only') options.modes = [argv[++i] as Options['modes'][number]];
    else if (flag !== '--quick' && flag !== '--jobs') throw new Error(`unknown flag ${flag}`);
  }
  if (!(options.durationS > 0) || !(options.clients > 0)) throw new Error('--duration and --clients take positive numbers');
  return options;
}

/** What one delivery mode achieved. */
interface ModeFigures {
  mode: string;
  purchases: number;
  purchasesPerSecond: number;
  /** Deliveries received while purchases ran, per second (bounded by the purchase rate). */
  deliveriesPerSecond: number;
  /** Rows of a backlog committed at once, delivered per second: the pipeline's sustained capacity. */
  backlogPerSecond: number;
  /** Commit (order reply) → receiver, ms. */
  commitToDelivery: Percentiles;
  /** Deliveries still missing when the drain wait ended. */
  undelivered: number;
  /** Requests the receiver got beyond one per order (at least once). */
  duplicates: number;
}

/** A closed loop of GA purchases on one connection, rotating users every PLACES_PER_USER. */
async function purchaseLoop(url: string, eventId: string, tokens: string[], until: number, acks: Map<string, number>): Promise<number> {
  const socket = new WebSocket(`${url}?token=${encodeURIComponent(tokens[0])}`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let rid = 0;
  const pending = new Map<number, (m: Record<string, any>) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Record<string, any>;
    const resolve = pending.get(message.rid);
    if (resolve) {
      pending.delete(message.rid);
      resolve(message);
    }
  });
  const request = (body: Record<string, unknown>): Promise<Record<string, any>> =>
    new Promise((resolve, reject) => {
      const id = ++rid;
      const timer = setTimeout(() => reject(new Error(`no reply to ${body.type} in ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      pending.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      socket.send(JSON.stringify({ ...body, rid: id }));
    });
  let bought = 0;
  let user = 0;
  while (Date.now() < until) {
    if (bought > 0 && bought % PLACES_PER_USER === 0) await request({ type: 'auth', token: tokens[++user % tokens.length] });
    const held = await request({ type: 'hold', eventId, area: { id: 'floor', count: 1 } });
    if (held.type !== 'held') throw new Error(`hold failed: ${JSON.stringify(held)}`);
    const order = await request({ type: 'buy', eventId, holdId: held.holdId });
    if (order.type !== 'order') throw new Error(`buy failed: ${JSON.stringify(order)}`);
    acks.set(order.orderId, Date.now());
    bought += 1;
  }
  socket.close();
  return bought;
}

/** Runs purchases against one server mode and measures its deliveries. */
async function measureMode(mode: 'bullmq' | 'in-process', options: Options, receiver: WebhookReceiver): Promise<ModeFigures> {
  const db = await createTestDatabase();
  const prefix = `aisle-bench-${randomBytes(4).toString('hex')}:`;
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    AUTH_SECRET: TEST_SECRET,
    AISLE_DEMO: '0',
    LOG_LEVEL: 'warn',
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET,
    JOBS_CONCURRENCY: String(CONCURRENCY),
    ...(mode === 'bullmq' ? { REDIS_URL: REDIS_URL, REDIS_PREFIX: prefix } : {}),
  };
  const server = await startBenchServer({ name: `aisle-${mode}`, script: 'src/main.ts', env });
  try {
    const eventId = 'jobs-bench';
    const created = await http(server.url, 'POST', '/api/events', {
      token: await token('bench', 'admin'),
      body: {
        id: eventId, name: 'Jobs bench', startsAt: '2031-01-01T20:00:00Z', maxSeatsPerUser: PLACES_PER_USER,
        categories: [{ id: 'ga', name: 'Floor', price: 1000 }], sections: [{ id: 's', category: 'ga', rows: 1, seatsPerRow: 1 }],
        areas: [{ id: 'floor', name: 'Floor', capacity: 1_000_000, category: 'ga' }],
      },
    });
    if (created.status !== 201) throw new Error(`event: ${JSON.stringify(created.body)}`);
    // Enough users for 20,000 purchases/s per connection pool: 3 each for the warm-up, the rest measured.
    const perClient = Math.ceil((options.durationS * 20_000) / PLACES_PER_USER / options.clients);
    const users = options.clients * (3 + perClient);
    const tokens = await Promise.all(Array.from({ length: users }, (_, i) => token(`${mode}-u${i}`)));
    const wsUrl = `ws://${server.host}:${server.port}/ws`;
    // Warm-up: connections, JIT, the first batches (not measured).
    const warmAcks = new Map<string, number>();
    await Promise.all(Array.from({ length: options.clients }, (_, c) => purchaseLoop(wsUrl, eventId, tokens.slice(c * 3, c * 3 + 3), Date.now() + 1000, warmAcks)));
    process.stderr.write(`jobs bench: warm-up bought ${warmAcks.size}\n`);
    await receiver.waitFor((w) => w.type === 'order.confirmed' && warmAcks.has(w.data.orderId), warmAcks.size, DRAIN_TIMEOUT_MS);
    process.stderr.write(`jobs bench: warm-up delivered\n`);

    const acks = new Map<string, number>();
    const firstReceived = receiver.received.length;
    const started = Date.now();
    const until = started + options.durationS * 1000;
    const counts = await Promise.all(
      Array.from({ length: options.clients }, (_, c) => purchaseLoop(wsUrl, eventId, tokens.slice(3 * options.clients + c * perClient, 3 * options.clients + (c + 1) * perClient), until, acks)),
    );
    const ended = Date.now();
    process.stderr.write(`jobs bench: bought ${acks.size}\n`);
    const mine = (w: { type: string; data: Record<string, any> }): boolean => w.type === 'order.confirmed' && acks.has(w.data.orderId);
    const inWindow = receiver.received.slice(firstReceived).filter((w) => mine(w) && w.receivedAt <= ended).length;
    await receiver.waitFor(mine, acks.size, DRAIN_TIMEOUT_MS).catch(() => undefined);
    const delivered = receiver.received.slice(firstReceived).filter(mine);
    const firstDelivery = new Map<string, number>();
    for (const w of delivered) if (!firstDelivery.has(w.data.orderId)) firstDelivery.set(w.data.orderId, w.receivedAt);
    const latencies = new Float64Array([...firstDelivery].map(([orderId, at]) => at - acks.get(orderId)!));
    const purchases = counts.reduce((a, b) => a + b, 0);
    const backlogPerSecond = await drainBacklog(db.url, eventId, mode, options.durationS * 1000, receiver);
    return {
      mode,
      purchases,
      purchasesPerSecond: round(purchases / ((ended - started) / 1000), 0),
      deliveriesPerSecond: round(inWindow / ((ended - started) / 1000), 0),
      backlogPerSecond,
      commitToDelivery: percentiles(latencies),
      undelivered: acks.size - firstDelivery.size,
      duplicates: delivered.length - firstDelivery.size,
    };
  } catch (error) {
    process.stderr.write(`jobs bench: ${mode} failed; the server's last output:\n${server.output().slice(-4000)}\n`);
    throw error;
  } finally {
    await server.stop();
    await db.drop();
    if (mode === 'bullmq') await deleteKeys(prefix);
  }
}

/** Commits `rows` outbox rows in one statement and times their delivery; deliveries per second. */
async function drainBacklog(databaseUrl: string, eventId: string, mode: string, rows: number, receiver: WebhookReceiver): Promise<number> {
  const prefix = `backlog-${mode}-`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const started = Date.now();
  try {
    await pool.query(
      `INSERT INTO outbox (event_id, type, payload)
       SELECT $1, 'order.confirmed', jsonb_build_object('orderId', $2 || g, 'eventId', $1::text, 'userId', 'bench',
         'seats', '[]'::jsonb, 'areas', '{}'::jsonb, 'total', 0)
       FROM generate_series(1, $3::int) g`,
      [eventId, prefix, rows],
    );
  } finally {
    await pool.end();
  }
  const ofBacklog = (w: { type: string; data: Record<string, any> }): boolean => typeof w.data.orderId === 'string' && w.data.orderId.startsWith(prefix);
  await receiver.waitFor(ofBacklog, rows, DRAIN_TIMEOUT_MS);
  return round(rows / ((Date.now() - started) / 1000), 0);
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

/** Baseline 1: signed POSTs straight to the receiver, CONCURRENCY at a time, for `seconds`. */
async function directPosts(receiver: WebhookReceiver, seconds: number): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let sent = 0;
  const loop = async (): Promise<void> => {
    while (Date.now() < until) {
      const body = JSON.stringify({ id: `direct-${sent}`, type: 'baseline', createdAt: new Date().toISOString(), data: {} });
      const res = await fetch(receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-aisle-signature': signWebhook(WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000)) },
        body,
      });
      await res.arrayBuffer();
      sent += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  return round(sent / ((Date.now() - started) / 1000), 0);
}

/** Baseline 2: raw BullMQ, addBulk of no-op jobs and a worker at CONCURRENCY, jobs processed per second. */
async function rawBullmq(jobs: number): Promise<number> {
  const prefix = `aisle-bench-raw-${randomBytes(4).toString('hex')}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker('noop', async () => undefined, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: CONCURRENCY });
  worker.on('completed', () => {
    if (++done === jobs) finish();
  });
  await worker.waitUntilReady();
  const started = Date.now();
  for (let i = 0; i < jobs; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, jobs - i) }, (_, j) => ({ name: 'noop', data: { n: i + j }, opts: { removeOnComplete: true } })));
  }
  await finished;
  const rate = round(jobs / ((Date.now() - started) / 1000), 0);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  await deleteKeys(prefix);
  return rate;
}

/** Runs the jobs bench with `argv` flags (for `npm run bench -- --jobs …`); prints the table, writes jobs.json. */
export async function runJobsBench(argv: string[]): Promise<void> {
  const options = parse(argv);
  const receiver = await WebhookReceiver.start(WEBHOOK_SECRET);
  try {
    const step = (what: string): void => void process.stderr.write(`jobs bench: ${what}\n`);
    step('baseline: direct POST loop');
    const direct = await directPosts(receiver, Math.min(options.durationS, 5));
    step('baseline: raw BullMQ');
    const raw = await rawBullmq(options.durationS * 2000);
    const modes: ModeFigures[] = [];
    for (const mode of options.modes) {
      step(`mode ${mode}`);
      modes.push(await measureMode(mode, options, receiver));
    }
    const result = {
      at: new Date().toISOString(),
      options,
      concurrency: CONCURRENCY,
      baselines: { directPostsPerSecond: direct, rawBullmqJobsPerSecond: raw },
      modes: modes.map((m) => ({
        ...m,
        vsDirectPosts: round(m.backlogPerSecond / direct, 3),
        vsRawBullmq: round(m.backlogPerSecond / raw, 3),
      })),
    };
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(`${RESULTS}jobs.json`, `${JSON.stringify(result, null, 2)}\n`);
    const lines = [
      `baselines (same receiver, concurrency ${CONCURRENCY}): direct signed POST loop ${direct}/s; raw BullMQ add+process no-op ${raw} jobs/s`,
      '| mode | purchases/s | deliveries/s under purchase load | sustained deliveries/s (backlog) | × direct POST | × raw BullMQ | commit→delivery p50 / p99 / max ms | undelivered | duplicates |',
      '|---|---|---|---|---|---|---|---|---|',
      ...result.modes.map((m) =>
        `| ${m.mode} | ${m.purchasesPerSecond} | ${m.deliveriesPerSecond} | ${m.backlogPerSecond} | ${m.vsDirectPosts} | ${m.vsRawBullmq} | ${m.commitToDelivery.p50} / ${m.commitToDelivery.p99} / ${m.commitToDelivery.max} | ${m.undelivered} | ${m.duplicates} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await receiver.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runJobsBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
