// The WebSocket edge: decode, validate, authorize and rate-limit each frame, hand it to the event
// service, and encode the reply in the frame's own encoding. Pushes (diffs, expiries, stats) travel
// through uWS topics, one per event and encoding, so each diff is encoded once per encoding.
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, WebSocketBehavior, us_socket_context_t } from 'uWebSockets.js';
import type { Logger } from 'pino';
import type { ClientMessage, Codec, Encoding } from '../../protocol';
import { jsonCodec, msgpackCodec, parseClientMessage } from '../../protocol';
import type { EventService, Failure, Outcome } from '../actor/event-service';
import type { Auth, Identity, Role } from './auth';
import { hasRole } from './auth';
import type { Metrics } from '../observability/metrics';
import { failureOf } from './failure-of';
import { ConnectionLimits, clientAddress } from './connection-limits';
import { SlowConsumerGuard } from './slow-consumer-guard';
import { TokenBucket } from './token-bucket';
import type { UserRateLimiter } from './user-rate-limiter';
import type { TopicFeed } from './topic-feed';
import { diffTopic, statsTopic, userTopic } from './topic-feed';

/** Per-connection state, kept as the uWS user data. */
export interface Connection {
  id: number;
  userId: string | null;
  role: Role;
  /** The encoding of pushes: that of the first frame; JSON until then. */
  encoding: Encoding | null;
  subscriptions: Set<string>;
  watching: Set<string>;
  closed: boolean;
  bucket: TokenBucket;
  /** The client address the connection is counted under (see clientAddress). */
  ip: string;
  /** Seat commands waiting for the per-user rate limit, in arrival order. */
  gate: Promise<void>;
}

/** Limits of the edge. */
export interface WsLimits {
  /** CONTRACT.md: frames over 64 KiB close the connection with 1009. */
  maxPayloadBytes: number;
  /**
   * What uWS itself accepts. uWS cuts a connection whose frame exceeds its own limit without a close
   * frame (the client sees 1006), so it is set above `maxPayloadBytes` and the gateway sends 1009 for
   * frames in between; only a frame over this hard cap is cut abruptly. Kept small because uWS
   * buffers a whole frame per connection before the message handler runs.
   */
  hardPayloadBytes: number;
  /** Bytes a connection may have unsent before it is dropped as a slow consumer. */
  maxBackpressureBytes: number;
  /** Events one connection may subscribe to at once. */
  maxSubscriptions: number;
  /** Token bucket per connection: sustained requests per second and burst. */
  ratePerSecond: number;
  rateBurst: number;
  /** Open connections per client address and per user on this node (0: no cap). */
  maxConnectionsPerIp: number;
  maxConnectionsPerUser: number;
  /** Bytes all connections together may have unsent before the largest are dropped (slow-consumer-guard.ts). */
  bufferBudgetBytes: number;
  /** Connections buffering less than this are never dropped for the budget. */
  slowConsumerFloorBytes: number;
  /** How often every connection's buffer is checked (pushes go through topics, never past `reply`). */
  sweepIntervalMs: number;
}

/** Defaults sized for seat-map clients: a snapshot of 100,000 seats is ~100 KB. */
export const DEFAULT_WS_LIMITS: WsLimits = {
  maxPayloadBytes: 64 * 1024,
  hardPayloadBytes: 256 * 1024,
  maxBackpressureBytes: 4 * 1024 * 1024,
  maxSubscriptions: 32,
  ratePerSecond: 2000,
  rateBurst: 4000,
  // Off by default: thousands of buyers may share one carrier-grade NAT or office proxy (SECURITY.md).
  maxConnectionsPerIp: 0,
  // A person with many tabs, plus connections of a reconnect not yet timed out (idleTimeout 120 s).
  maxConnectionsPerUser: 16,
  bufferBudgetBytes: 256 * 1024 * 1024,
  slowConsumerFloorBytes: 16 * 1024,
  sweepIntervalMs: 250,
};

type Socket = WebSocket<Connection>;
type Rid = string | number | undefined;

/** Everything the WebSocket edge needs. */
export interface WsGatewayDeps {
  app: TemplatedApp;
  feed: TopicFeed;
  service: EventService;
  auth: Auth;
  metrics: Metrics;
  log: Logger;
  limits?: Partial<WsLimits>;
  clock?: () => number;
  /** Seat commands per user over all their connections (and nodes); none: per-connection limits only. */
  userLimiter?: UserRateLimiter;
  /** Count connections by the last X-Forwarded-For entry (behind a proxy that appends it). */
  trustProxy?: boolean;
}

