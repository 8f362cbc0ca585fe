// The WebSocket edge: decode, validate, authorize and rate-limit each frame, hand it to the event
// service, and encode the reply in the frame's own encoding. Pushes (diffs, stats) travel through uWS
// topics, one per event and encoding, so each diff is encoded once per encoding; a user's own pushes
// (expiries, queue positions) go to the user's sockets (the feed's `users`).
//
// The parts: ws-upgrade.ts (tokens and connection caps before a socket exists), ws-seat-commands.ts
// (hold, release, extend, buy), ws-stats-watch.ts (staff's watch and stats pushes), ws-replies.ts
// (encoding, counting and error replies), ws-limits.ts, ws-connection.ts (per-connection state).
import type { TemplatedApp, WebSocketBehavior } from './native-uws';
import type { Logger } from 'pino';
import type { ClientMessage, Codec, Encoding, SnapshotPacking } from '../../protocol';
import { jsonCodec, msgpackCodec, parseClientMessage } from '../../protocol';
import type { EventService } from '../actor/event-service';
import type { Auth } from './auth';
import { hasRole } from './auth';
import type { Metrics } from '../observability/metrics';
import { ConnectionLimits } from './connection-limits';
import { SlowConsumerGuard } from './slow-consumer-guard';
import type { UserRateLimiter } from './user-rate-limiter';
import type { TopicFeed } from './topic-feed';
import { diffTopic } from './topic-feed';
import type { Connection, Rid, Socket } from './ws-connection';
import { withRid } from './ws-connection';
import type { WsLimits } from './ws-limits';
import { DEFAULT_WS_LIMITS } from './ws-limits';
import { WsReplies } from './ws-replies';
import { runQueueCommand } from './ws-queue-commands';
import { isSeatCommand, runHoldsQuery, runSeatCommand } from './ws-seat-commands';
import { StatsWatch } from './ws-stats-watch';
import type { ViewerCounter } from './viewer-tally';
import type { CheckInCounts } from './check-in-counts';
import { upgradeConnection } from './ws-upgrade';

/** Frames refused in a row, in bursts of the connection's limit, before the connection is closed (1008). */
const REFUSALS_BEFORE_CLOSE = 2;
/** Seat commands one connection may have waiting on the per-user limit (a slow Redis must not queue a flood). */
const MAX_WAITING_COMMANDS = 64;

export type { Connection } from './ws-connection';
export type { WsLimits } from './ws-limits';
export { DEFAULT_WS_LIMITS } from './ws-limits';

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
  /** Viewers over the cluster for `stats`; none: this node's. */
  viewerCounter?: ViewerCounter;
  /** Check-ins per event for `stats`; none (a gateway edge): `stats` carry no `checkedIn`. */
  checkIns?: CheckInCounts;
}

/** Serves `/ws`. */
export class WsGateway {
  private nextId = 1;
  private readonly sockets = new Set<Socket>();
  /** The sockets whose identity expires (a token's `exp`): the only ones the expiry sweep looks at. */
  private readonly expiring = new Set<Socket>();
  private readonly limits: WsLimits;
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly connectionLimits: ConnectionLimits;
  private readonly slowConsumers: SlowConsumerGuard<Socket>;
  private readonly replies: WsReplies;
  private readonly stats: StatsWatch;

