// Client → server WebSocket requests (docs/protocol.md, "WebSocket /ws"): TypeBox schemas and their types.
// Unknown extra fields are allowed for forward compatibility, but the validator returns a copy holding
// only the fields below, so nothing unknown is ever trusted or passed on.
import { Type, type Static, type TLiteral, type TObject, type TOptional, type TProperties } from '@sinclair/typebox';
import { CountSchema, EventIdSchema, IdSchema, RidSchema, idRecordSchema, textSchema } from './fields';
import { JoinRequestSchema, LeaveRequestSchema, type JoinRequest, type LeaveRequest } from './queue-messages';
import { MAX_AREAS_PER_RELEASE, MAX_HOLD_KEY_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_SEATS_PER_REQUEST, MAX_TIERS, MAX_TOKEN_LENGTH } from './limits';

type RequestSchema<T extends string, P extends TProperties> = TObject<
  { type: TLiteral<T>; rid: TOptional<typeof RidSchema> } & P
>;

function request<T extends string, P extends TProperties>(type: T, properties: P): RequestSchema<T, P> {
  return Type.Object({ type: Type.Literal(type), rid: Type.Optional(RidSchema), ...properties });
}

/** Seat ids named in one request: 1..MAX_SEATS_PER_REQUEST (duplicates are refused by the validator). */
export const SeatIdListSchema = Type.Array(IdSchema, { minItems: 1, maxItems: MAX_SEATS_PER_REQUEST });

/** `{type: "auth", token}`: authenticate the connection with a JWT. */
export const AuthRequestSchema = request('auth', { token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_LENGTH }) });
/** A snapshot's packing: `bytes` (the default, v1) or `packed` (docs/protocol.md, "Snapshot packing"). */
export const SnapshotPackingSchema = Type.Union([Type.Literal('bytes'), Type.Literal('packed')], {
  errorMessage: 'must be "bytes" or "packed"',
});
/** `{type: "subscribe", eventId, encoding?}`: get a snapshot, then diffs. */
export const SubscribeRequestSchema = request('subscribe', {
  eventId: EventIdSchema,
  encoding: Type.Optional(SnapshotPackingSchema),
});
/** `{type: "unsubscribe", eventId}`: stop diffs. */
export const UnsubscribeRequestSchema = request('unsubscribe', { eventId: EventIdSchema });

const EXCLUSIVE = 'a hold takes exactly one of seats, best or area';
const Absent = Type.Optional(Type.Never({ errorMessage: EXCLUSIVE }));
/** A client's name for a hold request (docs/protocol.md, v1.1: 1–64 characters): a repeat gets the same hold. */
const HoldKeySchema = textSchema(MAX_HOLD_KEY_LENGTH);
const holdBase = { eventId: EventIdSchema, holdId: Type.Optional(IdSchema), holdKey: Type.Optional(HoldKeySchema) };

/** `{type: "hold", eventId, seats, holdId?}`: hold these seats, all or nothing. */
export const HoldSeatsRequestSchema = request('hold', {
  ...holdBase,
  seats: SeatIdListSchema,
  best: Absent,
  area: Absent,
});
/** `{type: "hold", eventId, best: {count, category?, section?, accessible?}, holdId?}`: let the server pick. */
export const HoldBestRequestSchema = request('hold', {
  ...holdBase,
  best: Type.Object({
    count: CountSchema,
    category: Type.Optional(IdSchema),
    section: Type.Optional(IdSchema),
    accessible: Type.Optional(Type.Boolean()),
  }),
  seats: Absent,
  area: Absent,
});
/** `{type: "hold", eventId, area: {id, count}, holdId?}`: hold general-admission places. */
export const HoldAreaRequestSchema = request('hold', {
  ...holdBase,
  area: Type.Object({ id: IdSchema, count: CountSchema }),
  seats: Absent,
  best: Absent,
});

/** `{type: "release", eventId, holdId, seats?, areas?}`: release part of a hold, or all of it when nothing
 * is named. Empty `seats`/`areas` are refused so that a client bug never releases a whole hold. */
export const ReleaseRequestSchema = request('release', {
  eventId: EventIdSchema,
  holdId: IdSchema,
  seats: Type.Optional(SeatIdListSchema),
  areas: Type.Optional(
    idRecordSchema(CountSchema, { minProperties: 1, maxProperties: MAX_AREAS_PER_RELEASE }),
  ),
});
/** `{type: "extend", eventId, holdId}`: push a hold's expiry out. */
export const ExtendRequestSchema = request('extend', { eventId: EventIdSchema, holdId: IdSchema });
const SERVER_PRICED = 'the server computes prices and the total; a client may not send them';
const NotFromClient = Type.Optional(Type.Never({ errorMessage: SERVER_PRICED }));
/**
 * The tier bought per seat (`seats`: seatId → tierId) and per standing area (`areas`: areaId → tierId →
 * places); a seat or place not named costs its category's own price.
 */
