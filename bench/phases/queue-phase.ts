// The waiting room under a crowd, on one node: N users wait in one event's queue over connections of
// their own (in waiter child processes: a process may hold 20,000 file descriptors here), while a few
// admitted shoppers hold every seat but one. Each round a shopper releases one held seat; the room
// admits the next user at once, and every waiting user's position moves, pushed on the next one-second
// tick. Measured: joins per second (every user joins at once), the server's CPU per position push over
// the release window, the time from a release being sent to the next user's `admitted` push (shared
// monotonic clock), and the server's RSS per waiting user (with N waiting, after a full GC, against
// before any connected).
import type { BenchContext } from '../context';
import { GC_ON_SIGNAL } from '../fanout/fanout-bench';
import { settledMemory, sourceAddress, untilReady } from '../fanout/fanout';
import type { MemoryReading } from '../fanout/fanout';
import { monotonicMs, seatIdAt } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import { benchEvent, createEvents, PURCHASE_SEATS_PER_USER, seatRange } from '../scenario/bench-events';
import type { Percentiles } from '../stats';
import { percentiles, round } from '../stats';
import { ChildDriver } from '../system/child-driver';
import { cpuBetween, processCpuMs, sampleCpu } from '../system/proc-stats';
import type { BenchServer } from '../system/server-process';
import type { Replied } from '../wire/wire-client';
import { WireClient } from '../wire/wire-client';
import type { FromWaiters, ToWaiters, WaiterCounts } from '../queue/waiter-protocol';

/** Waiting users per child process: each may hold 20,000 file descriptors; stay well under. */
export const WAITERS_PER_PROCESS = 9_500;
/** Seats of the event: shoppers hold all but one, and each round frees one of them. */
const EVENT_SEATS = 1_000;
/** How long one admission may take to reach its user before the round counts as failed. */
const ROUND_TIMEOUT_MS = 10_000;
/** After the joins, the first ticks push whatever moved; the window starts after them. */
const AFTER_JOIN_MS = 2_500;

/** What a queue run does. */
export interface QueuePlan {
  /** Users waiting in the queue. */
  waiters: number;
  /** Releases (each admits one user) in the measured window, one every `intervalMs`. */
  rounds: number;
  intervalMs: number;
}

/** What a queue run measured. */
export interface QueueFigures {
  waiters: number;
  waiterProcesses: number;
  openMs: number;
  /** Joins answered per second, every user sending `join` at once. */
  joinsPerSec: number;
  joinMs: number;
  /** Server CPU per join (µs), over the joins. */
  joinCpuUs: number;
  joinedQueued: number;
  joinedAdmitted: number;
  /** Release sent → the next user's `admitted` push received. */
  admitLatency: Percentiles;
  rounds: number;
  windowMs: number;
  /** Position pushes delivered to the waiting users in the window, and per second. */
  positionPushes: number;
  positionPushesPerSec: number;
  /** Server CPU (user + system) over the window. */
  serverCpuMs: number;
  serverCores: number;
  /** Server CPU per position push delivered, in µs (everything the server did in the window counts). */
  cpuUsPerPositionPush: number;
  /** Other processes' CPU in the window, in cores (noise from a shared machine). */
  otherCores: number;
  machineBusyPct: number;
  /** Server RSS per waiting user: (RSS with N waiting − RSS before any connected) / N. */
  rssBytesPerWaiter: number;
  /** Live memory per waiting user (RSS less committed heap, plus used heap), the same way. */
  liveBytesPerWaiter: number;
  /** The place alone: RSS after the joins less RSS with the same users connected but not joined. */
  rssBytesPerPlace: number;
  memory: { before: MemoryReading; connected: MemoryReading; waiting: MemoryReading };
  /** A pushed position higher than the user's last (must be 0), error replies, admissions seen. */
  waiterCounts: WaiterCounts;
}

/** The event: one row of seats, the queue on, admissions that last the whole run. */
export function queueEvent(id: string): BenchEvent {
  const event = benchEvent(id, EVENT_SEATS, PURCHASE_SEATS_PER_USER);
  event.body.queue = { mode: 'on', admissionTtlSeconds: 3600 };
  return event;
}

type Waiters = ChildDriver<ToWaiters, FromWaiters>;
const isType =
  <K extends FromWaiters['type']>(type: K) =>
  (m: FromWaiters): m is Extract<FromWaiters, { type: K }> =>
    m.type === type;

/** Shoppers admitted before the crowd, holding every seat but one; `releaseNext` frees one seat. */
class Shoppers {
  private readonly held: Array<{ client: WireClient; holdId: string; seats: string[] }> = [];
  private turn = 0;