  constructor(private readonly deps: WsGatewayDeps) {
    this.limits = { ...DEFAULT_WS_LIMITS, ...deps.limits };
    this.now = deps.clock ?? Date.now;
    this.connectionLimits = new ConnectionLimits({ perIp: this.limits.maxConnectionsPerIp, perUser: this.limits.maxConnectionsPerUser });
    this.slowConsumers = new SlowConsumerGuard<Socket>(
      { perSocketBytes: this.limits.maxBackpressureBytes, totalBytes: this.limits.bufferBudgetBytes, floorBytes: this.limits.slowConsumerFloorBytes },
      this.sockets,
      (ws) => this.dropSlowConsumer(ws),
    );
    this.replies = new WsReplies({
      metrics: deps.metrics,
      log: deps.log,
      afterSend: (ws, status, bytes) => this.slowConsumers.afterSend(ws, status, bytes),
    });
    const counter = deps.viewerCounter;
    this.stats = new StatsWatch({
      service: deps.service, feed: deps.feed, log: deps.log, replies: this.replies, viewers: counter && ((eventId) => counter.total(eventId)),
      checkIns: deps.checkIns,
    });
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
      upgrade: (res, req, context) =>
        upgradeConnection(res, req, context, {
          auth: this.deps.auth,
          metrics: this.deps.metrics,
          limits: this.limits,
          connectionLimits: this.connectionLimits,
          now: this.now,
          nextId: () => this.nextId++,
          trustProxy: this.deps.trustProxy ?? false,
        }),
      open: (ws) => {
        this.sockets.add(ws);
        if (ws.getUserData().expiresAt !== Infinity) this.expiring.add(ws);
        this.deps.metrics.connections.inc();
      },
      message: (ws, data, isBinary) => {
        // A throw would escape into uWS and end the process: any bug in handling one frame is that
        // frame's `internal` error, never every client's outage.
        try {
          this.onMessage(ws, data, isBinary);
        } catch (error) {
          this.replies.internal(ws, isBinary ? msgpackCodec : jsonCodec, 'frame', undefined, error);
        }
      },
      close: (ws) => this.onClose(ws),
    };
    this.deps.app.ws('/ws', behavior);
    this.stats.start();
    this.sweepTimer = setInterval(() => {
      this.slowConsumers.sweep();
      this.demoteExpired();
    }, this.limits.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Closes every connection with `code` (1001 going away on shutdown). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    this.stats.stop();
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

  private onClose(ws: Socket): void {
    const conn = ws.getUserData();
    conn.closed = true;
    this.sockets.delete(ws);
    this.expiring.delete(ws);
    this.connectionLimits.close(conn.ip, conn.userId);
    if (conn.userId) this.deps.feed.users.remove(conn.userId, ws);
    this.deps.metrics.connections.dec();
    for (const eventId of conn.watching ?? []) this.stats.unwatch(eventId);
  }

  private onMessage(ws: Socket, data: ArrayBuffer, isBinary: boolean): void {
    const conn = ws.getUserData();
    if (data.byteLength > this.limits.maxPayloadBytes) {
      conn.closed = true;
      ws.end(1009, 'frame too large');
      return;
    }
    // Every frame costs a token before it is decoded, so a flood of malformed frames is limited too; a
    // client that keeps sending while refused is closed instead of costing a decode per frame.
    const allowed = conn.bucket.take();
    if (allowed) conn.refused = 0;
    else if (++conn.refused > REFUSALS_BEFORE_CLOSE * this.limits.rateBurst) {
      this.deps.metrics.rateLimited.inc({ scope: 'connection' });
      conn.closed = true;
      ws.end(1008, 'rate limit exceeded');
      return;
    }
    const codec = isBinary ? msgpackCodec : jsonCodec;
    if (conn.encoding === null) this.setEncoding(ws, conn, codec.encoding);
    if (conn.expiresAt <= this.now()) this.demote(ws, conn);
    let value: unknown;
    try {
      // `data` is only valid during this callback: decode now.
      value = codec.decode(isBinary ? new Uint8Array(data) : data);
    } catch {
      this.replies.reply(ws, codec, { type: 'error', code: allowed ? 'bad_request' : 'rate_limited', message: 'the frame could not be decoded' });
      return;
    }
    const parsed = parseClientMessage(value);
    if (!parsed.ok) {
      this.replies.count('invalid', 'bad_request');
      this.replies.reply(ws, codec, withRid({ type: 'error', code: allowed ? 'bad_request' : 'rate_limited', message: parsed.message }, parsed.rid));
      return;
    }
    const message = parsed.message;
    if (!allowed) {
      this.deps.metrics.rateLimited.inc({ scope: 'connection' });
      this.replies.fail(ws, codec, message.type, message.rid, { code: 'rate_limited', message: 'too many requests; slow down' });
      return;
    }
    const { userLimiter } = this.deps;
    const userId = conn.userId;
    if (userLimiter && userId && isSeatCommand(message)) {
      // A limiter that decides in process, with none of this connection's commands waiting on it:
      // decided now, in order, with no promise.
      if (conn.waiting === 0 && userLimiter.admitNow) {
        if (userLimiter.admitNow(userId)) return this.timedDispatch(ws, conn, codec, message);
        return this.refuseUser(ws, codec, message);
      }
      if (conn.waiting >= MAX_WAITING_COMMANDS) {
        this.deps.metrics.rateLimited.inc({ scope: 'user' });
        this.replies.fail(ws, codec, message.type, message.rid, { code: 'rate_limited', message: 'too many requests waiting; slow down' });
        return;
      }
      conn.waiting++;
      // Chained per connection, so a user's commands reach the actor in the order they were sent.
      conn.gate = conn.gate
        .then(() => userLimiter.admit(userId))
        .finally(() => conn.waiting--)
        .then((admitted) => {
          if (conn.closed) return;
          if (admitted) return void this.timedDispatch(ws, conn, codec, message);
          this.refuseUser(ws, codec, message);
        })
        .catch((error: unknown) => this.replies.internal(ws, codec, message.type, message.rid, error, message.eventId));
      return;
    }
    this.timedDispatch(ws, conn, codec, message);
  }

  private refuseUser(ws: Socket, codec: Codec, message: ClientMessage): void {
    this.deps.metrics.rateLimited.inc({ scope: 'user' });
    this.replies.fail(ws, codec, message.type, message.rid, { code: 'rate_limited', message: 'too many requests from this user; slow down' });
  }

  private timedDispatch(ws: Socket, conn: Connection, codec: Codec, message: ClientMessage): void {
    const started = performance.now();
    const done = this.dispatch(ws, conn, codec, message);
    if (done) {
      void done.then(() => this.deps.metrics.timeRequest(message.type, (performance.now() - started) / 1000));
    } else {
      // Answered already (a ping, a refusal, a local actor's decision).
      this.deps.metrics.timeRequest(message.type, (performance.now() - started) / 1000);
    }
  }

  private setEncoding(ws: Socket, conn: Connection, encoding: Encoding): void {
    conn.encoding = encoding;
    if (conn.userId) this.deps.feed.users.add(conn.userId, ws);
  }

  // ------------------------------------------------------------------ requests

  private dispatch(ws: Socket, conn: Connection, codec: Codec, message: ClientMessage): Promise<void> | undefined {
    const rid = message.rid;
    switch (message.type) {
      case 'ping':
        this.replies.reply(ws, codec, withRid({ type: 'pong', now: this.now() }, rid));
        this.replies.count('ping', 'ok');
        return undefined;
      case 'auth':
        return this.authenticate(ws, conn, codec, message.token, rid);
      case 'subscribe':
        return this.subscribe(ws, conn, codec, message.eventId, message.encoding ?? 'bytes', rid);
      case 'unsubscribe': {
        ws.unsubscribe(diffTopic(message.eventId, conn.encoding ?? 'json'));
        conn.subscriptions = conn.subscriptions.filter((id) => id !== message.eventId);
        this.replies.reply(ws, codec, withRid({ type: 'unsubscribed', eventId: message.eventId }, rid));
        this.replies.count('unsubscribe', 'ok');
        return undefined;
      }
      case 'watch':
        return this.stats.watch(ws, conn, codec, message.eventId, rid);
      case 'hold':
      case 'release':
      case 'extend':
      case 'buy':
        return runSeatCommand(ws, conn, codec, message, this.deps.service, this.replies);
      case 'holds':
        return runHoldsQuery(ws, conn, codec, message, this.deps.service, this.replies);
      case 'join':
      case 'leave':
        return runQueueCommand(ws, conn, codec, message, this.deps.service, this.replies);
      default: {
        const never: never = message;
        this.replies.reply(ws, codec, { type: 'error', code: 'bad_request', message: `unknown message ${(never as { type: string }).type}` });
        return undefined;
      }
    }
  }

  private async authenticate(ws: Socket, conn: Connection, codec: Codec, token: string, rid: Rid): Promise<void> {
    const identity = await this.deps.auth.verify(token);
    if (conn.closed) return;
    if (!identity) {
      // A failed auth leaves the connection's identity as it was (docs/protocol.md).
      this.replies.fail(ws, codec, 'auth', rid, { code: 'unauthorized', message: 'invalid or expired token' });
      return;
    }
    if (!this.connectionLimits.switchUser(conn.userId, identity.userId)) {
      this.deps.metrics.connectionsRefused.inc({ reason: 'per_user' });
      this.replies.fail(ws, codec, 'auth', rid, { code: 'rate_limited', message: 'too many connections for this user' });
      return;
    }
    if (conn.userId) this.deps.feed.users.remove(conn.userId, ws);
    conn.userId = identity.userId;
    conn.role = identity.role;
    conn.expiresAt = identity.expiresAt ?? Infinity;
    if (conn.expiresAt === Infinity) this.expiring.delete(ws);
    else this.expiring.add(ws);
    // A lower role keeps nothing of the higher one: no more staff pushes.
    if (!hasRole(identity.role, 'staff')) this.stats.unwatchAll(ws, conn);
    if (conn.encoding) this.deps.feed.users.add(identity.userId, ws);
    this.replies.cork(ws, () => this.replies.reply(ws, codec, withRid({ type: 'authed', userId: identity.userId, role: identity.role }, rid)));
    this.replies.count('auth', 'ok');
  }

  private async subscribe(ws: Socket, conn: Connection, codec: Codec, eventId: string, packing: SnapshotPacking, rid: Rid): Promise<void> {
    if (!conn.subscriptions.includes(eventId) && conn.subscriptions.length >= this.limits.maxSubscriptions) {
      this.replies.fail(ws, codec, 'subscribe', rid, {
        code: 'limit_exceeded',
        message: `at most ${this.limits.maxSubscriptions} subscriptions per connection`,
      });
      return;
    }
    try {
      const outcome = await this.deps.service.snapshot(eventId);
      if (conn.closed) return;
      if (!outcome.ok) {
        this.replies.fail(ws, codec, 'subscribe', rid, outcome.error);
        return;
      }
      // Encoded once per published state and shared by its subscribers (snapshot-frames.ts); read
      // synchronously here, before the state can move on.
      const frame = this.deps.feed.snapshots.frame(eventId, outcome.value, codec.encoding, packing, rid);
      // The snapshot and the topic subscription happen in one synchronous block, so no diff can be
      // published between them: the first diff this socket gets is seq + 1.
      this.replies.cork(ws, () => {
        this.replies.send(ws, frame, codec.encoding === 'msgpack');
        ws.subscribe(diffTopic(eventId, conn.encoding ?? 'json'));
      });
      if (!conn.subscriptions.includes(eventId)) conn.subscriptions = [...conn.subscriptions, eventId];
      this.replies.count('subscribe', 'ok');
    } catch (error) {
      this.replies.internal(ws, codec, 'subscribe', rid, error, eventId);
    }
  }

  /** The token behind the connection's identity expired: it is a guest again (public diffs only), and is told so. */
  private demote(ws: Socket, conn: Connection): void {
    if (conn.userId === null) return;
    this.deps.feed.users.remove(conn.userId, ws);
    this.connectionLimits.leaveUser(conn.userId);
    this.stats.unwatchAll(ws, conn);
    conn.userId = null;
    conn.role = 'guest';
    conn.expiresAt = Infinity;
    this.expiring.delete(ws);
    this.replies.reply(ws, conn.encoding === 'msgpack' ? msgpackCodec : jsonCodec, {
      type: 'error',
      code: 'unauthorized',
      message: 'the token expired: send auth with a fresh one',
    });
  }

  /** Demotes the connections whose token expired (so staff pushes stop even on a silent connection). */
  private demoteExpired(): void {
    const now = this.now();
    for (const ws of this.expiring) {
      const conn = ws.getUserData();
      if (conn.expiresAt <= now && !conn.closed) this.demote(ws, conn);
    }
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