export const BuyTiersSchema = Type.Object({
  seats: Type.Optional(idRecordSchema(IdSchema, { maxProperties: MAX_SEATS_PER_REQUEST })),
  areas: Type.Optional(
    idRecordSchema(idRecordSchema(CountSchema, { maxProperties: MAX_TIERS }), { maxProperties: MAX_AREAS_PER_RELEASE }),
  ),
});
/**
 * `{type: "buy", eventId, holdId, idempotencyKey?, tiers?}`: turn a hold into an order. A price, fee
 * or total sent by the client is refused (`bad_request`), never trusted.
 */
export const BuyRequestSchema = request('buy', {
  eventId: EventIdSchema,
  holdId: IdSchema,
  idempotencyKey: Type.Optional(textSchema(MAX_IDEMPOTENCY_KEY_LENGTH)),
  tiers: Type.Optional(BuyTiersSchema),
  total: NotFromClient,
  price: NotFromClient,
  prices: NotFromClient,
  fee: NotFromClient,
  fees: NotFromClient,
  amount: NotFromClient,
  currency: NotFromClient,
});
/** `{type: "holds", eventId}`: the user's live holds in the event (after a reload, on another device). */
export const HoldsRequestSchema = request('holds', { eventId: EventIdSchema });
/** `{type: "watch", eventId}` (staff): live sales stats every second. */
export const WatchRequestSchema = request('watch', { eventId: EventIdSchema });
/** `{type: "ping"}`: liveness and clock. */
export const PingRequestSchema = request('ping', {});

/** See AuthRequestSchema. */
export type AuthRequest = Static<typeof AuthRequestSchema>;
/** See SubscribeRequestSchema. */
export type SubscribeRequest = Static<typeof SubscribeRequestSchema>;
/** See UnsubscribeRequestSchema. */
export type UnsubscribeRequest = Static<typeof UnsubscribeRequestSchema>;
/** See HoldSeatsRequestSchema. */
export type HoldSeatsRequest = Static<typeof HoldSeatsRequestSchema>;
/** See HoldBestRequestSchema. */
export type HoldBestRequest = Static<typeof HoldBestRequestSchema>;
/** See HoldAreaRequestSchema. */
export type HoldAreaRequest = Static<typeof HoldAreaRequestSchema>;
/**
 * A `hold` frame on the wire in any of its three forms; narrow with `m.seats !== undefined` (or `best`,
 * `area`). The server turns it into the actor's HoldRequest (src/actor/event-service.ts).
 */
export type HoldFrame = HoldSeatsRequest | HoldBestRequest | HoldAreaRequest;
/** See ReleaseRequestSchema. */
export type ReleaseRequest = Static<typeof ReleaseRequestSchema>;
/** See ExtendRequestSchema. */
export type ExtendRequest = Static<typeof ExtendRequestSchema>;
/** See BuyTiersSchema. */
export type BuyTiers = Static<typeof BuyTiersSchema>;
/** See BuyRequestSchema. */
export type BuyRequest = Static<typeof BuyRequestSchema>;
/** See HoldsRequestSchema. */
export type HoldsRequest = Static<typeof HoldsRequestSchema>;
/** See WatchRequestSchema. */
export type WatchRequest = Static<typeof WatchRequestSchema>;
/** See PingRequestSchema. */
export type PingRequest = Static<typeof PingRequestSchema>;

/** Every client → server request, tagged on `type`. */
export type ClientMessage =
  | AuthRequest
  | SubscribeRequest
  | UnsubscribeRequest
  | HoldFrame
  | ReleaseRequest
  | ExtendRequest
  | BuyRequest
  | HoldsRequest
  | WatchRequest
  | PingRequest
  | JoinRequest
  | LeaveRequest;

/** The `type` of a client request. */
export type ClientMessageType = ClientMessage['type'];

/** Every client request type, in the contract's order. */
export const CLIENT_MESSAGE_TYPES = [
  'auth', 'subscribe', 'unsubscribe', 'hold', 'release', 'extend', 'buy', 'watch', 'ping', 'holds', 'join', 'leave',
] as const satisfies readonly ClientMessageType[];

/** Every client request schema, by name (`hold` has three forms); each carries its `type` as a literal. */
export const CLIENT_MESSAGE_SCHEMAS = {
  auth: AuthRequestSchema,
  subscribe: SubscribeRequestSchema,
  unsubscribe: UnsubscribeRequestSchema,
  holdSeats: HoldSeatsRequestSchema,
  holdBest: HoldBestRequestSchema,
  holdArea: HoldAreaRequestSchema,
  release: ReleaseRequestSchema,
  extend: ExtendRequestSchema,
  buy: BuyRequestSchema,
  watch: WatchRequestSchema,
  ping: PingRequestSchema,
  holds: HoldsRequestSchema,
  join: JoinRequestSchema,
  leave: LeaveRequestSchema,
} as const;
