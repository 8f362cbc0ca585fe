// The Aisle client: one WebSocket, requests as promises, live availability views, the user's holds with
// their expiry, and reconnection that keeps all of it. Holds belong to the user, not the socket, so a
// reconnect only has to re-authenticate and re-subscribe; a `buy` in flight is resent with the same
// idempotency key, so it cannot buy twice.
import type { BuyTiers } from '../client-messages';
import type { Codec } from '../codec';
import { jsonCodec, msgpackCodec } from '../codec';
import { AisleError } from '../error-codes';
import type {
  AuthedMessage,
  DiffMessage,
  OrderMessage,
  PongMessage,
  ReleasedMessage,
  ServerMessage,
  SnapshotMessage,
  StatsMessage,
} from '../server-messages';
import type { BackoffOptions } from './backoff';
import { DEFAULT_BACKOFF, backoffDelay } from './backoff';
import type { AisleClientEvents, AisleClientOptions, ConnectionState } from './client-options';
import { Emitter } from './emitter';
import type { Hold } from './hold-book';
import { HoldBook } from './hold-book';
import { HoldCommands } from './hold-commands';
import { LiveView } from './live-view';
import { PendingRequests } from './pending-requests';
import type { ReplyOf } from './pending-requests';
import { asAisleError, toError } from './reply-errors';
import type { BestRequest, HoldRequestOptions, ReleaseOptions } from './requests';
import { SnapshotReader } from './snapshot-reader';
import { WaitingRooms } from './waiting-rooms';
import type { SocketCloseEvent, SocketConstructor, SocketLike, SocketMessageEvent } from './socket';
import { SOCKET_OPEN, globalSocket } from './socket';

