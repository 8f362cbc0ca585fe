// The Aisle client: one WebSocket, requests as promises, live availability views, the user's holds with
// their expiry, and reconnection that keeps all of it. Holds belong to the user, not the socket, so a
// reconnect only has to re-authenticate and re-subscribe; a `buy` in flight is resent with the same
// idempotency key, so it cannot buy twice.
import type { Codec, Encoding } from '../codec';
import { jsonCodec, msgpackCodec } from '../codec';
import type { ErrorCode } from '../error-codes';
import { AisleError, isErrorCode } from '../error-codes';
import type {
  AuthedMessage,
  DiffMessage,
  ErrorMessage,
  HeldMessage,
  OrderMessage,
  PongMessage,
  ReleasedMessage,
  Rid,
  ServerMessage,
  StatsMessage,
} from '../server-messages';
import type { BackoffOptions } from './backoff';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';
import { Emitter } from './emitter';
import type { Hold, HoldExpired, HoldExpiring, Timers } from './hold-book';
import { HoldBook } from './hold-book';
import { LiveView } from './live-view';
import type { BestRequest, HoldRequestOptions, ReleaseOptions } from './requests';
import type { SocketCloseEvent, SocketConstructor, SocketLike, SocketMessageEvent } from './socket';
import { SOCKET_OPEN, globalSocket } from './socket';

/** How to reach and talk to an Aisle server. */
export interface AisleClientOptions {
  /** The WebSocket URL, e.g. `wss://tickets.example.com/ws`. */
  url: string;
  /** A JWT, or a function asked on every (re)connect, so an expiring token can be refreshed. */
  token?: string | null | (() => string | null | Promise<string | null>);
  /** Wire encoding; MessagePack by default (smaller snapshots, binary frames). */
  encoding?: Encoding;
  /** A WebSocket constructor; defaults to the global one (browsers). Node 20 has none: pass `ws`'s. */
  WebSocket?: SocketConstructor | (new (url: string) => object);
  /** How long a request waits for its reply (default 30 s: a buy may wait out a database hiccup). */
  requestTimeoutMs?: number;
  /** Reconnect delays, or `false` to stay closed after a drop. */
  reconnect?: Partial<BackoffOptions> | false;
  /** Time left at which `expiring` fires for each hold (default 60 s, 30 s, 10 s). */
  expiryWarningsMs?: readonly number[];
  /** Randomness for backoff jitter and idempotency keys (tests make it deterministic). */
  random?: () => number;
  /** Timers for hold expiry (tests drive time). */
  timers?: Timers;
}

/** Connection states. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Events of an AisleClient. */
export interface AisleClientEvents {
  [key: string]: unknown;
  /** Connected, authenticated, views resubscribed; `reconnected` after a drop. */
  open: { reconnected: boolean };
  /** The socket closed; `reconnecting` says whether a new one is on its way. */
  close: SocketCloseEvent & { reconnecting: boolean };
  /** A reconnect attempt is scheduled. */
  reconnecting: { attempt: number; delayMs: number };
  /** A hold will expire soon: time to extend or buy. */
  expiring: HoldExpiring;
  /** A hold is gone (expired). */
  expired: HoldExpired;
  /** A `stats` push for a watched event. */
  stats: StatsMessage;
  /** A failure not tied to one request (a refused re-authentication, a failed resync). */
  error: AisleError;
}

/** The answer a request resolves with. */
type ReplyOf<T extends string> = Extract<ServerMessage, { type: T }>;

interface Pending {
  frame: Record<string, unknown> & { type: string };
  expect: ServerMessage['type'];
  resolve(message: ServerMessage): void;
  reject(error: AisleError): void;
  timer: ReturnType<typeof setTimeout>;
  /** Generation of the socket it was sent on; null while queued. */
  sentOn: number | null;
  /** Whether it may be sent again on a new socket when the first one died before the reply. */
  resend: boolean;
  /** Part of the connection handshake: sent at once, never queued or resent. */
  handshake: boolean;
  movedRetries: number;
}

