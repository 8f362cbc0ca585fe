// Latency probes of the cluster bench, run from the bench's main thread (idle, or beside a load on the
// worker threads): one command at a time on a connection to the event's owner (local) and on one to
// another node (forwarded), interleaved so both see the same moments; and purchases on one node
// timed until the diff reaches viewers on other nodes.
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Auth } from '../../src/gateway/auth';
import { seatIdAt } from '../load/load-job';
import type { BenchEvent } from '../scenario/bench-events';
import { seatRange } from '../scenario/bench-events';
import type { Percentiles } from '../stats';
import { percentiles, round } from '../stats';
import type { BenchServer } from '../system/server-process';
import { WireClient } from '../wire/wire-client';
import { WireSocket } from '../wire/ws-wire';

/** Seat status of a sold seat in snapshots and diffs (docs/protocol.md). */
const SOLD = 2;
/** How long one purchase's diff may take to reach a viewer before the probe gives up on it. */
const DIFF_TIMEOUT_MS = 10_000;

/** A reply's type and error code, which is all the probes look at. */
function expectReply(reply: { type: string; code?: unknown }, type: string, what: string): void {
  if (reply.type !== type) throw new Error(`${what}: expected ${type}, got ${JSON.stringify(reply)}`);
}

/**
 * Rounds per user before a probe signs in as the next one: two seat commands a round, kept under the
 * per-user rate limit of seat commands (USER_RATE_PER_SECOND, 500/s by default) however fast rounds go.
 */
const ROUNDS_PER_USER = 200;
/**
 * Least time from the start of one round on both connections to the next (ms): at most ~1,000 commands
 * a second per connection, under its rate limit (WS_RATE_PER_SECOND, 2,000/s by default). A probe
 * samples latency; it is not a load.
 */
const MIN_ROUND_MS = 2;

/** One connection that holds and releases one seat per round, timing each command. */
class HoldReleaseProbe {
  readonly samples: number[] = [];
  private rounds = 0;
  private constructor(
    private readonly client: WireClient,
    private readonly auth: Auth,
    private readonly user: string,
    private readonly event: BenchEvent,
    private readonly seat: string,
  ) {}

  static async open(server: BenchServer, auth: Auth, user: string, event: BenchEvent, seatIndex: number): Promise<HoldReleaseProbe> {
    const client = await WireClient.connect(server.host, server.port);
    return new HoldReleaseProbe(client, auth, user, event, seatIdAt(seatRange(event, seatIndex, seatIndex + 1), seatIndex));
  }

  /** hold → held, release → released; both latencies recorded. */
  async round(): Promise<void> {
    if (this.rounds++ % ROUNDS_PER_USER === 0) {
      const token = await this.auth.sign({ userId: `${this.user}-${this.rounds}`, role: 'customer' });
      expectReply((await this.client.request({ type: 'auth', token })).message, 'authed', 'auth');
    }
    let started = performance.now();
    const held = await this.client.request({ type: 'hold', eventId: this.event.id, seats: [this.seat] });
    this.samples.push(performance.now() - started);
    expectReply(held.message, 'held', `hold ${this.seat}`);
    started = performance.now();
    const released = await this.client.request({ type: 'release', eventId: this.event.id, holdId: held.message.holdId });
    this.samples.push(performance.now() - started);
    expectReply(released.message, 'released', `release ${this.seat}`);
  }

  close(): void {
    this.client.close();
  }
}

/** Local and forwarded command latency on the same event. */
export interface ForwardingFigures {
  /** Client on the owner. */
  local: Percentiles;
  /** Client on another node: gateway → peer WebSocket → owner → back. Null with one node. */
  forwarded: Percentiles | null;
  /** forwarded.p99 − local.p99 (ms). */
  addedP99Ms: number | null;
  addedP50Ms: number | null;
}

/** Where the command probe connects: the owner, and optionally a node that is not the owner. */
export interface ProbeTargets {
  owner: BenchServer;
  other: BenchServer | null;
}

/**
 * Runs hold+release rounds on both connections, alternating, until `rounds` are done or `until`
 * resolves (whichever comes first; `rounds` alone when `until` is omitted).
 */
export async function measureForwarding(
  auth: Auth,
  targets: ProbeTargets,
  event: BenchEvent,
  rounds: number,
  until?: Promise<unknown>,
): Promise<ForwardingFigures> {
  const local = await HoldReleaseProbe.open(targets.owner, auth, 'probe-local', event, 0);
  const forwarded = targets.other ? await HoldReleaseProbe.open(targets.other, auth, 'probe-forwarded', event, 1) : null;
  let done = false;
  void until?.finally(() => {
    done = true;
  });
  try {
    for (let i = 0; i < rounds && !done; i++) {
      const roundStarted = performance.now();
      // Alternate which goes first, so neither always meets the other's leftovers.
      if (i % 2 === 0 || !forwarded) {
        await local.round();
        await forwarded?.round();
      } else {
        await forwarded.round();
        await local.round();
      }
      const left = MIN_ROUND_MS - (performance.now() - roundStarted);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    }
  } finally {
    local.close();
    forwarded?.close();
  }
  const l = percentiles(Float64Array.from(local.samples));
  const f = forwarded ? percentiles(Float64Array.from(forwarded.samples)) : null;
  return { local: l, forwarded: f, addedP99Ms: f ? round(f.p99 - l.p99) : null, addedP50Ms: f ? round(f.p50 - l.p50) : null };
}

