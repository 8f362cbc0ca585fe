// Server → client WebSocket messages (docs/protocol.md, "WebSocket /ws"): replies echo the request's `rid`;
// pushes (diff, expired, periodic stats) carry none. The server does not validate what it sends; these
// TypeBox schemas are the one description of the messages (the types below are derived from them, and
// the AsyncAPI document served at /api/asyncapi.json is generated from them).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ERROR_CODES, type ErrorCode } from './error-codes';
import { RidSchema } from './fields';
import {
  AdmittedMessageSchema,
  LeftMessageSchema,
  QueueClosedMessageSchema,
  QueuedMessageSchema,
  QueuePositionMessageSchema,
} from './queue-messages';

/** A client-chosen request id, echoed on the reply. */
export type Rid = string | number;

/** A user's role, from the JWT's `role` claim (`guest` is a connection without identity). */
export const RoleSchema = Type.Union([Type.Literal('customer'), Type.Literal('staff'), Type.Literal('admin')]);
/** See RoleSchema. */
export type Role = Static<typeof RoleSchema>;

export { SEAT_STATUS } from './seat-status';
export type { SeatStatusCode } from './seat-status';
const SeatStatusCodeSchema = Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2), Type.Literal(3)]);

/** One of the contract's error codes. */
export const ErrorCodeSchema = Type.Union(ERROR_CODES.map((code) => Type.Literal(code)) as Array<ReturnType<typeof Type.Literal<ErrorCode>>>);

/** areaId → count (places held, released or available, depending on the message). */
export const AreaCountsSchema = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
/** See AreaCountsSchema. */
export type AreaCounts = Record<string, number>;

const Rid = Type.Optional(RidSchema);
const EpochMs = Type.Number({ description: 'epoch ms' });
const SeatIds = Type.Array(Type.String());
/** Bytes: a msgpack `bin` in binary frames; in JSON text frames, as the description says. */
const bytes = (description: string): ReturnType<typeof Type.Uint8Array> => Type.Uint8Array({ description });

/** Reply to `auth`. */
export const AuthedMessageSchema = Type.Object({ type: Type.Literal('authed'), rid: Rid, userId: Type.String(), role: RoleSchema });

/** Reply to `subscribe`: the state after diff `seq`; the next diff is `seq + 1`. */
export const SnapshotMessageSchema = Type.Object({
  type: Type.Literal('snapshot'),
  rid: Rid,
  eventId: Type.String(),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  /** One byte per seat index (SeatStatusCode); msgpack bin, or a string of digits in JSON. */
  status: bytes('one status code (0..3) per seat index; in JSON a string of digits'),
  /** areaId → available places. */
  areas: AreaCountsSchema,
  /** Absent in this form (v1): only the packed form names its packing. */
  encoding: Type.Optional(Type.Never()),
});

/** How a snapshot carries its statuses: `bytes` one byte per seat (v1), `packed` 2 bits each, deflated. */
export type SnapshotPacking = 'bytes' | 'packed';

/**
 * Reply to `subscribe` with `encoding: "packed"` (docs/protocol.md, "Snapshot packing"): the same
 * state as SnapshotMessage, its statuses packed 2 bits per seat and raw-DEFLATEd (RFC 1951).
 */
export const PackedSnapshotMessageSchema = Type.Object({
  type: Type.Literal('snapshot'),
  rid: Rid,
  eventId: Type.String(),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  encoding: Type.Literal('packed'),
  /** Number of seats: the packed form cannot tell the last byte's padding from seats. */
  seats: Type.Integer({ minimum: 0 }),
  /** Raw DEFLATE of the packed statuses (see packStatus); msgpack bin, or base64 in JSON. */
  status: bytes('raw DEFLATE of 2-bit statuses; in JSON base64'),
  areas: AreaCountsSchema,
});

/** Reply to `unsubscribe`. */
export const UnsubscribedMessageSchema = Type.Object({ type: Type.Literal('unsubscribed'), rid: Rid, eventId: Type.String() });

