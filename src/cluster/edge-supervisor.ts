// The primary's side of the gateway edges: forks the edge processes that hold the viewer sockets
// (SO_REUSEPORT on one port: the kernel spreads connections over them), relays each diff once per edge
// that watches its event, answers their calls from the node's EventService and rate limiter, and
// starts a new edge when one dies. Actors and their state stay in the primary, single-writer.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { QueuePush } from '../../protocol';
import type { DiffPush, EventFeed, EventService, Outcome } from '../actor/event-service';
import { failureOf } from '../gateway/failure-of';
import type { UserRateLimiter } from '../gateway/user-rate-limiter';
import type { EdgeInit, EdgeOp, FromEdge, ToEdge } from './edge-protocol';

const EDGE_SCRIPT = fileURLToPath(new URL('./edge-main.ts', import.meta.url));
/** How long an edge may take to start serving. */
const START_TIMEOUT_MS = 60_000;
/** How long closing waits for an edge to exit before it is killed. */
const CLOSE_TIMEOUT_MS = 5_000;
/** Wait before replacing an edge that died, so a crash loop does not spin. */
const RESTART_DELAY_MS = 1_000;

/** What the supervisor serves edges from. */
export interface EdgeSupervisorDeps {
  count: number;
  service: EventService;
  userLimiter: UserRateLimiter;
  log: Logger;
  /** The init message without its index and port (the same for every edge). */
  init: Omit<EdgeInit, 'type' | 'index' | 'port' | 'internalPort'>;
}

interface Edge {
  index: number;
  child: ChildProcess;
  /** Events whose diffs this edge receives. */
  events: Set<string>;
  exited: Promise<void>;
}

/** Runs and feeds a node's gateway edges. */
export class EdgeSupervisor implements EventFeed {
  private readonly edges: (Edge | null)[] = [];
  private port = 0;
  private internalPort = 0;
  private closing = false;

  constructor(private readonly deps: EdgeSupervisorDeps) {}

  /**
   * Starts every edge on `host:port` (port 0: the first edge picks one), proxying HTTP to the primary's
   * `internalPort`; resolves with the port they serve.
   */
  async start(port: number, internalPort: number): Promise<number> {
    this.port = port;
    this.internalPort = internalPort;
    await this.spawn(0);
    await Promise.all(Array.from({ length: this.deps.count - 1 }, (_, i) => this.spawn(i + 1)));
    return this.port;
  }

  diff(eventId: string, diff: DiffPush): void {
    for (const edge of this.edges) if (edge?.events.has(eventId)) this.send(edge, { type: 'diff', eventId, diff });
  }

  expired(userId: string, eventId: string, holdId: string): void {
    for (const edge of this.edges) if (edge) this.send(edge, { type: 'expired', userId, eventId, holdId });
  }

  queue(userId: string, message: QueuePush): void {
    for (const edge of this.edges) if (edge) this.send(edge, { type: 'queue', userId, message });
  }

  /** Edges that watch `eventId` (the primary keeps its replica while any does). */
  watchers(eventId: string): number {
    let count = 0;
    for (const edge of this.edges) if (edge?.events.has(eventId)) count++;
    return count;
  }

  /** Every edge stops accepting connections. */
  stopListening(): void {
    for (const edge of this.edges) if (edge) this.send(edge, { type: 'stop-listening' });
  }

  /** Every edge closes its connections (1001) and exits; killed if it does not in time. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.edges.map(async (edge) => {
        if (!edge) return;
        this.send(edge, { type: 'close' });
        const timer = setTimeout(() => edge.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
        await edge.exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawn(index: number): Promise<void> {
    // The edge runs TypeScript like the primary: inherit its loader (tsx), never a debugger port.
    const inherited = process.execArgv.filter((arg) => !arg.startsWith('--inspect'));
    const execArgv = inherited.some((arg) => arg.includes('tsx')) ? inherited : [...inherited, '--import', 'tsx'];
    const child = fork(EDGE_SCRIPT, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const edge: Edge = { index, child, events: new Set(), exited };
    this.edges[index] = edge;
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway edge ${index} did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.on('message', (message: FromEdge) => {
        if (message.type === 'listening') {
          clearTimeout(timer);
          if (this.port === 0) this.port = message.port;
          resolve();
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`gateway edge ${index}: ${message.message}`));
        } else {
          void this.answer(edge, message.id, message.op, message.eventId, message.args);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`gateway edge ${index} exited (code ${child.exitCode}, signal ${child.signalCode})`));
      });
    });
    void exited.then(() => this.onExit(edge));
    this.send(edge, { type: 'init', index, port: this.port, internalPort: this.internalPort, ...this.deps.init });
    return started;
  }

  private onExit(edge: Edge): void {
    if (this.edges[edge.index] !== edge) return;
    this.edges[edge.index] = null;
    if (this.closing) return;
    // Its viewers saw their sockets close and reconnect to the other edges; a new edge takes its place.
    this.deps.log.error({ edge: edge.index, code: edge.child.exitCode, signal: edge.child.signalCode }, 'gateway edge exited; starting another');
    setTimeout(() => {
      if (this.closing) return;
      this.spawn(edge.index).catch((error: unknown) => this.deps.log.error({ err: error, edge: edge.index }, 'gateway edge did not restart'));
    }, RESTART_DELAY_MS).unref();
  }

  private async answer(edge: Edge, id: number, op: EdgeOp, eventId: string, args: unknown[]): Promise<void> {
    let outcome: Outcome<unknown>;
    try {
      outcome = await this.perform(edge, op, eventId, args);
    } catch (error) {
      const known = failureOf(error);
      if (!known) this.deps.log.error({ err: error, op, eventId, edge: edge.index }, 'gateway edge call failed');
      outcome = { ok: false, error: known ?? { code: 'internal', message: 'internal error' } };
    }
    this.send(edge, { type: 'reply', id, outcome });
  }

  private async perform(edge: Edge, op: EdgeOp, eventId: string, args: unknown[]): Promise<Outcome<unknown>> {
    switch (op) {
      case 'subscribe':
        edge.events.add(eventId);
        return { ok: true, value: null };
      case 'unsubscribe':
        edge.events.delete(eventId);
        return { ok: true, value: null };
      case 'admit':
        return { ok: true, value: await this.deps.userLimiter.admit(String(args[0])) };
      default: {
        // `snapshot` is the node's viewer snapshot: its replica, fed by the same stream of diffs this
        // supervisor relays, so an edge's replica loaded from it misses nothing and skips nothing.
        const method = this.deps.service[op] as (eventId: string, ...rest: unknown[]) => Promise<Outcome<unknown>>;
        return method.call(this.deps.service, eventId, ...args);
      }
    }
  }

  private send(edge: Edge, message: ToEdge): void {
    if (edge.child.connected) edge.child.send(message);
  }
}
