// What the WebSocket edge keeps per connection (as uWS user data), and the request id a reply echoes.
import type { WebSocket } from './native-uws';
import type { Encoding } from '../../protocol';
import type { Role } from './auth';
import type { TokenBucket } from './token-bucket';

/** Per-connection state, kept as the uWS user data. */
export interface Connection {
  id: number;
  userId: string | null;
  role: Role;
  /** The encoding of pushes: that of the first frame; JSON until then. */
  encoding: Encoding | null;
  /**
   * Events subscribed to, replaced (never changed) on subscribe and unsubscribe: an exact-size array
   * costs a few dozen bytes where a Set costs ~200, and a node may hold tens of thousands of viewers.
   */
  subscriptions: readonly string[];
  /** Events whose stats are watched (staff only): null until the first watch. */
  watching: Set<string> | null;
  closed: boolean;
  bucket: TokenBucket;
  /** The client address the connection is counted under (see clientAddress). */
  ip: string;
  /** Seat commands waiting for the per-user rate limit, in arrival order (SETTLED when none). */
  gate: Promise<void>;
  /** How many commands wait on `gate` (bounded: a slow limiter must not queue a flood in memory). */
  waiting: number;
  /** Frames refused by the connection's rate limit in a row (past a bound the connection is closed). */
  refused: number;
  /** When the identity's token expires (epoch ms; Infinity for guests): then the connection is a guest again. */
  expiresAt: number;
}

/** The gate of a connection with no command waiting: one promise shared by every connection. */
export const SETTLED: Promise<void> = Promise.resolve();

/** The subscriptions of a connection that has none: shared, never modified. */
export const NO_SUBSCRIPTIONS: readonly string[] = Object.freeze([]);

/** A connection's socket. */
export type Socket = WebSocket<Connection>;

/** The client's request id of a frame, echoed in its reply. */
export type Rid = string | number | undefined;

/** Adds the request's rid to a reply built for it (replies are fresh objects: no copy needed). */
export function withRid<T extends object>(message: T, rid: Rid): T & { rid?: string | number } {
  if (rid !== undefined) (message as T & { rid?: string | number }).rid = rid;
  return message;
}