type SeatCommand = Extract<ClientMessage, { type: 'hold' | 'release' | 'extend' | 'buy' }>;

/** The requests the per-user rate limit applies to: those that change seats. */
function isSeatCommand(message: ClientMessage): message is SeatCommand {
  return message.type === 'hold' || message.type === 'release' || message.type === 'extend' || message.type === 'buy';
}

/** Serves `/ws`. */
export class WsGateway {
  private nextId = 1;
  private readonly sockets = new Set<Socket>();
  private readonly watched = new Map<string, number>();
  private readonly limits: WsLimits;
  private readonly now: () => number;
  private statsTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly connectionLimits: ConnectionLimits;
  private readonly slowConsumers: SlowConsumerGuard<Socket>;

  constructor(private readonly deps: WsGatewayDeps) {
    this.limits = { ...DEFAULT_WS_LIMITS, ...deps.limits };
    this.now = deps.clock ?? Date.now;
    this.connectionLimits = new ConnectionLimits({ perIp: this.limits.maxConnectionsPerIp, perUser: this.limits.maxConnectionsPerUser });
    this.slowConsumers = new SlowConsumerGuard<Socket>(
      { perSocketBytes: this.limits.maxBackpressureBytes, totalBytes: this.limits.bufferBudgetBytes, floorBytes: this.limits.slowConsumerFloorBytes },
      this.sockets,
      (ws) => this.dropSlowConsumer(ws),
    );
  }

