// Validation of everything that comes from outside: WebSocket requests and HTTP bodies. Schemas are
// compiled once at module load; a request is dispatched on its `type` to that type's checker so the
// error names the exact field.
import type { TSchema } from '@sinclair/typebox';
import {
  AuthRequestSchema,
  BuyRequestSchema,
  ExtendRequestSchema,
  HoldAreaRequestSchema,
  HoldBestRequestSchema,
  HoldSeatsRequestSchema,
  HoldsRequestSchema,
  PingRequestSchema,
  ReleaseRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
  WatchRequestSchema,
  type ClientMessage,
  type ClientMessageType,
} from './client-messages';
import { compileSchema, duplicateProblem, type CompiledSchema } from './compiled-schema';
import { RidSchema } from './fields';
import {
  BlockBodySchema,
  EventDefinitionBodySchema,
  ResendBodySchema,
  SalesBodySchema,
  type BlockBody,
  type EventDefinitionBody,
  type ResendBody,
  type SalesBody,
} from './http-bodies';
import { JoinRequestSchema, LeaveRequestSchema } from './queue-messages';
import { quote } from './schema-errors';
import type { Rid } from './server-messages';

/** The outcome of parseClientMessage: the clean message, or a short reason and the rid to echo. */
export type ClientMessageResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; rid?: Rid; message: string };

/** The outcome of an HTTP body parser: the clean body, or a short reason naming the field path. */
export type BodyResult<T> = { ok: true; value: T } | { ok: false; message: string };

type AnyCompiled = CompiledSchema<TSchema>;
type Fields = Record<string, unknown>;

// Picks the checker for a message of one type, or returns why none applies.
type Route = (message: Fields) => AnyCompiled | string;

function only(schema: AnyCompiled): Route {
  return () => schema;
}

const holdSeats = compileSchema(HoldSeatsRequestSchema, (m) => duplicateProblem(m.seats, 'seats'));
const holdBest = compileSchema(HoldBestRequestSchema);
const holdArea = compileSchema(HoldAreaRequestSchema);

// The three hold forms: check the one the message names; its schema refuses the other two fields.
function holdRoute(message: Fields): AnyCompiled | string {
  if (message.seats !== undefined) return holdSeats;
  if (message.best !== undefined) return holdBest;
  if (message.area !== undefined) return holdArea;
  return 'a hold needs one of seats, best or area';
}

// A Map, not an object literal: a `type` of "constructor" or "__proto__" must not find anything.
const ROUTES = new Map<string, Route>([
  ['auth', only(compileSchema(AuthRequestSchema))],
  ['subscribe', only(compileSchema(SubscribeRequestSchema))],
  ['unsubscribe', only(compileSchema(UnsubscribeRequestSchema))],
  ['hold', holdRoute],
  ['release', only(compileSchema(ReleaseRequestSchema, (m) => duplicateProblem(m.seats, 'seats')))],
  ['extend', only(compileSchema(ExtendRequestSchema))],
  ['buy', only(compileSchema(BuyRequestSchema))],
  ['watch', only(compileSchema(WatchRequestSchema))],
  ['ping', only(compileSchema(PingRequestSchema))],
  ['holds', only(compileSchema(HoldsRequestSchema))],
  ['join', only(compileSchema(JoinRequestSchema))],
  ['leave', only(compileSchema(LeaveRequestSchema))],
] satisfies Array<[ClientMessageType, Route]>);

const rid = compileSchema(RidSchema);

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function failure(message: Fields, reason: string): ClientMessageResult {
  const candidate = message.rid;
  return candidate !== undefined && rid.problem(candidate) === undefined
    ? { ok: false, rid: candidate as Rid, message: reason }
    : { ok: false, message: reason };
}

/** Validates a decoded WebSocket request; on success returns a copy holding only the known fields. */
export function parseClientMessage(value: unknown): ClientMessageResult {
  if (!isFields(value)) return { ok: false, message: 'a message must be an object' };
  const type = value.type;
  if (typeof type !== 'string') {
    return failure(value, type === undefined ? 'type: required' : 'type: expected a string');
  }
  const route = ROUTES.get(type);
  if (route === undefined) return failure(value, `unknown message type ${quote(type)}`);
  const schema = route(value);
  if (typeof schema === 'string') return failure(value, schema);
  const problem = schema.problem(value);
  if (problem !== undefined) return failure(value, problem);
  return { ok: true, message: schema.pick(value) as ClientMessage };
}

function bodyParser<T>(schema: AnyCompiled): (value: unknown) => BodyResult<T> {
  return (value) => {
    const problem = schema.problem(value);
    return problem === undefined ? { ok: true, value: schema.pick(value) as T } : { ok: false, message: problem };
  };
}

/** Validates the body of `POST /api/events` (shapes and bounds; the domain checks references). */
export const parseEventDefinitionBody: (value: unknown) => BodyResult<EventDefinitionBody> = bodyParser(
  compileSchema(EventDefinitionBodySchema),
);

/** Validates the body of `POST /api/events/:id/sales`. */
export const parseSalesBody: (value: unknown) => BodyResult<SalesBody> = bodyParser(compileSchema(SalesBodySchema));

/** Validates the body of `POST /api/events/:id/block`; duplicate seat ids are refused. */
export const parseBlockBody: (value: unknown) => BodyResult<BlockBody> = bodyParser(
  compileSchema(BlockBodySchema, (body) => duplicateProblem(body.seats, 'seats')),
);

/** Validates the body of `POST /api/webhooks/dead/resend` (unknown fields refused). */
export const parseResendBody: (value: unknown) => BodyResult<ResendBody> = bodyParser(compileSchema(ResendBodySchema));
