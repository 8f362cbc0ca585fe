// Messages between a node's primary process (actors, database, HTTP API) and its gateway edge
// processes (viewer sockets), over Node's IPC channel with structured-clone serialization. The
// channel is ordered, so a diff sent after a subscription's acknowledgement is never lost to it.
import type { QueuePush } from '../../protocol';
import type { DiffPush, Outcome } from '../actor/event-service';
import type { WsLimits } from '../gateway/ws-gateway';

/** What an edge asks of the primary: the EventService's calls, the per-user rate limit, diff subscriptions. */
export type EdgeOp =
  | 'hold'
  | 'release'
  | 'extend'
  | 'holds'
  | 'buy'
  | 'snapshot'
  | 'stats'
  | 'liveInfo'
  | 'setSales'
  | 'block'
  | 'cancelOrder'
  | 'updateEvent'
  | 'staffHolds'
  | 'forceRelease'
  | 'placeStaffHold'
  | 'releaseStaffHold'
  | 'join'
  | 'leave'
  | 'queueInfo'
  | 'admit'
  | 'subscribe'
  | 'unsubscribe';

/** Everything an edge needs to serve, sent once after it starts. */
export interface EdgeInit {
  type: 'init';
  /** Which edge this is (for logs). */
  index: number;
  host: string;
  /** The public port (0: any, for the first edge of a node started on port 0). */
  port: number;
  /** Where the primary serves HTTP (the edges proxy every request but `/ws` to it). */
  internalPort: number;
  authSecret: string;
  devMode: boolean;
  nodeId: string;
  logLevel: string;
  wsLimits: Partial<WsLimits>;
  trustProxy: boolean;
}

/** Primary → edge. */
export type ToEdge =
  | EdgeInit
  | { type: 'diff'; eventId: string; diff: DiffPush }
  | { type: 'expired'; userId: string; eventId: string; holdId: string }
  | { type: 'queue'; userId: string; message: QueuePush }
  | { type: 'reply'; id: number; outcome: Outcome<unknown> }
  /** Stop accepting connections (a drain has begun). */
  | { type: 'stop-listening' }
  /** Close every connection with 1001 and exit. */
  | { type: 'close' };

/** Edge → primary. */
export type FromEdge =
  /** Serving on `port`. */
  | { type: 'listening'; port: number }
  | { type: 'call'; id: number; op: EdgeOp; eventId: string; args: unknown[] }
  | { type: 'failed'; message: string };
