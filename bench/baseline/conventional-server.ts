// The conventional design Aisle is measured against ("a baseline in the same run"): a
// stateless Node WebSocket server that keeps seat state in Postgres and lets row locks decide who gets
// a seat. One transaction per command on a pool of 20 connections, as the scaling guides recommend.
// It speaks the subset of Aisle's protocol the bench drives (auth, ping, hold {seats}, release of a
// whole hold, buy) over the same transport (native uWebSockets.js) with the same auth and validation,
// so the difference measured is the design, not the plumbing.
//
// Environment: PORT, HOST (127.0.0.1), DATABASE_URL (required), AUTH_SECRET (required),
// DB_POOL_SIZE (20). Routes: GET /healthz, POST /api/events (admin; the `sections` form), WS /ws.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { HttpResponse, WebSocket, us_listen_socket } from '../../src/gateway/native-uws';
import type { ClientMessage, Codec } from '../../protocol';
import { jsonCodec, msgpackCodec, parseClientMessage } from '../../protocol';
import { expandDefinition } from '../../src/domain';
import type { EventDefinitionInput } from '../../src/domain/definition';
import { Auth, hasRole } from '../../src/gateway/auth';
import type { Identity } from '../../src/gateway/auth';
import { loadNativeUws } from '../../src/gateway/native-uws';

/** Per-connection state. */
interface Conn {
  identity: Identity | null;
  closed: boolean;
}

type Rid = string | number | undefined;
type Reply = { type: string; [field: string]: unknown };

/** The pool size the conventional design is usually given (a pool of 20). */
const DEFAULT_POOL_SIZE = 20;
/** Aisle's default hold TTL (docs/protocol.md), so holds carry the same `expiresAt`. */
const HOLD_TTL_SECONDS = 600;
/** Largest event definition body accepted: a 200,000-seat `sections` event is a few hundred bytes. */
const MAX_BODY_BYTES = 1 << 20;

const HOLD_SQL = `UPDATE seats SET status = 'held', hold_id = $1, user_id = $2, held_until = now() + make_interval(secs => $5)
  WHERE event_id = $3 AND seat_id = ANY($4::text[]) AND status = 'available'`;
const RELEASE_SQL = `UPDATE seats SET status = 'available', hold_id = NULL, user_id = NULL, held_until = NULL
  WHERE event_id = $1 AND hold_id = $2 AND user_id = $3 AND status = 'held' RETURNING seat_id`;
const SELL_SQL = `UPDATE seats SET status = 'sold', order_id = $1
  WHERE event_id = $2 AND hold_id = $3 AND user_id = $4 AND status = 'held' RETURNING seat_id, price`;
const ORDER_SQL = 'INSERT INTO orders (id, event_id, user_id, hold_id, total) VALUES ($1, $2, $3, $4, $5)';
const ORDER_SEATS_SQL = 'INSERT INTO order_seats (order_id, event_id, seat_id) SELECT $1, $2, unnest($3::text[])';
const CREATE_SEATS_SQL = 'INSERT INTO seats (event_id, seat_id, price) SELECT $1, unnest($2::text[]), unnest($3::bigint[])';

const newId = (): string => randomBytes(12).toString('base64url');

/** A refusal sent as an `error` reply. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Runs `work` in one transaction on one pooled connection. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The command handlers: one transaction each. */
class SeatCommands {
  constructor(private readonly pool: pg.Pool) {}

  async hold(userId: string, eventId: string, seats: string[]): Promise<Reply> {
    const holdId = newId();
    await transaction(this.pool, async (client) => {
      const { rowCount } = await client.query(HOLD_SQL, [holdId, userId, eventId, seats, HOLD_TTL_SECONDS]);
      // Fewer rows than seats: some were taken (or unknown); all or nothing, so roll back.
      if (rowCount !== seats.length) throw new Refusal('seat_unavailable', 'some seats are not available');
    });
    return { type: 'held', eventId, holdId, seats, areas: {}, expiresAt: Date.now() + HOLD_TTL_SECONDS * 1000 };
  }

