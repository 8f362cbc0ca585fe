// A load worker thread: opens its connections, waits for `go`, then runs closed loops (each chain sends
// its next request when the previous reply arrives) until the window ends, and reports what completed
// inside the window. Requests carry the chain's index as `rid`, so a reply finds its chain directly.
import { parentPort, workerData } from 'node:worker_threads';
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { ChainPlan, ConnectionPlan, GoMessage, LoadJob, LoadResult, WorkerReport } from './load-job';
import { monotonicMs, seatIdAt } from './load-job';
import { WireSocket } from '../wire/ws-wire';

/** A reply, as far as the loops look at it. */
interface Reply {
  type: string;
  rid?: number;
  holdId?: string;
  code?: string;
}

/** rid of the `auth` request a purchase connection sends to switch to its next user. */
const AUTH_RID = 1000;
/** How long to wait for replies still in flight once the window is over. */
const DRAIN_MS = 5000;
/** How many connections open at once (the server's accept backlog is finite). */
const CONNECT_CONCURRENCY = 100;

const job = workerData as LoadJob;
const encoder = new Encoder();
const decoder = new Decoder();
const clockOffset = monotonicMs() - performance.now();

let windowStart = Infinity;
let windowEnd = Infinity;
let stopAt = Infinity;
let completed = 0;
let latencies: Float64Array = new Float64Array(1 << 16);
let latencyCount = 0;
let totals: Float64Array = new Float64Array(job.kind === 'purchase' ? 1 << 14 : 0);
let totalCount = 0;
let inFlight = 0;
let exhaustedChains = 0;
const errors: Record<string, number> = {};

function post(report: WorkerReport): void {
  parentPort!.postMessage(report);
}

function record(sentAt: number, now: number, totalFrom?: number): void {
  if (now < windowStart || now >= windowEnd) return;
  completed++;
  if (latencyCount === latencies.length) latencies = grow(latencies);
  latencies[latencyCount++] = now - sentAt;
  if (totalFrom !== undefined) {
    if (totalCount === totals.length) totals = grow(totals);
    totals[totalCount++] = now - totalFrom;
  }
}