/** A guest viewer subscribed to one event that notes when each seat reaches a status. */
class DiffViewer {
  private readonly waiters = new Map<string, (at: number) => void>();
  private socket!: WireSocket;
  private readonly decoder = new Decoder();
  gaps = 0;
  private seq = -1;
  private epoch = -1;

  private constructor(readonly nodeId: string) {}

  static async open(server: BenchServer, nodeId: string, eventId: string): Promise<DiffViewer> {
    const viewer = new DiffViewer(nodeId);
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    viewer.socket = await WireSocket.connect(server.host, server.port, '/ws', (payload) => viewer.onFrame(payload, subscribed));
    viewer.socket.send(new Encoder().encode({ type: 'subscribe', rid: 1, eventId }));
    await ready;
    return viewer;
  }

  /** Resolves with the arrival time (performance.now) of the first diff that gives `index` `status`. */
  arrival(index: number, status: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const key = `${index}:${status}`;
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`viewer on ${this.nodeId}: no diff for seat ${index} in ${DIFF_TIMEOUT_MS} ms`));
      }, DIFF_TIMEOUT_MS);
      this.waiters.set(key, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  close(): void {
    this.socket.close();
  }

  private onFrame(payload: Buffer, subscribed: () => void): void {
    const at = performance.now();
    const message = this.decoder.decode(payload) as { type: string; epoch?: number; seq?: number; changes?: [number, number][] };
    if (message.type === 'snapshot') {
      this.epoch = message.epoch ?? -1;
      this.seq = message.seq ?? -1;
      subscribed();
      return;
    }
    if (message.type !== 'diff') return;
    if (message.epoch !== this.epoch || message.seq !== this.seq + 1) this.gaps++;
    this.epoch = message.epoch ?? -1;
    this.seq = message.seq ?? -1;
    for (const [index, status] of message.changes ?? []) {
      const key = `${index}:${status}`;
      const waiter = this.waiters.get(key);
      if (waiter) {
        this.waiters.delete(key);
        waiter(at);
      }
    }
  }
}

/** Purchase on one node → the seat shown sold on viewers of other nodes. */
export interface DiffFigures {
  purchases: number;
  /** buy sent → diff received, over every viewer and purchase (includes the group commit and the ≤ 50 ms tick). */
  buyToDiff: Percentiles;
  /** order received by the buyer → diff received by a viewer: delivery after the commit. */
  orderToDiff: Percentiles;
  /** buy sent → order received. */
  buyToOrder: Percentiles;
  /** Diffs whose seq or epoch did not follow on (should be 0 on an idle, stable cluster). */
  gaps: number;
  buyerNode: string;
  viewerNodes: string[];
}

/** Where the diff probe's buyer and viewers connect. */
export interface DiffProbeTargets {
  buyer: { nodeId: string; server: BenchServer };
  viewers: { nodeId: string; server: BenchServer }[];
}

/**
 * Buys seats of `event` one at a time on the buyer's node (a pause of 0-`spacingMs` ms between, so
 * purchases fall anywhere in the owner's diff tick) and times the diff on every viewer. Stops after
 * `purchases` or when `until` resolves. `event.maxSeatsPerUser` purchases per user, then the next user.
 */
export async function measureDiffDelivery(
  auth: Auth,
  targets: DiffProbeTargets,
  event: BenchEvent,
  firstSeat: number,
  purchases: number,
  spacingMs: number,
  until?: Promise<unknown>,
): Promise<DiffFigures> {
  const viewers = await Promise.all(targets.viewers.map((v) => DiffViewer.open(v.server, v.nodeId, event.id)));
  const buyer = await WireClient.connect(targets.buyer.server.host, targets.buyer.server.port);
  const buyToDiff: number[] = [];
  const orderToDiff: number[] = [];
  const buyToOrder: number[] = [];
  let done = false;
  void until?.finally(() => {
    done = true;
  });
  try {
    for (let n = 0; n < purchases && !done; n++) {
      if (n % event.maxSeatsPerUser === 0) {
        const token = await auth.sign({ userId: `diff-buyer-${firstSeat}-${n}`, role: 'customer' });
        expectReply((await buyer.request({ type: 'auth', token })).message, 'authed', 'auth');
      }
      const index = firstSeat + n;
      const seat = seatIdAt(seatRange(event, index, index + 1), index);
      const held = await buyer.request({ type: 'hold', eventId: event.id, seats: [seat] });
      expectReply(held.message, 'held', `hold ${seat}`);
      const arrivals = viewers.map((viewer) => viewer.arrival(index, SOLD));
      const sent = performance.now();
      const order = await buyer.request({ type: 'buy', eventId: event.id, holdId: held.message.holdId, idempotencyKey: `diff-${index}` });
      const ordered = performance.now();
      expectReply(order.message, 'order', `buy ${seat}`);
      buyToOrder.push(ordered - sent);
      for (const at of await Promise.all(arrivals)) {
        buyToDiff.push(at - sent);
        orderToDiff.push(at - ordered);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * spacingMs));
    }
  } finally {
    buyer.close();
    for (const viewer of viewers) viewer.close();
  }
  return {
    purchases: buyToOrder.length,
    buyToDiff: percentiles(Float64Array.from(buyToDiff)),
    orderToDiff: percentiles(Float64Array.from(orderToDiff)),
    buyToOrder: percentiles(Float64Array.from(buyToOrder)),
    gaps: viewers.reduce((n, v) => n + v.gaps, 0),
    buyerNode: targets.buyer.nodeId,
    viewerNodes: targets.viewers.map((v) => v.nodeId),
  };
}
