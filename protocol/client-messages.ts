// Client → server WebSocket requests (CONTRACT.md, "WebSocket /ws"): TypeBox schemas and their types.
// Unknown extra fields are allowed for forward compatibility, but the validator returns a copy holding
// only the fields below, so nothing unknown is ever trusted or passed on.
import { Type, type Static, type TLiteral, type TObject, type TOptional, type TProperties } from '@sinclair/typebox';
import { CountSchema, EventIdSchema, IdSchema, RidSchema, idRecordSchema, textSchema } from './fields';
import { MAX_AREAS_PER_RELEASE, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_SEATS_PER_REQUEST, MAX_TOKEN_LENGTH } from './limits';

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
/** `{type: "subscribe", eventId}`: get a snapshot, then diffs. */
export const SubscribeRequestSchema = request('subscribe', { eventId: EventIdSchema });
/** `{type: "unsubscribe", eventId}`: stop diffs. */
export const UnsubscribeRequestSchema = request('unsubscribe', { eventId: EventIdSchema });

const EXCLUSIVE = 'a hold takes exactly one of seats, best or area';
const Absent = Type.Optional(Type.Never({ errorMessage: EXCLUSIVE }));
const holdBase = { eventId: EventIdSchema, holdId: Type.Optional(IdSchema) };

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
/** `{type: "buy", eventId, holdId, idempotencyKey?}`: turn a hold into an order. */
export const BuyRequestSchema = request('buy', {
  eventId: EventIdSchema,
  holdId: IdSchema,
  idempotencyKey: Type.Optional(textSchema(MAX_IDEMPOTENCY_KEY_LENGTH)),
});
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
/** A hold in any of its three forms; narrow with `m.seats !== undefined` (or `best`, `area`). */
export type HoldRequest = HoldSeatsRequest | HoldBestRequest | HoldAreaRequest;
/** See ReleaseRequestSchema. */
export type ReleaseRequest = Static<typeof ReleaseRequestSchema>;
/** See ExtendRequestSchema. */
export type ExtendRequest = Static<typeof ExtendRequestSchema>;
/** See BuyRequestSchema. */
export type BuyRequest = Static<typeof BuyRequestSchema>;
/** See WatchRequestSchema. */
export type WatchRequest = Static<typeof WatchRequestSchema>;
/** See PingRequestSchema. */
export type PingRequest = Static<typeof PingRequestSchema>;

/** Every client → server request, tagged on `type`. */
export type ClientMessage =
  | AuthRequest
  | SubscribeRequest
  | UnsubscribeRequest
  | HoldRequest
  | ReleaseRequest
  | ExtendRequest
  | BuyRequest
  | WatchRequest
  | PingRequest;

/** The `type` of a client request. */
export type ClientMessageType = ClientMessage['type'];

/** Every client request type, in the contract's order. */
export const CLIENT_MESSAGE_TYPES = [
  'auth', 'subscribe', 'unsubscribe', 'hold', 'release', 'extend', 'buy', 'watch', 'ping',
] as const satisfies readonly ClientMessageType[];