  static async admit(ctx: BenchContext, server: BenchServer, event: BenchEvent): Promise<Shoppers> {
    const shoppers = new Shoppers();
    const range = seatRange(event, 0, event.seats);
    for (let from = 0, i = 0; from < event.seats - 1; from += PURCHASE_SEATS_PER_USER, i++) {
      const client = await WireClient.connect(server.host, server.port, await ctx.auth.sign({ userId: `bench-queue-shopper-${i}`, role: 'customer' }));
      expectReply(await client.request({ type: 'join', eventId: event.id }), 'admitted', 'shopper join');
      const seats = Array.from({ length: Math.min(PURCHASE_SEATS_PER_USER, event.seats - 1 - from) }, (_, k) => seatIdAt(range, from + k));
      const held = expectReply(await client.request({ type: 'hold', eventId: event.id, seats }), 'held', 'shopper hold');
      shoppers.held.push({ client, holdId: held.holdId as string, seats });
    }
    return shoppers;
  }

  /** Releases one seat of the next shopper's hold (each keeps at least one, so stays served). */
  async releaseNext(eventId: string): Promise<void> {
    const shopper = this.held[this.turn++ % this.held.length];
    if (shopper.seats.length < 2) throw new Error('queue bench: a shopper ran out of seats to release');
    const seat = shopper.seats.pop()!;
    expectReply(await shopper.client.request({ type: 'release', eventId, holdId: shopper.holdId, seats: [seat] }), 'released', 'release');
  }

  /** Most rounds the shoppers' seats allow. */
  get maxRounds(): number {
    return this.held.reduce((n, s) => n + s.seats.length - 1, 0);
  }

  close(): void {
    for (const s of this.held) s.client.close();
  }
}

function expectReply(reply: Replied, type: string, what: string): Replied['message'] {
  if (reply.message.type !== type) throw new Error(`queue bench: ${what} answered ${JSON.stringify(reply.message)}`);
  return reply.message;
}

async function countsOf(processes: Waiters[]): Promise<WaiterCounts> {
  const all = await Promise.all(
    processes.map((p) => {
      const counts = p.next(isType('counts'), 30_000);
      p.send({ type: 'count' });
      return counts;
    }),
  );
  const sum: WaiterCounts = { positionPushes: 0, positionRises: 0, admitted: 0, closed: 0, errors: {} };
  for (const c of all) {
    sum.positionPushes += c.positionPushes;
    sum.positionRises += c.positionRises;
    sum.admitted += c.admitted;
    sum.closed += c.closed;
    for (const [code, n] of Object.entries(c.errors)) sum.errors[code] = (sum.errors[code] ?? 0) + n;
  }
  return sum;
}

function liveBytes(m: MemoryReading): number {
  return m.rss - m.heapTotal + m.heapUsed;
}

