// The Aisle client SDK: browser and Node (pass `ws` as `WebSocket` on Node 20), ESM, typed.
export { AisleClient } from './aisle-client';
export type { AisleClientEvents, AisleClientOptions, ConnectionState } from './aisle-client';
export type { BestRequest, HoldRequestOptions, ReleaseOptions } from './requests';
export { LiveView, statusName } from './live-view';
export type { LiveViewEvents, ResyncReason, StatusCounts, ViewChange } from './live-view';
export { HoldBook, DEFAULT_EXPIRY_WARNINGS_MS } from './hold-book';
export type { Hold, HoldExpired, HoldExpiring, Timers } from './hold-book';
export { DEFAULT_BACKOFF, backoffDelay } from './backoff';
export type { BackoffOptions } from './backoff';
export type { SocketConstructor, SocketLike } from './socket';
export { SnapshotReader, streamInflater } from './snapshot-reader';
export type { SnapshotOptions } from './snapshot-reader';
export { WaitingRooms } from './waiting-rooms';
export type { WaitingRoomEvents } from './waiting-rooms';
export type { InflateRaw } from '../packed-snapshot';
export { AisleError, ERROR_CODES, isErrorCode } from '../error-codes';
export type { ErrorCode } from '../error-codes';
export { SEAT_STATUS } from '../seat-status';
export type {
  AreaCounts,
  DiffMessage,
  HeldMessage,
  OrderMessage,
  ReleasedMessage,
  SalesStats,
  SeatStatusCode,
  PackedSnapshotMessage,
  SnapshotMessage,
  SnapshotPacking,
  StatsMessage,
} from '../server-messages';
export type { Encoding } from '../codec';
export { compactMapUrl, loadCompactMap, loadMap } from './map-loader';
export type { MapLoadOptions } from './map-loader';
export { SNAPSHOT_PRELOAD_ID, loadSnapshot, snapshotUrl } from './snapshot-loader';
export type { SnapshotLoadOptions } from './snapshot-loader';
export { loadMyOrders } from './my-orders';
export type { MyOrdersOptions } from './my-orders';
export type { OrderReply, TicketView } from '../ticket-replies';
export { compactMap, expandCompactMap, forEachCompactSeat } from '../map-body';
export type { CompactMapBody, MapBody, MapRun, MapSeat } from '../map-body';
export { SeatLayout } from '../map-layout';