/** Reply to `hold` and `extend`: always the whole hold (`areas` empty when none; `expiresAt` epoch ms). */
export const HeldMessageSchema = Type.Object({
  type: Type.Literal('held'),
  rid: Rid,
  eventId: Type.String(),
  holdId: Type.String(),
  seats: SeatIds,
  areas: AreaCountsSchema,
  expiresAt: EpochMs,
});

/** One live hold of the user, as `holds` lists it. */
export const HoldSummarySchema = Type.Object({ holdId: Type.String(), seats: SeatIds, areas: AreaCountsSchema, expiresAt: EpochMs });

/** Reply to `holds`: the user's live holds in the event, oldest first. */
export const HoldsMessageSchema = Type.Object({ type: Type.Literal('holds'), rid: Rid, eventId: Type.String(), holds: Type.Array(HoldSummarySchema) });

/** Reply to `release`: what was released. */
export const ReleasedMessageSchema = Type.Object({
  type: Type.Literal('released'),
  rid: Rid,
  eventId: Type.String(),
  holdId: Type.String(),
  seats: SeatIds,
  areas: AreaCountsSchema,
});

/** Tickets of one kind in an order: one seat, or `count` places of an area, at one tier (null: none). */
export const PricedItemSchema = Type.Object({
  seatId: Type.Optional(Type.String()),
  areaId: Type.Optional(Type.String()),
  count: Type.Integer(),
  category: Type.String(),
  tier: Type.Union([Type.String(), Type.Null()]),
  /** Per ticket, before the fee. */
  price: Type.Integer(),
  /** Per ticket. */
  fee: Type.Integer(),
});
/** The server's pricing of an order: its items, the sum of their fees, the total and the currency. */
export const OrderPricingSchema = Type.Object({
  items: Type.Array(PricedItemSchema),
  fees: Type.Integer(),
  total: Type.Integer(),
  currency: Type.Optional(Type.String({ description: 'ISO 4217' })),
});

/** Reply to `buy`, sent only once the order is committed; `total` in the smallest currency unit. */
export const OrderMessageSchema = Type.Object({
  type: Type.Literal('order'),
  rid: Rid,
  eventId: Type.String(),
  orderId: Type.String(),
  holdId: Type.String(),
  seats: SeatIds,
  areas: AreaCountsSchema,
  /** Prices plus fees, computed by the server. */
  total: Type.Integer(),
  /** How `total` was made up: tickets by tier, fees, currency (v1.1). */
  pricing: Type.Optional(OrderPricingSchema),
  status: Type.Literal('confirmed'),
});

/** The live sales figures of one event, as `stats` carries them. */
export const SalesStatsSchema = Type.Object({
  available: Type.Integer(),
  /** Seats in customers' holds (pending purchases included). */
  held: Type.Integer(),
  sold: Type.Integer(),
  blocked: Type.Integer(),
  /** (v1.1) Seats in staff holds (house seats, comps): viewers see them held, `held` leaves them out. */
  staffHeld: Type.Integer(),
  revenue: Type.Integer(),
  ordersLastMinute: Type.Integer(),
  seatsSoldLastMinute: Type.Integer(),
  /** (v1.1) Revenue of the orders confirmed in the last minute. */
  revenueLastMinute: Type.Integer(),
  /** Connections subscribed to the event on every node of the cluster (v1.1; before: this node's). */
  viewers: Type.Integer(),
});

/** Reply to `watch`, then pushed every second to watchers; `queue` when the event has a waiting room on
 * (v1.1); `checkedIn`: tickets checked in at the gate so far (v1.1; absent from a gateway edge, which
 * serves no tickets). */