export type { AisleClientEvents, AisleClientOptions, ConnectionState } from './client-options';

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
  private readonly requests: PendingRequests;
  private readonly views = new Map<string, LiveView>();
  private readonly resyncing = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly holdCommands: HoldCommands;
  /** The waiting rooms joined (`join`, and the `queue`, `admitted`, `queue_closed` events). */
  readonly rooms: WaitingRooms;
  private readonly codec: Codec;
  private readonly snapshots: SnapshotReader;
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
    this.snapshots = new SnapshotReader(options.snapshots);
    const Socket = (options.WebSocket as SocketConstructor | undefined) ?? globalSocket();
    if (!Socket) throw new Error('no WebSocket in this runtime: pass options.WebSocket (e.g. the `ws` package)');
    this.Socket = Socket;
    this.backoff = options.reconnect === false ? null : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.random = options.random ?? Math.random;
    this.requests = new PendingRequests(
      {
        send: (frame) => {
          const socket = this.socket;
          if (!socket || socket.readyState !== SOCKET_OPEN) return null;
          socket.send(this.codec.encode(frame));
          return this.generation;
        },
        ready: () => this.handshakeDone,
        closed: () => this.state === 'closed',
        onReply: (message) => {
          if (message.type === 'stats') this.emit('stats', message);
        },
      },
      options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    this.holds = new HoldBook(
      () => this.now(),
      { expiring: (e) => this.emit('expiring', e), expired: (e) => this.emit('expired', e) },
      options.expiryWarningsMs,
      options.timers,
    );
    this.holdCommands = new HoldCommands(this.requests, this.holds, options.random);
    this.rooms = new WaitingRooms(this.requests, (type, event) => this.emit(type, event as AisleClientEvents[typeof type]));
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

  /**
   * Live availability of `eventId`: a snapshot kept current from diffs, resynchronised on gaps. With a
   * `seed` (the event's snapshot from `loadSnapshot`, over HTTP), the view shows the seed at once and
   * resolves without waiting for the socket; it is `current` once the subscription's snapshot is in
   * (`whenCurrent`), and a failed subscription is then an `error` event of the client.
   */
  async subscribe(eventId: string, options: { seed?: SnapshotMessage } = {}): Promise<LiveView> {
    const existing = this.views.get(eventId);
    if (existing) {
      await existing.whenCurrent();
      return existing;
    }
    const view = new LiveView(eventId, (v) => this.resync(v));
    this.views.set(eventId, view);
    const subscribed = this.requests
      .request(this.snapshots.request(eventId), 'snapshot', { resend: true })
      .then(async (snapshot) => {
        view.applySnapshot(await this.snapshots.read(snapshot));
        return view;
      })
      .catch((error: unknown) => {
        this.views.delete(eventId);
        view.markClosed();
        throw error;
      });
    if (!options.seed) return subscribed;
    view.seed(options.seed);
    subscribed.catch((error: unknown) => this.emit('error', asAisleError(error)));
    return view;
  }

  /** Stops the diffs of `eventId`; its view stops changing. */
  async unsubscribe(eventId: string): Promise<void> {
    const view = this.views.get(eventId);
    this.views.delete(eventId);
    view?.markClosed();
    await this.requests.request({ type: 'unsubscribe', eventId }, 'unsubscribed', { resend: true });
  }

  /** Holds these seats, all or nothing (into `holdId` when given); safe to resend (see hold-commands.ts). */
  hold(eventId: string, seats: readonly string[], options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdCommands.hold({ type: 'hold', eventId, seats: [...seats], holdId: options.holdId }, options.holdKey);
  }

  /** Lets the server pick `best.count` adjacent seats. */
  holdBest(eventId: string, best: BestRequest, options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdCommands.hold({ type: 'hold', eventId, best: { ...best }, holdId: options.holdId }, options.holdKey);
  }

  /** Holds `count` general-admission places in area `areaId`. */
  holdArea(eventId: string, areaId: string, count: number, options: HoldRequestOptions = {}): Promise<Hold> {
    return this.holdCommands.hold({ type: 'hold', eventId, area: { id: areaId, count }, holdId: options.holdId }, options.holdKey);
  }

  /** Takes (or finds again) the user's place in the event's waiting room; found again after reconnects. */
  join(eventId: string): ReturnType<WaitingRooms['join']> {
    return this.rooms.join(eventId);
  }

  /** The user's live holds in `eventId` (made here, in another tab, or before a reload); kept in `holds`. */
  findHolds(eventId: string): Promise<Hold[]> {
    return this.holdCommands.find(eventId);
  }

  /** Releases part of a hold, or all of it when nothing is named. */
  release(eventId: string, holdId: string, options: ReleaseOptions = {}): Promise<ReleasedMessage> {
    return this.holdCommands.release(eventId, holdId, options);
  }

  /** Pushes a hold's expiry out (at most three times, never past twice the hold TTL). */
  extend(eventId: string, holdId: string): Promise<Hold> {
    return this.holdCommands.extend(eventId, holdId);
  }

  /** Buys a hold, at most once however often it is sent (one idempotency key per hold). */
  buy(eventId: string, holdId: string, options: { idempotencyKey?: string; tiers?: BuyTiers } = {}): Promise<OrderMessage> {
    return this.holdCommands.buy(eventId, holdId, options.idempotencyKey, options.tiers);
  }

  /** Staff: live sales figures of `eventId`; `stats` events follow every second (also after a reconnect). */
  async watch(eventId: string): Promise<StatsMessage> {
    this.watched.add(eventId);
    return this.requests.request({ type: 'watch', eventId }, 'stats', { resend: true });
  }

  /** Round trip to the server; also refreshes the clock offset. */
  async ping(): Promise<PongMessage> {
    const sent = Date.now();
    const pong = await this.requests.request({ type: 'ping' }, 'pong', { resend: true });
    this.clockOffsetMs = pong.now - (sent + Date.now()) / 2;
    return pong;
  }

  /** Closes for good: pending requests fail with `unavailable`, views stop, hold timers stop. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.requests.rejectAll(new AisleError('unavailable', 'the client was closed'));
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
      const authed = token ? this.requests.request({ type: 'auth', token }, 'authed', { handshake: true }) : Promise.resolve(null);
      const sent = Date.now();
      // Together: a refused token fails the handshake at once, without waiting for the pong.
      const [identity, pong] = await Promise.all([authed, this.requests.request({ type: 'ping' }, 'pong', { handshake: true })]);
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
      this.rooms.rejoin((error: unknown) => this.emit('error', asAisleError(error)));
      for (const eventId of this.watched) {
        this.requests.request({ type: 'watch', eventId }, 'stats').then(
          (stats) => this.emit('stats', stats),
          (error: unknown) => this.emit('error', asAisleError(error)),
        );
      }
    }
    this.requests.flush();
    this.emit('open', { reconnected });
  }

  private onClose(generation: number, event: SocketCloseEvent): void {
    if (generation !== this.generation || this.state === 'closed') return;
    this.socket = null;
    this.handshakeDone = false;
    this.requests.connectionLost();
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
    void this.requests.request({ type: 'unsubscribe', eventId }, 'unsubscribed').catch(() => undefined);
    this.requests.request(this.snapshots.request(eventId), 'snapshot').then((reply) => this.snapshots.read(reply)).then(
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
    if (this.requests.settle(message) || this.rooms.push(message)) return;
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

}

/** Decodes a frame: binary frames are MessagePack, text frames JSON. */
function decodeFrame(data: unknown): unknown {
  if (typeof data === 'string') return jsonCodec.decode(data);
  if (data instanceof ArrayBuffer) return msgpackCodec.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return msgpackCodec.decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  throw new AisleError('bad_request', 'a frame of unknown kind');
}