  /** Attaches `/ws` to the app and starts the stats pushes. */
  attach(): void {
    const behavior: WebSocketBehavior<Connection> = {
      maxPayloadLength: Math.max(this.limits.hardPayloadBytes, this.limits.maxPayloadBytes),
      maxBackpressure: this.limits.maxBackpressureBytes,
      // uWS would cut such a socket without telling us: the guard closes it, and counts it.
      closeOnBackpressureLimit: 0,
      idleTimeout: 120,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (ws) => {
        this.sockets.add(ws);
        this.deps.metrics.connections.inc();
      },
      message: (ws, data, isBinary) => {
        // A throw would escape into uWS and end the process: any bug in handling one frame is that
        // frame's `internal` error, never every client's outage.
        try {
          this.onMessage(ws, data, isBinary);
        } catch (error) {
          this.internal(ws, isBinary ? msgpackCodec : jsonCodec, 'frame', undefined, error);
        }
      },
      close: (ws) => this.onClose(ws),
    };
    this.deps.app.ws('/ws', behavior);
    this.statsTimer = setInterval(() => void this.pushStats(), 1000);
    this.statsTimer.unref();
    this.sweepTimer = setInterval(() => this.slowConsumers.sweep(), this.limits.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Closes every connection with `code` (1001 going away on shutdown). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const ws of [...this.sockets]) {
      if (!ws.getUserData().closed) ws.end(code, reason);
    }
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  // ------------------------------------------------------------------ connection lifecycle

  private upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void {
    // Everything from `req` must be read now: it is gone after the first await.
    const key = req.getHeader('sec-websocket-key');
    const protocol = req.getHeader('sec-websocket-protocol');
    const extensions = req.getHeader('sec-websocket-extensions');
    const token = req.getQuery('token');
    const ip = clientAddress(Buffer.from(res.getRemoteAddressAsText()).toString(), req.getHeader('x-forwarded-for'), this.deps.trustProxy ?? false);
    const state = { aborted: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    const accept = (identity: Identity | null): void => {
      if (state.aborted) return;
      const refusal = this.connectionLimits.open(ip, identity?.userId ?? null);
      if (refusal) {
        this.deps.metrics.connectionsRefused.inc({ reason: refusal === 'ip' ? 'per_ip' : 'per_user' });
        const message = refusal === 'ip' ? 'too many connections from this address' : 'too many connections for this user';
        res.cork(() => {
          res.writeStatus('429 Too Many Requests').writeHeader('content-type', 'application/json');
          res.end(JSON.stringify({ error: { code: 'rate_limited', message } }));
        });
        return;
      }
      const connection: Connection = {
        id: this.nextId++,
        userId: identity?.userId ?? null,
        role: identity?.role ?? 'guest',
        encoding: null,
        subscriptions: new Set(),
        watching: new Set(),
        closed: false,
        bucket: new TokenBucket(this.limits.ratePerSecond, this.limits.rateBurst, this.now),
        ip,
        gate: Promise.resolve(),
      };
      res.cork(() => res.upgrade(connection, key, protocol, extensions, context));
    };
    if (!token) {
      accept(null);
      return;
    }
    void this.deps.auth.verify(token).then((identity) => {
      if (identity) return accept(identity);
      if (state.aborted) return;
      this.deps.metrics.connectionsRefused.inc({ reason: 'unauthorized' });
      res.cork(() => {
        res.writeStatus('401 Unauthorized').writeHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'invalid or expired token' } }));
      });
    });
  }

  private onClose(ws: Socket): void {
    const conn = ws.getUserData();
    conn.closed = true;
    this.sockets.delete(ws);
    this.connectionLimits.close(conn.ip, conn.userId);
    this.deps.metrics.connections.dec();
    for (const eventId of conn.watching) this.unwatch(eventId);
  }

  private onMessage(ws: Socket, data: ArrayBuffer, isBinary: boolean): void {
    const conn = ws.getUserData();
    if (data.byteLength > this.limits.maxPayloadBytes) {
      conn.closed = true;
      ws.end(1009, 'frame too large');
      return;
    }
    const codec = isBinary ? msgpackCodec : jsonCodec;
    if (conn.encoding === null) this.setEncoding(ws, conn, codec.encoding);
    let value: unknown;
    try {
      // `data` is only valid during this callback: decode now.
      value = codec.decode(isBinary ? new Uint8Array(data) : data);
    } catch {
      this.reply(ws, codec, { type: 'error', code: 'bad_request', message: 'the frame could not be decoded' });
      return;
    }
    const parsed = parseClientMessage(value);
    if (!parsed.ok) {
      this.count('invalid', 'bad_request');
      this.reply(ws, codec, withRid({ type: 'error', code: 'bad_request', message: parsed.message }, parsed.rid));
      return;
    }
    const message = parsed.message;
    if (!conn.bucket.take()) {
      this.deps.metrics.rateLimited.inc({ scope: 'connection' });
      this.fail(ws, codec, message.type, message.rid, { code: 'rate_limited', message: 'too many requests; slow down' });
      return;
    }
    const { userLimiter } = this.deps;
    const userId = conn.userId;
    if (userLimiter && userId && isSeatCommand(message)) {
      // Chained per connection, so a user's commands reach the actor in the order they were sent.
      conn.gate = conn.gate
        .then(() => userLimiter.admit(userId))
        .then((admitted) => {
          if (conn.closed) return;
          if (admitted) return void this.timedDispatch(ws, conn, codec, message);
          this.deps.metrics.rateLimited.inc({ scope: 'user' });
          this.fail(ws, codec, message.type, message.rid, { code: 'rate_limited', message: 'too many requests from this user; slow down' });
        })
        .catch((error: unknown) => this.internal(ws, codec, message.type, message.rid, error, message.eventId));
      return;
    }
    this.timedDispatch(ws, conn, codec, message);
  }

  private timedDispatch(ws: Socket, conn: Connection, codec: Codec, message: ClientMessage): void {
    const started = performance.now();
    const done = this.dispatch(ws, conn, codec, message);
    if (done) {
      void done.then(() => this.deps.metrics.timeRequest(message.type, (performance.now() - started) / 1000));
    }
  }

  private setEncoding(ws: Socket, conn: Connection, encoding: Encoding): void {
    conn.encoding = encoding;
    if (conn.userId) ws.subscribe(userTopic(conn.userId, encoding));
  }

  // ------------------------------------------------------------------ requests

  private dispatch(ws: Socket, conn: Connection, codec: Codec, message: ClientMessage): Promise<void> | undefined {
    const rid = message.rid;
    switch (message.type) {
      case 'ping':
        this.reply(ws, codec, withRid({ type: 'pong', now: this.now() }, rid));
        this.count('ping', 'ok');
        return undefined;
      case 'auth':
        return this.authenticate(ws, conn, codec, message.token, rid);
      case 'subscribe':
        return this.subscribe(ws, conn, codec, message.eventId, rid);
      case 'unsubscribe': {
        ws.unsubscribe(diffTopic(message.eventId, conn.encoding ?? 'json'));
        conn.subscriptions.delete(message.eventId);
        this.reply(ws, codec, withRid({ type: 'unsubscribed', eventId: message.eventId }, rid));
        this.count('unsubscribe', 'ok');
        return undefined;
      }
      case 'watch':
        return this.watch(ws, conn, codec, message.eventId, rid);
      case 'hold':
      case 'release':
      case 'extend':
      case 'buy':
        return this.command(ws, conn, codec, message);
      default: {
        const never: never = message;
        this.reply(ws, codec, { type: 'error', code: 'bad_request', message: `unknown message ${(never as { type: string }).type}` });
        return undefined;
      }
    }
  }

  private async command(
    ws: Socket,
    conn: Connection,
    codec: Codec,
    message: Extract<ClientMessage, { type: 'hold' | 'release' | 'extend' | 'buy' }>,
  ): Promise<void> {
    const userId = conn.userId;
    if (!userId || !hasRole(conn.role, 'customer')) {
      this.fail(ws, codec, message.type, message.rid, { code: 'unauthorized', message: 'sign in to hold or buy seats' });
      return;
    }
    const service = this.deps.service;
    const { eventId, rid } = message;
    try {
      switch (message.type) {
        case 'hold': {
          const request =
            message.seats !== undefined
              ? { kind: 'seats' as const, seats: message.seats }
              : message.best !== undefined
                ? { kind: 'best' as const, best: message.best }
                : { kind: 'area' as const, areaId: message.area!.id, count: message.area!.count };
          const outcome = await service.hold(eventId, userId, request, message.holdId);
          this.answer(ws, codec, 'hold', rid, outcome, (v) => ({ type: 'held', eventId, ...v }));
          return;
        }
        case 'release': {
          const outcome = await service.release(eventId, userId, message.holdId, message.seats, message.areas);
          this.answer(ws, codec, 'release', rid, outcome, (v) => ({ type: 'released', eventId, ...v }));
          return;
        }
        case 'extend': {
          const outcome = await service.extend(eventId, userId, message.holdId);
          this.answer(ws, codec, 'extend', rid, outcome, (v) => ({ type: 'held', eventId, ...v }));
          return;
        }
        case 'buy': {
          const outcome = await service.buy(eventId, userId, message.holdId, message.idempotencyKey);
          this.answer(ws, codec, 'buy', rid, outcome, (v) => ({ type: 'order', eventId, ...v }));
          return;
        }
      }
    } catch (error) {
      this.internal(ws, codec, message.type, rid, error, eventId);
    }
  }

  private async authenticate(ws: Socket, conn: Connection, codec: Codec, token: string, rid: Rid): Promise<void> {
    const identity = await this.deps.auth.verify(token);
    if (conn.closed) return;
    if (!identity) {
      // A failed auth leaves the connection's identity as it was (CONTRACT.md).
      this.fail(ws, codec, 'auth', rid, { code: 'unauthorized', message: 'invalid or expired token' });
      return;
    }
    if (!this.connectionLimits.switchUser(conn.userId, identity.userId)) {
      this.deps.metrics.connectionsRefused.inc({ reason: 'per_user' });
      this.fail(ws, codec, 'auth', rid, { code: 'rate_limited', message: 'too many connections for this user' });
      return;
    }
    if (conn.userId && conn.encoding) ws.unsubscribe(userTopic(conn.userId, conn.encoding));
    conn.userId = identity.userId;
    conn.role = identity.role;
    if (conn.encoding) ws.subscribe(userTopic(identity.userId, conn.encoding));
    this.cork(ws, () => this.reply(ws, codec, withRid({ type: 'authed', userId: identity.userId, role: identity.role }, rid)));
    this.count('auth', 'ok');
  }

  private async subscribe(ws: Socket, conn: Connection, codec: Codec, eventId: string, rid: Rid): Promise<void> {
    if (!conn.subscriptions.has(eventId) && conn.subscriptions.size >= this.limits.maxSubscriptions) {
      this.fail(ws, codec, 'subscribe', rid, {
        code: 'limit_exceeded',
        message: `at most ${this.limits.maxSubscriptions} subscriptions per connection`,
      });
      return;
    }
    try {
      const outcome = await this.deps.service.snapshot(eventId);
      if (conn.closed) return;
      if (!outcome.ok) {
        this.fail(ws, codec, 'subscribe', rid, outcome.error);
        return;
      }
      const snapshot = outcome.value;
      // The snapshot and the topic subscription happen in one synchronous block, so no diff can be
      // published between them: the first diff this socket gets is seq + 1.
      this.cork(ws, () => {
        this.reply(ws, codec, withRid({ type: 'snapshot', eventId, ...snapshot }, rid));
        ws.subscribe(diffTopic(eventId, conn.encoding ?? 'json'));
      });
      conn.subscriptions.add(eventId);
      this.count('subscribe', 'ok');
    } catch (error) {
      this.internal(ws, codec, 'subscribe', rid, error, eventId);
    }
  }

  private async watch(ws: Socket, conn: Connection, codec: Codec, eventId: string, rid: Rid): Promise<void> {
    if (!hasRole(conn.role, 'staff')) {
      this.fail(ws, codec, 'watch', rid, { code: conn.userId ? 'forbidden' : 'unauthorized', message: 'staff only' });
      return;
    }
    try {
      const outcome = await this.deps.service.stats(eventId);
      if (conn.closed) return;
      if (!outcome.ok) {
        this.fail(ws, codec, 'watch', rid, outcome.error);
        return;
      }
      this.cork(ws, () => {
        this.reply(ws, codec, withRid({ type: 'stats', eventId, ...outcome.value, viewers: this.deps.feed.viewers(eventId) }, rid));
        ws.subscribe(statsTopic(eventId, conn.encoding ?? 'json'));
      });
      if (!conn.watching.has(eventId)) {
        conn.watching.add(eventId);
        this.watched.set(eventId, (this.watched.get(eventId) ?? 0) + 1);
      }
      this.count('watch', 'ok');
    } catch (error) {
      this.internal(ws, codec, 'watch', rid, error, eventId);
    }
  }

  private unwatch(eventId: string): void {
    const left = (this.watched.get(eventId) ?? 1) - 1;
    if (left <= 0) this.watched.delete(eventId);
    else this.watched.set(eventId, left);
  }

  /** Once a second: one stats message per watched event, encoded once per encoding. */
  private async pushStats(): Promise<void> {
    for (const eventId of this.watched.keys()) {
      try {
        const outcome = await this.deps.service.stats(eventId);
        if (!outcome.ok) continue;
        const message = { type: 'stats' as const, eventId, ...outcome.value, viewers: this.deps.feed.viewers(eventId) };
        this.deps.feed.publish((enc) => statsTopic(eventId, enc), message);
      } catch (error) {
        this.deps.log.error({ err: error, eventId }, 'stats push failed');
      }
    }
  }

  // ------------------------------------------------------------------ replies

  private answer<T>(ws: Socket, codec: Codec, type: string, rid: Rid, outcome: Outcome<T>, build: (value: T) => object): void {
    if (outcome.ok) {
      this.count(type, 'ok');
      this.cork(ws, () => this.reply(ws, codec, withRid(build(outcome.value), rid)));
    } else {
      this.fail(ws, codec, type, rid, outcome.error);
    }
  }

  private fail(ws: Socket, codec: Codec, type: string, rid: Rid, error: Failure): void {
    this.count(type, error.code);
    const { code, message, seats } = error;
    const reply = seats ? { type: 'error', code, message, seats } : { type: 'error', code, message };
    this.cork(ws, () => this.reply(ws, codec, withRid(reply, rid)));
  }

  private internal(ws: Socket, codec: Codec, type: string, rid: Rid, error: unknown, eventId?: string): void {
    const known = failureOf(error);
    const { id, userId } = ws.getUserData();
    // The request id of a frame is the connection's id and the client's rid.
    const fields = { err: error, type, eventId, conn: id, rid, userId };
    if (known) {
      this.deps.log.warn(fields, 'request failed');
      this.fail(ws, codec, type, rid, known);
      return;
    }
    this.deps.metrics.errors.inc({ context: `ws.${type}` });
    this.deps.log.error(fields, 'request failed');
    // Never a stack trace to a client.
    this.fail(ws, codec, type, rid, { code: 'internal', message: 'internal error' });
  }

  private count(type: string, outcome: string): void {
    this.deps.metrics.countRequest(type, outcome);
  }

  private cork(ws: Socket, fn: () => void): void {
    if (ws.getUserData().closed) return;
    ws.cork(fn);
  }

  private reply(ws: Socket, codec: Codec, message: object): void {
    if (ws.getUserData().closed) return;
    // A client that stops reading is dropped at its backpressure limit, never buffered without bound.
    const frame = codec.encode(message);
    const status = ws.send(frame, codec.encoding === 'msgpack');
    this.slowConsumers.afterSend(ws, status, frame.length);
  }

  private dropSlowConsumer(ws: Socket): void {
    const conn = ws.getUserData();
    if (conn.closed) return;
    const buffered = ws.getBufferedAmount();
    this.deps.metrics.slowConsumersDropped.inc();
    this.deps.log.info({ conn: conn.id, userId: conn.userId, ip: conn.ip, buffered }, 'dropped a slow consumer');
    conn.closed = true;
    // Closed at once, without a close frame: the frame would queue behind the data the client is not
    // reading, and a graceful end keeps that buffer until uWS's closing timeout (measured with 1,000
    // stalled clients: +1.6 GB of RSS against +130 MB). The client sees 1006 and reconnects.
    ws.close();
  }
}

/** Adds the request's rid to a reply built for it (replies are fresh objects: no copy needed). */
function withRid<T extends object>(message: T, rid: Rid): T & { rid?: string | number } {
  if (rid !== undefined) (message as T & { rid?: string | number }).rid = rid;
  return message;
}