  async release(userId: string, eventId: string, holdId: string): Promise<Reply> {
    const { rows } = await this.pool.query<{ seat_id: string }>(RELEASE_SQL, [eventId, holdId, userId]);
    if (rows.length === 0) throw new Refusal('hold_not_found', 'no such hold');
    return { type: 'released', eventId, holdId, seats: rows.map((r) => r.seat_id), areas: {} };
  }

  async buy(userId: string, eventId: string, holdId: string): Promise<Reply> {
    const orderId = newId();
    const sold = await transaction(this.pool, async (client) => {
      const { rows } = await client.query<{ seat_id: string; price: string }>(SELL_SQL, [orderId, eventId, holdId, userId]);
      if (rows.length === 0) throw new Refusal('hold_not_found', 'no such hold');
      const seats = rows.map((r) => r.seat_id);
      const total = rows.reduce((sum, r) => sum + Number(r.price), 0);
      await client.query(ORDER_SQL, [orderId, eventId, userId, holdId, total]);
      await client.query(ORDER_SEATS_SQL, [orderId, eventId, seats]);
      return { seats, total };
    });
    return { type: 'order', eventId, orderId, holdId, ...sold, areas: {}, status: 'confirmed' };
  }

  async createEvent(input: EventDefinitionInput): Promise<number> {
    const definition = expandDefinition(input);
    const prices = new Map(definition.categories.map((c) => [c.id, c.price]));
    await this.pool.query(CREATE_SEATS_SQL, [
      definition.id,
      definition.seats.map((s) => s.id),
      definition.seats.map((s) => prices.get(s.category) ?? 0),
    ]);
    // A real deployment has statistics: without them the planner may walk the primary key over a
    // whole event to find one hold's seats instead of using seats_hold.
    await this.pool.query('ANALYZE seats');
    return definition.seats.length;
  }
}

/** The WebSocket edge: decode, validate, run the command, reply in the frame's encoding. */
class Edge {
  constructor(
    private readonly commands: SeatCommands,
    private readonly auth: Auth,
  ) {}

  async onMessage(ws: WebSocket<Conn>, data: ArrayBuffer, isBinary: boolean): Promise<void> {
    const codec = isBinary ? msgpackCodec : jsonCodec;
    let parsed;
    try {
      parsed = parseClientMessage(codec.decode(isBinary ? new Uint8Array(data) : Buffer.from(data).toString()));
    } catch {
      return this.send(ws, codec, { type: 'error', code: 'bad_request', message: 'the frame could not be decoded' }, undefined);
    }
    if (!parsed.ok) return this.send(ws, codec, { type: 'error', code: 'bad_request', message: parsed.message }, parsed.rid);
    const message = parsed.message;
    try {
      this.send(ws, codec, await this.run(ws.getUserData(), message), message.rid);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal('internal', 'internal error');
      if (!(error instanceof Refusal)) console.error(error);
      this.send(ws, codec, { type: 'error', code: refusal.code, message: refusal.message }, message.rid);
    }
  }

  private async run(conn: Conn, message: ClientMessage): Promise<Reply> {
    if (message.type === 'ping') return { type: 'pong', now: Date.now() };
    if (message.type === 'auth') {
      const identity = await this.auth.verify(message.token);
      if (!identity) throw new Refusal('unauthorized', 'invalid or expired token');
      conn.identity = identity;
      return { type: 'authed', userId: identity.userId, role: identity.role };
    }
    const userId = conn.identity && hasRole(conn.identity.role, 'customer') ? conn.identity.userId : null;
    if (!userId) throw new Refusal('unauthorized', 'sign in to hold or buy seats');
    switch (message.type) {
      case 'hold':
        if (!message.seats || message.holdId) throw new Refusal('bad_request', 'the baseline holds named seats in a new hold only');
        return this.commands.hold(userId, message.eventId, message.seats);
      case 'release':
        if (message.seats || message.areas) throw new Refusal('bad_request', 'the baseline releases whole holds only');
        return this.commands.release(userId, message.eventId, message.holdId);
      case 'buy':
        return this.commands.buy(userId, message.eventId, message.holdId);
      default:
        throw new Refusal('bad_request', `the baseline does not serve ${message.type}`);
    }
  }

