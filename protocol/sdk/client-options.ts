// What an AisleClient is built from, its connection states, and the events it emits.
import type { WaitingRoomEvents } from './waiting-rooms';
import type { Encoding } from '../codec';
import type { AisleError } from '../error-codes';
import type { StatsMessage } from '../server-messages';
import type { BackoffOptions } from './backoff';
import type { HoldExpired, HoldExpiring, Timers } from './hold-book';
import type { SnapshotOptions } from './snapshot-reader';
import type { SocketCloseEvent, SocketConstructor } from './socket';

/** How to reach and talk to an Aisle server. */
export interface AisleClientOptions {
  /** The WebSocket URL, e.g. `wss://tickets.example.com/ws`. */
  url: string;
  /** A JWT, or a function asked on every (re)connect, so an expiring token can be refreshed. */
  token?: string | null | (() => string | null | Promise<string | null>);
  /** Wire encoding; MessagePack by default (smaller snapshots, binary frames). */
  encoding?: Encoding;
  /** Snapshot packing: packed (2-bit, deflated) by default where the platform can inflate it. */
  snapshots?: SnapshotOptions;
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
  /** The waiting room: the place moved, the user is admitted, or nothing is left to sell. */
  queue: WaitingRoomEvents['queue'];
  admitted: WaitingRoomEvents['admitted'];
  queue_closed: WaitingRoomEvents['queue_closed'];
  /** A failure not tied to one request (a refused re-authentication, a failed resync). */
  error: AisleError;
}