function grow(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

function countError(code: string | undefined): void {
  const key = code ?? 'unknown';
  errors[key] = (errors[key] ?? 0) + 1;
}

/** One closed loop on one connection. */
class Chain {
  /** What the outstanding request is, or 'idle'. */
  state: 'idle' | 'hold' | 'release' | 'buy' | 'parked' | 'done' = 'idle';
  sentAt = 0;
  purchaseStartedAt = 0;
  holdId = '';
  private rangeIndex = 0;
  private next: number;

  constructor(
    private readonly conn: Connection,
    readonly rid: number,
    private readonly plan: ChainPlan,
  ) {
    this.next = plan.ranges[0]?.from ?? 0;
  }

  start(now: number): void {
    if (now >= stopAt) {
      this.state = 'idle';
      return;
    }
    switch (job.kind) {
      case 'ping':
        this.send('hold', { type: 'ping', rid: this.rid }, now);
        return;
      case 'hold': {
        const range = this.plan.ranges[0];
        this.send('hold', { type: 'hold', rid: this.rid, eventId: range.eventId, seats: [seatIdAt(range, range.from)] }, now);
        return;
      }
      case 'purchase':
        this.startPurchase(now);
        return;
    }
  }

  private startPurchase(now: number): void {
    if (this.conn.userSeats >= job.maxSeatsPerUser) {
      this.state = 'parked';
      this.conn.maybeSwitchUser();
      return;
    }
    let range = this.plan.ranges[this.rangeIndex];
    while (range && this.next >= range.to) {
      range = this.plan.ranges[++this.rangeIndex];
      if (range) this.next = range.from;
    }
    if (!range) {
      this.state = 'done';
      exhaustedChains++;
      return;
    }
    this.conn.userSeats++;
    this.purchaseStartedAt = now;
    this.send('hold', { type: 'hold', rid: this.rid, eventId: range.eventId, seats: [seatIdAt(range, this.next++)] }, now);
  }

  /** Sends the release or buy of the current hold (again, after a refusal). */
  private sendStep(state: 'release' | 'buy', now: number): void {
    const range = this.plan.ranges[job.kind === 'hold' ? 0 : this.rangeIndex];
    this.send(state, { type: state, rid: this.rid, eventId: range.eventId, holdId: this.holdId }, now);
  }

  private send(state: Chain['state'], message: object, now: number): void {
    this.state = state;
    this.sentAt = now;
    inFlight++;
    this.conn.socket.send(encoder.encodeSharedRef(message));
  }

  onReply(reply: Reply, now: number): void {
    inFlight--;
    const state = this.state;
    this.state = 'idle';
    if (reply.type === 'error') {
      countError(reply.code);
      if (job.kind === 'purchase' && state === 'hold') this.conn.userSeats--;
      // A failed release or buy leaves the hold in place: try that step again (unless the hold is gone),
      // so one refusal does not turn into seat_unavailable for the rest of the run. A release is tried
      // even after the window, so no run leaves a seat held for the next one.
      const again = state === 'release' || (state === 'buy' && now < stopAt);
      if (again && reply.code !== 'hold_not_found') {
        this.sendStep(state, now);
        return;
      }
      this.start(now);
      return;
    }
    switch (job.kind) {
      case 'ping':
        record(this.sentAt, now);
        this.start(now);
        return;
      case 'hold':
        record(this.sentAt, now);
        if (state === 'hold') {
          this.holdId = reply.holdId ?? '';
          this.sendStep('release', now);
        } else {
          this.start(now);
        }
        return;
      case 'purchase':
        if (state === 'hold') {
          this.holdId = reply.holdId ?? '';
          this.sendStep('buy', now);
        } else {
          record(this.sentAt, now, this.purchaseStartedAt);
          this.start(now);
        }
        return;
    }
  }
}

/** One WebSocket connection with its chains. */
class Connection {
  socket!: WireSocket;
  readonly chains: Chain[];
  /** Seats the current user holds or bought (purchases only), against the per-user cap. */
  userSeats = 0;
  private tokenIndex = 0;
  private switching = false;

  constructor(private readonly plan: ConnectionPlan) {
    this.chains = plan.chains.map((chain, i) => new Chain(this, i, chain));
  }

  async open(): Promise<void> {
    const token = this.plan.tokens[0];
    const path = token ? `/ws?token=${encodeURIComponent(token)}` : '/ws';
    this.socket = await WireSocket.connect(job.host, job.port, path, (payload) => this.onFrame(payload));
  }

  /** Once every chain is parked at the cap, authenticates as the next user and restarts them. */
  maybeSwitchUser(): void {
    if (this.switching || this.chains.some((c) => c.state !== 'parked' && c.state !== 'done')) return;
    const token = this.plan.tokens[++this.tokenIndex];
    if (!token) {
      for (const chain of this.chains) {
        if (chain.state === 'parked') {
          chain.state = 'done';
          exhaustedChains++;
        }
      }
      return;
    }
    this.switching = true;
    inFlight++;
    this.socket.send(encoder.encodeSharedRef({ type: 'auth', rid: AUTH_RID, token }));
  }

  private onFrame(payload: Buffer): void {
    const now = performance.now();
    const reply = decoder.decode(payload) as Reply;
    const rid = reply.rid;
    if (rid === AUTH_RID) {
      inFlight--;
      this.switching = false;
      if (reply.type !== 'authed') countError(reply.code);
      this.userSeats = 0;
      for (const chain of this.chains) if (chain.state === 'parked') chain.start(now);
      return;
    }
    const chain = rid === undefined ? undefined : this.chains[rid];
    if (!chain) {
      // A push (diff, expired) or an error without a rid: not part of the loop.
      if (reply.type === 'error') countError(reply.code);
      return;
    }
    chain.onReply(reply, now);
  }
}

async function openAll(connections: Connection[]): Promise<void> {
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < connections.length) await connections[next++].open();
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, connections.length) }, opener));
}

async function main(): Promise<void> {
  const connections = job.connections.map((plan) => new Connection(plan));
  try {
    await openAll(connections);
  } catch (error) {
    post({ type: 'failed', message: String(error instanceof Error ? error.message : error) });
    return;
  }
  post({ type: 'connected', connections: connections.length });
  const go = await new Promise<GoMessage>((resolve) => parentPort!.once('message', resolve));
  const startLocal = go.startAt - clockOffset;
  windowStart = startLocal + job.warmupMs;
  windowEnd = windowStart + job.durationMs;
  stopAt = windowEnd;
  const wait = Math.max(0, startLocal - performance.now());
  await new Promise((resolve) => setTimeout(resolve, wait));
  const now = performance.now();
  for (const conn of connections) for (const chain of conn.chains) chain.start(now);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnd - performance.now())));
  const drainDeadline = performance.now() + DRAIN_MS;
  while (inFlight > 0 && performance.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const result: LoadResult = {
    completed,
    latencies: latencies.slice(0, latencyCount),
    totalLatencies: totals.slice(0, totalCount),
    errors,
    exhaustedChains,
    unanswered: inFlight,
  };
  for (const conn of connections) conn.socket.sendClose();
  await Promise.race([Promise.all(connections.map((c) => c.socket.closed)), new Promise((r) => setTimeout(r, 2000))]);
  for (const conn of connections) conn.socket.destroy();
  post({ type: 'done', result });
}

void main();