/** `moved` (ownership changed) is retried this many times, after a short pause, before it reaches the caller. */
const MOVED_RETRIES = 3;
const MOVED_PAUSE_MS = 100;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Close code of a deliberate close by the caller. */
const NORMAL_CLOSE = 1000;

/** A connection to Aisle with typed requests, live views and hold tracking. */
export class AisleClient extends Emitter<AisleClientEvents> {
  private socket: SocketLike | null = null;
  private generation = 0;
  private handshakeDone = false;
  private everOpened = false;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private nextRid = 1;
  private readonly pending = new Map<Rid, Pending>();
  private readonly views = new Map<string, LiveView>();
  private readonly resyncing = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly buyKeys = new Map<string, string>();
  private readonly codec: Codec;
  private readonly Socket: SocketConstructor;
  private readonly backoff: BackoffOptions | null;
  private readonly random: () => number;
  private clockOffsetMs = 0;
  private identity: { userId: string; role: AuthedMessage['role'] } | null = null;
  /** The user's holds as this client knows them. */
  readonly holds: HoldBook;
  /** Current connection state. */
  state: ConnectionState = 'connecting';

  constructor(private readonly options: AisleClientOptions) {
    super();
    this.codec = options.encoding === 'json' ? jsonCodec : msgpackCodec;
    const Socket = (options.WebSocket as SocketConstructor | undefined) ?? globalSocket();
    if (!Socket) throw new Error('no WebSocket in this runtime: pass options.WebSocket (e.g. the `ws` package)');
    this.Socket = Socket;
    this.backoff = options.reconnect === false ? null : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.random = options.random ?? Math.random;
    this.holds = new HoldBook(
      () => this.now(),
      { expiring: (e) => this.emit('expiring', e), expired: (e) => this.emit('expired', e) },
      options.expiryWarningsMs,
      options.timers,
    );
    this.open();
  }

  /** Connects and resolves once authenticated; rejects (and closes) if the first attempt fails. */
  static connect(options: AisleClientOptions): Promise<AisleClient> {
    const client = new AisleClient(options);
    return new Promise((resolve, reject) => {
      const offs = [
        client.on('open', () => {
          offs.forEach((off) => off());
          resolve(client);
        }),
        client.on('close', (event) => {
          offs.forEach((off) => off());
          client.close();
          reject(new AisleError('unavailable', `could not connect to ${options.url} (close ${event.code})`));
        }),
        client.on('error', (error) => {
          offs.forEach((off) => off());
          client.close();
          reject(error);
        }),
      ];
    });
  }

  /** Who the server says this connection is (null for a guest). */
  get user(): { userId: string; role: AuthedMessage['role'] } | null {
    return this.identity;
  }

  /** The server's clock, estimated from the last ping (epoch ms). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  // ------------------------------------------------------------------ requests

  /** Live availability of `eventId`: a snapshot kept current from diffs, resynchronised on gaps. */
  async subscribe(eventId: string): Promise<LiveView> {
    const existing = this.views.get(eventId);
    if (existing) {
      if (!existing.current) await existing.once('change');
      return existing;
    }
    const view = new LiveView(eventId, (v) => this.resync(v));
    this.views.set(eventId, view);
    try {
      const snapshot = await this.request({ type: 'subscribe', eventId }, 'snapshot', { resend: true });
      view.applySnapshot(snapshot);
      return view;
    } catch (error) {
      this.views.delete(eventId);
      view.markClosed();
      throw error;
    }
  }

  /** Stops the diffs of `eventId`; its view stops changing. */
  async unsubscribe(eventId: string): Promise<void> {
    const view = this.views.get(eventId);
    this.views.delete(eventId);
    view?.markClosed();
    await this.request({ type: 'unsubscribe', eventId }, 'unsubscribed', { resend: true });
  }

  /** Holds these seats, all or nothing (into `holdId` when given). */
  hold(eventId: string, seats: readonly string[], options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdRequest({ type: 'hold', eventId, seats: [...seats], holdId: options.holdId });
  }

  /** Lets the server pick `best.count` adjacent seats. */
  holdBest(eventId: string, best: BestRequest, options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdRequest({ type: 'hold', eventId, best: { ...best }, holdId: options.holdId });
  }

