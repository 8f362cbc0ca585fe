// Server → client WebSocket messages (CONTRACT.md, "WebSocket /ws"): replies echo the request's `rid`;
// pushes (diff, expired, periodic stats) carry none.
import type { ErrorCode } from './error-codes';

/** A client-chosen request id, echoed on the reply. */
export type Rid = string | number;

/** A user's role, from the JWT's `role` claim (`guest` is a connection without identity). */
export type Role = 'customer' | 'staff' | 'admin';

/** Seat status codes on the wire: 0 available, 1 held, 2 sold, 3 blocked. */
export const SEAT_STATUS = { available: 0, held: 1, sold: 2, blocked: 3 } as const;
/** One seat status code. */
export type SeatStatusCode = (typeof SEAT_STATUS)[keyof typeof SEAT_STATUS];

/** areaId → count (places held, released or available, depending on the message). */
export type AreaCounts = Record<string, number>;

/** Reply to `auth`. */
export interface AuthedMessage {
  type: 'authed';
  rid?: Rid;
  userId: string;
  role: Role;
}

/** Reply to `subscribe`: the state after diff `seq`; the next diff is `seq + 1`. */
export interface SnapshotMessage {
  type: 'snapshot';
  rid?: Rid;
  eventId: string;
  epoch: number;
  seq: number;
  /** One byte per seat index (SeatStatusCode); msgpack bin, or a string of digits in JSON. */
  status: Uint8Array;
  /** areaId → available places. */
  areas: AreaCounts;
}

/** Reply to `unsubscribe`. */
export interface UnsubscribedMessage {
  type: 'unsubscribed';
  rid?: Rid;
  eventId: string;
}

/** Reply to `hold` and `extend`: always the whole hold. */
export interface HeldMessage {
  type: 'held';
  rid?: Rid;
  eventId: string;
  holdId: string;
  seats: string[];
  /** areaId → places held; empty when none. */
  areas: AreaCounts;
  /** Epoch ms. */
  expiresAt: number;
}

/** Reply to `release`: what was released. */
export interface ReleasedMessage {
  type: 'released';
  rid?: Rid;
  eventId: string;
  holdId: string;
  seats: string[];
  areas: AreaCounts;
}

/** Reply to `buy`, sent only once the order is committed. */
export interface OrderMessage {
  type: 'order';
  rid?: Rid;
  eventId: string;
  orderId: string;
  holdId: string;
  seats: string[];
  areas: AreaCounts;
  /** In the smallest currency unit. */
  total: number;
  status: 'confirmed';
}

/** The live sales figures of one event, as `stats` carries them. */
export interface SalesStats {
  available: number;
  held: number;
  sold: number;
  blocked: number;
  revenue: number;
  ordersLastMinute: number;
  seatsSoldLastMinute: number;
  viewers: number;
}

/** Reply to `watch`, then pushed every second to watchers. */
export interface StatsMessage extends SalesStats {
  type: 'stats';
  rid?: Rid;
  eventId: string;
}

/** Reply to `ping`. */
export interface PongMessage {
  type: 'pong';
  rid?: Rid;
  /** Server clock, epoch ms. */
  now: number;
}

/** The answer to any request that failed (no `rid` when the frame could not be decoded). */
export interface ErrorMessage {
  type: 'error';
  rid?: Rid;
  code: ErrorCode;
  message: string;
  /** The unknown (not_found) or taken (seat_unavailable) seat ids. */
  seats?: string[];
}

/** Push: seat changes since the previous diff; a gap in `seq` or a new `epoch` means re-subscribe. */
export interface DiffMessage {
  type: 'diff';
  eventId: string;
  epoch: number;
  seq: number;
  /** [seat index, new status] pairs. */
  changes: Array<[number, SeatStatusCode]>;
  /** areaId → available places, for the areas that changed. */
  areas?: AreaCounts;
}

/** Push to the hold's owner: the hold expired and its seats are available again. */
export interface ExpiredMessage {
  type: 'expired';
  eventId: string;
  holdId: string;
}

/** Every server → client message, tagged on `type`. */
export type ServerMessage =
  | AuthedMessage
  | SnapshotMessage
  | UnsubscribedMessage
  | HeldMessage
  | ReleasedMessage
  | OrderMessage
  | StatsMessage
  | PongMessage
  | ErrorMessage
  | DiffMessage
  | ExpiredMessage;

/** The `type` of a server message. */
export type ServerMessageType = ServerMessage['type'];