export const StatsMessageSchema = Type.Object({
  type: Type.Literal('stats'),
  rid: Rid,
  eventId: Type.String(),
  ...SalesStatsSchema.properties,
  queue: Type.Optional(Type.Object({ waiting: Type.Integer(), active: Type.Integer() })),
  checkedIn: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** Reply to `ping`: the server clock. */
export const PongMessageSchema = Type.Object({ type: Type.Literal('pong'), rid: Rid, now: EpochMs });

/** The answer to any request that failed (no `rid` when the frame could not be decoded); `seats`: the
 * unknown (not_found) or taken (seat_unavailable) seat ids. */
export const ErrorMessageSchema = Type.Object({
  type: Type.Literal('error'),
  rid: Rid,
  code: ErrorCodeSchema,
  message: Type.String(),
  seats: Type.Optional(SeatIds),
});

/** Push: seat changes since the previous diff ([seat index, new status] pairs; `areas`: available places
 * of the areas that changed); a gap in `seq` or a new `epoch` means re-subscribe. */
export const DiffMessageSchema = Type.Object({
  type: Type.Literal('diff'),
  eventId: Type.String(),
  epoch: Type.Integer(),
  seq: Type.Integer(),
  changes: Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), SeatStatusCodeSchema])),
  areas: Type.Optional(AreaCountsSchema),
});

/** Push to the hold's owner: the hold expired and its seats are available again. */
export const ExpiredMessageSchema = Type.Object({ type: Type.Literal('expired'), eventId: Type.String(), holdId: Type.String() });

/** See AuthedMessageSchema. */
export type AuthedMessage = Static<typeof AuthedMessageSchema>;
/** See SnapshotMessageSchema. */
export type SnapshotMessage = Static<typeof SnapshotMessageSchema>;
/** See PackedSnapshotMessageSchema. */
export type PackedSnapshotMessage = Static<typeof PackedSnapshotMessageSchema>;
/** See UnsubscribedMessageSchema. */
export type UnsubscribedMessage = Static<typeof UnsubscribedMessageSchema>;
/** See HeldMessageSchema. */
export type HeldMessage = Static<typeof HeldMessageSchema>;
/** See HoldSummarySchema. */
export type HoldSummary = Static<typeof HoldSummarySchema>;
/** See HoldsMessageSchema. */
export type HoldsMessage = Static<typeof HoldsMessageSchema>;
/** See ReleasedMessageSchema. */
export type ReleasedMessage = Static<typeof ReleasedMessageSchema>;
/** See OrderMessageSchema. */
export type OrderMessage = Static<typeof OrderMessageSchema>;
/** See SalesStatsSchema. */
export type SalesStats = Static<typeof SalesStatsSchema>;
/** See StatsMessageSchema. */
export type StatsMessage = Static<typeof StatsMessageSchema>;
/** See PongMessageSchema. */
export type PongMessage = Static<typeof PongMessageSchema>;
/** See ErrorMessageSchema. */
export type ErrorMessage = Static<typeof ErrorMessageSchema>;
/** See DiffMessageSchema. */
export type DiffMessage = Static<typeof DiffMessageSchema>;
/** See ExpiredMessageSchema. */
export type ExpiredMessage = Static<typeof ExpiredMessageSchema>;

/** Every server → client message schema, by name (a `type` may have several forms: snapshot). */
export const SERVER_MESSAGE_SCHEMAS = {
  authed: AuthedMessageSchema,
  snapshot: SnapshotMessageSchema,
  snapshotPacked: PackedSnapshotMessageSchema,
  unsubscribed: UnsubscribedMessageSchema,
  held: HeldMessageSchema,
  holds: HoldsMessageSchema,
  released: ReleasedMessageSchema,
  order: OrderMessageSchema,
  stats: StatsMessageSchema,
  pong: PongMessageSchema,
  error: ErrorMessageSchema,
  diff: DiffMessageSchema,
  expired: ExpiredMessageSchema,
  queued: QueuedMessageSchema,
  admitted: AdmittedMessageSchema,
  queue: QueuePositionMessageSchema,
  queue_closed: QueueClosedMessageSchema,
  left: LeftMessageSchema,
} as const satisfies Record<string, TSchema>;

/** Every server → client message, tagged on `type`. */
export type ServerMessage = Static<(typeof SERVER_MESSAGE_SCHEMAS)[keyof typeof SERVER_MESSAGE_SCHEMAS]>;

/** The `type` of a server message. */
export type ServerMessageType = ServerMessage['type'];