  /** Holds `count` general-admission places in area `areaId`. */
  holdArea(eventId: string, areaId: string, count: number, options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdRequest({ type: 'hold', eventId, area: { id: areaId, count }, holdId: options.holdId });
  }

  /** Releases part of a hold, or all of it when nothing is named. */
  async release(eventId: string, holdId: string, options: ReleaseOptions = {}): Promise<ReleasedMessage> {
    const released = await this.holdCommand({ type: 'release', eventId, holdId, seats: options.seats, areas: options.areas }, 'released');
    this.holds.released(released);
    return released;
  }

  /** Pushes a hold's expiry out (at most three times, never past twice the hold TTL). */
  async extend(eventId: string, holdId: string): Promise<Hold> {
    return this.holds.held(await this.holdCommand({ type: 'extend', eventId, holdId }, 'held'));
  }

  /**
   * Buys a hold. The idempotency key is made once per hold and reused by every attempt (a resend after a
   * reconnect, or the caller trying again), so the hold becomes at most one order.
   */
  async buy(eventId: string, holdId: string, options: { idempotencyKey?: string } = {}): Promise<OrderMessage> {
    let key = options.idempotencyKey ?? this.buyKeys.get(holdId);
    if (!key) key = this.newKey();
    this.buyKeys.set(holdId, key);
    const order = await this.holdCommand({ type: 'buy', eventId, holdId, idempotencyKey: key }, 'order', true);
    this.holds.bought(holdId);
    return order;
  }

  /** Staff: live sales figures of `eventId`; `stats` events follow every second (also after a reconnect). */
  async watch(eventId: string): Promise<StatsMessage> {
    this.watched.add(eventId);
    return this.request({ type: 'watch', eventId }, 'stats', { resend: true });
  }

  /** Round trip to the server; also refreshes the clock offset. */
  async ping(): Promise<PongMessage> {
    const sent = Date.now();
    const pong = await this.request({ type: 'ping' }, 'pong', { resend: true });
    this.clockOffsetMs = pong.now - (sent + Date.now()) / 2;
    return pong;
  }

  /** Closes for good: pending requests fail with `unavailable`, views stop, hold timers stop. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const [rid, p] of this.pending) {
      this.pending.delete(rid);
      clearTimeout(p.timer);
      p.reject(new AisleError('unavailable', 'the client was closed'));
    }
    for (const view of this.views.values()) view.markClosed();
    this.views.clear();
    this.holds.clear();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(NORMAL_CLOSE, 'client closed');
    }
  }

  private async holdRequest(frame: Record<string, unknown> & { type: 'hold' }): Promise<Hold> {
    return this.holds.held(await this.holdCommand(frame, 'held'));
  }

  /** A command on a hold: an answer saying the hold is gone also removes it from `holds`. */
  private async holdCommand<T extends 'held' | 'released' | 'order'>(
    frame: Record<string, unknown> & { type: string },
    expect: T,
    resend = false,
  ): Promise<ReplyOf<T>> {
    try {
      return await this.request(frame, expect, { resend });
    } catch (error) {
      const holdId = frame.holdId;
      if (error instanceof AisleError && typeof holdId === 'string' && (error.code === 'hold_not_found' || error.code === 'hold_expired')) {
        this.holds.expire(holdId, 'rejected');
      }
      throw error;
    }
  }