/** Starts a node, fills the queue of a fresh event with `plan.waiters` users and measures it. */
export async function measureQueue(ctx: BenchContext, plan: QueuePlan): Promise<QueueFigures> {
  const databaseUrl = await ctx.createDatabase();
  const env = { AISLE_DEMO: '0', GATEWAY_WORKERS: '0', ...ctx.options.serverEnv };
  const server = await ctx.startServer('aisle (waiting room, one node)', 'src/main.ts', databaseUrl, env, GC_ON_SIGNAL);
  await untilReady(server);
  const event = queueEvent('queue-crowd');
  await createEvents(server.url, ctx.adminToken, [event]);
  const shoppers = await Shoppers.admit(ctx, server, event);
  if (plan.rounds > shoppers.maxRounds) throw new Error(`queue bench: at most ${shoppers.maxRounds} rounds`);

  const processCount = Math.ceil(plan.waiters / WAITERS_PER_PROCESS);
  // Admissions arrive unasked: each goes to whoever waits for the current round.
  let onAdmitted: ((m: Extract<FromWaiters, { type: 'admitted' }>) => void) | null = null;
  let strayAdmissions = 0;
  const processes: Waiters[] = Array.from(
    { length: processCount },
    () =>
      new ChildDriver<ToWaiters, FromWaiters>('bench/queue/waiter-process.ts', (m) => {
        if (m.type !== 'admitted') return;
        if (onAdmitted) onAdmitted(m);
        else strayAdmissions++;
      }),
  );
  try {
    ctx.log(`queue: signing ${plan.waiters.toLocaleString('en-US')} user tokens`);
    const tokens: string[][] = Array.from({ length: processCount }, () => []);
    for (let i = 0; i < plan.waiters; i++) tokens[i % processCount].push(await ctx.auth.sign({ userId: `bench-queue-${i}`, role: 'customer' }));
    const before = await settledMemory(server);

    const openStarted = Date.now();
    await Promise.all(
      processes.map((p, i) => {
        const opened = p.next(isType('opened'), 600_000);
        p.send({ type: 'open', host: server.host, port: server.port, tokens: tokens[i], localAddress: sourceAddress(server, i) });
        return opened;
      }),
    );
    const openMs = Date.now() - openStarted;
    const connected = await settledMemory(server);
    ctx.log(`queue: ${plan.waiters.toLocaleString('en-US')} users connected in ${openMs} ms; joining`);

    const joinCpuBefore = processCpuMs(server.pid);
    const joined = await Promise.all(
      processes.map((p) => {
        const done = p.next(isType('joined'), 600_000);
        p.send({ type: 'join', eventId: event.id });
        return done;
      }),
    );
    const joinCpuMs = processCpuMs(server.pid) - joinCpuBefore;
    const joinMs = Math.max(...joined.map((j) => j.lastReplyAt)) - Math.min(...joined.map((j) => j.firstSentAt));
    const joinErrors = joined.flatMap((j) => Object.entries(j.errors));
    if (joinErrors.length > 0) throw new Error(`queue bench: joins answered errors ${JSON.stringify(joinErrors)}`);
    const joinedQueued = joined.reduce((n, j) => n + j.queued, 0);
    const joinedAdmitted = joined.reduce((n, j) => n + j.admitted, 0);
    ctx.log(`queue: ${joinedQueued} queued and ${joinedAdmitted} admitted at once in ${round(joinMs)} ms, server CPU ${joinCpuMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, AFTER_JOIN_MS));
    const waiting = await settledMemory(server);

    // The window: one release per interval, each waited for until its admission arrives.
    const latencies = new Float64Array(plan.rounds);
    const countsBefore = await countsOf(processes);
    const cpuBefore = sampleCpu(server.pid);
    const serverCpuBefore = processCpuMs(server.pid);
    const windowStart = monotonicMs();
    for (let r = 0; r < plan.rounds; r++) {
      const due = windowStart + r * plan.intervalMs;
      const wait = due - monotonicMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const admitted = new Promise<Extract<FromWaiters, { type: 'admitted' }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`queue bench: no admission within ${ROUND_TIMEOUT_MS} ms of release ${r + 1}`)), ROUND_TIMEOUT_MS);
        onAdmitted = (m) => {
          clearTimeout(timer);
          onAdmitted = null;
          resolve(m);
        };
      });
      const sentAt = monotonicMs();
      await shoppers.releaseNext(event.id);
      latencies[r] = (await admitted).at - sentAt;
    }
    // Let the last tick of the window push what the last admissions moved.
    const end = windowStart + plan.rounds * plan.intervalMs;
    if (end > monotonicMs()) await new Promise((resolve) => setTimeout(resolve, end - monotonicMs()));
    const windowMs = monotonicMs() - windowStart;
    const serverCpuMs = processCpuMs(server.pid) - serverCpuBefore;
    const cpu = cpuBetween(cpuBefore, sampleCpu(server.pid), windowMs);
    const countsAfter = await countsOf(processes);
    const positionPushes = countsAfter.positionPushes - countsBefore.positionPushes;
    // A user admitted by its own join gets the `admitted` reply and the push as well; nobody else may.
    // RSS counts what the allocator keeps, not what is live: when it handed pages back while the users
    // joined, the difference says nothing about their cost (one run of three measured -1,913 B per place).
    if (waiting.rss < connected.rss) ctx.notes.push(`queue: server RSS fell while ${plan.waiters} users joined (the allocator returned memory): the per-user RSS figures of this run understate; run again`);
    if (strayAdmissions !== joinedAdmitted) ctx.notes.push(`queue: ${strayAdmissions} admissions pushed outside a round (expected ${joinedAdmitted}, the users admitted at join)`);

    return {
      waiters: plan.waiters,
      waiterProcesses: processCount,
      openMs,
      joinsPerSec: Math.round((plan.waiters * 1000) / Math.max(joinMs, 1)),
      joinMs: round(joinMs),
      joinCpuUs: round((joinCpuMs * 1000) / plan.waiters),
      joinedQueued,
      joinedAdmitted,
      admitLatency: percentiles(latencies),
      rounds: plan.rounds,
      windowMs: Math.round(windowMs),
      positionPushes,
      positionPushesPerSec: Math.round((positionPushes * 1000) / windowMs),
      serverCpuMs,
      serverCores: round(serverCpuMs / windowMs),
      cpuUsPerPositionPush: positionPushes > 0 ? round((serverCpuMs * 1000) / positionPushes) : 0,
      otherCores: cpu.otherCores,
      machineBusyPct: cpu.machineBusyPct,
      rssBytesPerWaiter: Math.round((waiting.rss - before.rss) / plan.waiters),
      liveBytesPerWaiter: Math.round((liveBytes(waiting) - liveBytes(before)) / plan.waiters),
      rssBytesPerPlace: Math.round((waiting.rss - connected.rss) / plan.waiters),
      memory: { before, connected, waiting },
      waiterCounts: countsAfter,
    };
  } finally {
    shoppers.close();
    await Promise.all(processes.map((p) => p.close({ type: 'close' })));
    await server.stop();
  }
}