  private send(ws: WebSocket<Conn>, codec: Codec, reply: Reply, rid: Rid): void {
    if (ws.getUserData().closed) return;
    const framed = rid === undefined ? reply : { ...reply, rid };
    ws.cork(() => ws.send(codec.encode(framed), codec.encoding === 'msgpack'));
  }
}

function readBody(res: HttpResponse, onBody: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.onData((chunk, isLast) => {
    size += chunk.byteLength;
    if (size <= MAX_BODY_BYTES) chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) onBody(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : Buffer.alloc(0));
  });
}

function respond(res: HttpResponse, state: { aborted: boolean }, status: string, body: unknown): void {
  if (state.aborted) return;
  res.cork(() => res.writeStatus(status).writeHeader('content-type', 'application/json').end(JSON.stringify(body)));
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const secret = process.env.AUTH_SECRET;
  if (!databaseUrl || !secret) {
    console.error('conventional-server needs DATABASE_URL and AUTH_SECRET');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 9002);
  const host = process.env.HOST ?? '127.0.0.1';
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.DB_POOL_SIZE ?? DEFAULT_POOL_SIZE) });
  await pool.query(readFileSync(new URL('./schema.sql', import.meta.url), 'utf8'));
  const auth = Auth.create(secret);
  const commands = new SeatCommands(pool);
  const edge = new Edge(commands, auth);
  const uws = loadNativeUws();
  const app = uws.App();
  let listenSocket: us_listen_socket | false = false;

  app.get('/healthz', (res) => respond(res, { aborted: false }, '200 OK', { ok: true }));
  app.post('/api/events', (res, req) => {
    const authorization = req.getHeader('authorization');
    const state = { aborted: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    readBody(res, (body) => {
      void (async () => {
        const identity = await auth.verify(authorization.replace(/^Bearer /, ''));
        if (!identity || !hasRole(identity.role, 'admin')) return respond(res, state, '403 Forbidden', { error: { code: 'forbidden' } });
        try {
          const input = JSON.parse(body.toString()) as EventDefinitionInput;
          respond(res, state, '201 Created', { id: input.id, seats: await commands.createEvent(input), areas: 0 });
        } catch (error) {
          respond(res, state, '400 Bad Request', { error: { code: 'bad_request', message: String(error) } });
        }
      })();
    });
  });
  app.ws<Conn>('/ws', {
    maxPayloadLength: 64 * 1024,
    idleTimeout: 120,
    upgrade: (res, req, context) => {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const token = req.getQuery('token');
      const state = { aborted: false };
      res.onAborted(() => {
        state.aborted = true;
      });
      void (token ? auth.verify(token) : Promise.resolve(null)).then((identity) => {
        if (state.aborted) return;
        if (token && !identity) return respond(res, state, '401 Unauthorized', { error: { code: 'unauthorized' } });
        res.cork(() => res.upgrade<Conn>({ identity, closed: false }, key, protocol, extensions, context));
      });
    },
    message: (ws, data, isBinary) => void edge.onMessage(ws, data, isBinary),
    close: (ws) => {
      ws.getUserData().closed = true;
    },
  });
  app.listen(host, port, (socket) => {
    listenSocket = socket;
    if (!socket) {
      console.error(`conventional-server could not listen on ${host}:${port}`);
      process.exit(1);
    }
    console.log(`conventional baseline serving on ${host}:${port}`);
  });
  process.on('SIGTERM', () => {
    if (listenSocket) uws.us_listen_socket_close(listenSocket);
    void pool.end().then(() => process.exit(0));
  });
}

void main();