  /** Sends a request and resolves with its reply of type `expect`, or rejects with its error. */
  private request<T extends ServerMessage['type']>(
    frame: Record<string, unknown> & { type: string },
    expect: T,
    options: { resend?: boolean; handshake?: boolean } = {},
  ): Promise<ReplyOf<T>> {
    if (this.state === 'closed') return Promise.reject(new AisleError('unavailable', 'the client is closed'));
    const rid = this.nextRid++;
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const pending: Pending = {
        frame: stripUndefined(frame),
        expect,
        resolve: resolve as (message: ServerMessage) => void,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(rid);
          reject(new AisleError('unavailable', `no reply to ${frame.type} within ${timeoutMs} ms`));
        }, timeoutMs),
        sentOn: null,
        resend: options.resend ?? false,
        handshake: options.handshake ?? false,
        movedRetries: 0,
      };
      this.pending.set(rid, pending);
      if (pending.handshake || this.handshakeDone) this.send(rid, pending);
    });
  }

  private send(rid: Rid, pending: Pending): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return; // stays queued for the next socket
    pending.sentOn = this.generation;
    socket.send(this.codec.encode({ ...pending.frame, rid }));
  }

  private newKey(): string {
    const bytes = new Uint8Array(16);
    if (this.options.random) {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.random() * 256);
    } else {
      // getRandomValues works on plain-http pages too, where crypto.randomUUID does not exist.
      globalThis.crypto.getRandomValues(bytes);
    }
    let hex = '';
    for (const b of bytes) hex += b.toString(16).padStart(2, '0');
    return `buy-${hex}`;
  }

  // ------------------------------------------------------------------ connection

  private open(): void {
    this.generation++;
    this.handshakeDone = false;
    const generation = this.generation;
    const socket = new this.Socket(this.options.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => void this.handshake(generation);
    socket.onmessage = (event: SocketMessageEvent) => {
      if (generation === this.generation) this.onMessage(event.data);
    };
    socket.onclose = (event: SocketCloseEvent) => this.onClose(generation, event);
    socket.onerror = () => {
      // A close event always follows; that is where the failure is handled.
    };
  }

  private async handshake(generation: number): Promise<void> {
    const stale = (): boolean => generation !== this.generation || this.state === 'closed';
    try {
      const source = this.options.token;
      const token = typeof source === 'function' ? await source() : source;
      if (stale()) return;
      // The first frame fixes the encoding of pushes: auth or ping, both in this client's encoding.
      const authed = token ? this.request({ type: 'auth', token }, 'authed', { handshake: true }) : Promise.resolve(null);
      const sent = Date.now();
      // Together: a refused token fails the handshake at once, without waiting for the pong.
      const [identity, pong] = await Promise.all([authed, this.request({ type: 'ping' }, 'pong', { handshake: true })]);
      this.clockOffsetMs = pong.now - (sent + Date.now()) / 2;
      if (stale()) return;
      this.identity = identity && { userId: identity.userId, role: identity.role };
    } catch (error) {
      if (stale()) return;
      const failure = error instanceof AisleError ? error : new AisleError('internal', String(error));
      this.emit('error', failure);
      this.socket?.close(NORMAL_CLOSE, 'handshake failed');
      return;
    }
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.handshakeDone = true;
    this.attempt = 0;
    this.state = 'open';
    if (reconnected) {
      this.resyncing.clear();
      // Views still waiting for their first snapshot get it from their own subscribe, resent below.
      for (const view of this.views.values()) if (view.loaded) view.resync({ reason: 'reconnect' });
      for (const eventId of this.watched) {
        this.request({ type: 'watch', eventId }, 'stats').then(
          (stats) => this.emit('stats', stats),
          (error: unknown) => this.emit('error', asAisleError(error)),
        );
      }
    }
    for (const [rid, pending] of this.pending) {
      if (pending.sentOn === null) this.send(rid, pending);
    }
    this.emit('open', { reconnected });
  }

  private onClose(generation: number, event: SocketCloseEvent): void {
    if (generation !== this.generation || this.state === 'closed') return;
    this.socket = null;
    this.handshakeDone = false;
    for (const [rid, pending] of this.pending) {
      if (pending.sentOn === null) continue; // queued, never sent: send it on the next socket
      if (pending.resend && !pending.handshake) {
        pending.sentOn = null;
        continue;
      }
      this.pending.delete(rid);
      clearTimeout(pending.timer);
      // The server may or may not have applied it (a hold may exist; it expires on its own).
      pending.reject(
        new AisleError('unavailable', `the connection was lost before the reply to ${pending.frame.type}`, { maybeApplied: true }),
      );
    }
    for (const view of this.views.values()) view.current = false;
    const reconnecting = this.backoff !== null;
    this.emit('close', { code: event.code, reason: event.reason, reconnecting });
    if ((this.state as ConnectionState) === 'closed') return; // a listener closed the client
    if (!this.backoff) {
      this.close();
      return;
    }
    this.state = 'reconnecting';
    const delayMs = backoffDelay(this.attempt++, this.backoff, this.random);
    this.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state !== 'closed') this.open();
    }, delayMs);
  }

  private resync(view: LiveView): void {
    const eventId = view.eventId;
    if (!this.handshakeDone || this.resyncing.has(eventId)) return;
    this.resyncing.add(eventId);
    // Unsubscribe first: the new subscription then starts exactly after the snapshot's seq, and the
    // diffs already in flight are ignored by the stale view.
    void this.request({ type: 'unsubscribe', eventId }, 'unsubscribed').catch(() => undefined);
    this.request({ type: 'subscribe', eventId }, 'snapshot').then(
      (snapshot) => {
        this.resyncing.delete(eventId);
        if (this.views.get(eventId) === view) view.applySnapshot(snapshot);
      },
      (error: unknown) => {
        this.resyncing.delete(eventId);
        this.emit('error', asAisleError(error));
      },
    );
  }

  // ------------------------------------------------------------------ incoming

  private onMessage(data: unknown): void {
    let message: ServerMessage;
    try {
      message = decodeFrame(data) as ServerMessage;
    } catch (error) {
      this.emit('error', asAisleError(error));
      return;
    }
    const rid = (message as { rid?: Rid }).rid;
    const pending = rid === undefined ? undefined : this.pending.get(rid);
    if (pending && rid !== undefined) {
      this.settle(rid, pending, message);
      return;
    }
    switch (message.type) {
      case 'diff':
        this.views.get(message.eventId)?.applyDiff(message as DiffMessage);
        return;
      case 'expired':
        this.holds.expire(message.holdId, 'push');
        return;
      case 'stats':
        this.emit('stats', message);
        return;
      case 'error':
        this.emit('error', toError(message));
        return;
      default:
        return; // a reply to a request that timed out, or a message type this SDK does not know yet
    }
  }

  private settle(rid: Rid, pending: Pending, message: ServerMessage): void {
    if (message.type === 'error' && message.code === 'moved' && pending.movedRetries < MOVED_RETRIES) {
      // Ownership moved: nothing was applied, and the next attempt reaches the new owner. The request keeps
      // its rid and its deadline; it goes out again after a short pause (or on the next socket).
      pending.movedRetries++;
      pending.sentOn = null;
      setTimeout(() => {
        if (this.pending.get(rid) === pending && pending.sentOn === null && this.handshakeDone) this.send(rid, pending);
      }, MOVED_PAUSE_MS * pending.movedRetries);
      return;
    }
    this.pending.delete(rid);
    clearTimeout(pending.timer);
    if (message.type === 'error') {
      pending.reject(toError(message));
      return;
    }
    if (message.type !== pending.expect) {
      pending.reject(new AisleError('internal', `expected ${pending.expect}, got ${message.type}`));
      return;
    }
    if (message.type === 'stats') this.emit('stats', message);
    pending.resolve(message);
  }
}

/** Decodes a frame: binary frames are MessagePack, text frames JSON. */
function decodeFrame(data: unknown): unknown {
  if (typeof data === 'string') return jsonCodec.decode(data);
  if (data instanceof ArrayBuffer) return msgpackCodec.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return msgpackCodec.decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  throw new AisleError('bad_request', 'a frame of unknown kind');
}

function toError(message: ErrorMessage): AisleError {
  const code: ErrorCode = isErrorCode(message.code) ? message.code : 'internal';
  const { type: _type, rid: _rid, code: _code, message: text, ...details } = message;
  return new AisleError(code, text, details);
}

function asAisleError(error: unknown): AisleError {
  return error instanceof AisleError ? error : new AisleError('internal', String(error));
}

function stripUndefined<T extends Record<string, unknown>>(frame: T): T {
  const copy = { ...frame };
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy;
}
