// JSON replies of the HTTP API (docs/protocol.md, "HTTP API"): the one description of what each route
// answers, from which the OpenAPI document (GET /api/openapi.json) is generated. Objects allow fields
// beyond those named (a reply may grow); the named ones are what clients may rely on.
import { Type, type Static } from '@sinclair/typebox';
import { AreaCountsSchema, ErrorCodeSchema, OrderPricingSchema } from './server-messages';
import { HoldViewSchema } from './staff-replies';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Type.String();
const IsoTime = Type.String({ description: 'ISO 8601 date-time' });
const Cursor = Nullable(Type.String({ description: 'pass as the cursor parameter for the next page; null on the last' }));

/** Every failure: `{error: {code, message}}` with the HTTP status of the code. */
export const ErrorReplySchema = Type.Object({
  error: Type.Object({ code: ErrorCodeSchema, message: Text }),
});

/** `GET /healthz`. */
export const HealthReplySchema = Type.Object({ ok: Type.Literal(true) });
/** `GET /readyz`: 200 ready (with the ring members a cluster node sees), 503 not, saying why. */
export const ReadyReplySchema = Type.Union([
  Type.Object({ ready: Type.Literal(true), members: Type.Optional(Type.Array(Text)) }),
  Type.Object({ ready: Type.Literal(false), reason: Text }),
]);
/** `GET /api/dev/token` (dev mode). */
export const TokenReplySchema = Type.Object({ token: Text });

/** `POST /api/events` → 201. */
export const EventCreatedReplySchema = Type.Object({ id: Text, seats: Type.Integer(), areas: Type.Integer() });
/** An event's sales state as listed. */
export const EventStatusSchema = Type.Union(['on_sale', 'paused', 'closed', 'sold_out', 'draft'].map((s) => Type.Literal(s)));
/** `GET /api/events`: drafts to staff only, archived ones on request (`lifecycle` when not published). */
export const EventListReplySchema = Type.Array(
  Type.Object({ id: Text, name: Text, status: EventStatusSchema, startsAt: IsoTime, lifecycle: Type.Optional(Text) }),
);
/** What an edit may change, as GET /api/events/:id and a PATCH's answer show it. */
const editableFields = {
  salesOpenAt: Nullable(IsoTime),
  salesCloseAt: Nullable(IsoTime),
  holdTtlSeconds: Type.Integer(),
  maxSeatsPerUser: Type.Integer(),
};
/** `GET /api/events/:id`: the event with its live figures (`counts` are seats only; `owner` the node
 * whose actor serves it, null before its first activation). */
export const EventDetailsReplySchema = Type.Object({
  id: Text,
  name: Text,
  status: EventStatusSchema,
  startsAt: IsoTime,
  ...editableFields,
  /** (v1.1) Added to every ticket's price (0: none), and the ISO 4217 code prices are in (null: not stated). */
  feePerTicket: Type.Integer(),
  currency: Nullable(Text),
  seats: Type.Integer(),
  mapVersion: Text,
  counts: Type.Object({ available: Type.Integer(), held: Type.Integer(), sold: Type.Integer(), blocked: Type.Integer(), staffHeld: Type.Integer() }),
  areas: Type.Record(Type.String(), Type.Object({ capacity: Type.Integer(), available: Type.Integer() })),
  owner: Nullable(Type.Object({ nodeId: Text, epoch: Type.Integer() })),
  /** Extension: whether the event has a waiting room, so a page can send its user to the line first. */
  queue: Type.Object({ mode: Type.Union([Type.Literal('off'), Type.Literal('on')]), openAt: Nullable(IsoTime) }),
});
/** `PATCH /api/events/:id`: the event's public fields after the edit; `lifecycle` when archiving was
 * asked, `queue` as given. */
export const EventPatchReplySchema = Type.Object({
  id: Text,
  name: Text,
  startsAt: IsoTime,
  status: EventStatusSchema,
  ...editableFields,
  categories: Type.Array(Type.Object({ id: Text, name: Text, price: Type.Integer() })),
  draft: Type.Boolean(),
  lifecycle: Nullable(Text),
  queue: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
/** `POST /api/events/:id/sales`. */
export const SalesReplySchema = Type.Object({ open: Type.Boolean() });
/** `POST /api/events/:id/block`: the seats whose state changed. */
export const BlockReplySchema = Type.Object({ seats: Type.Array(Text), blocked: Type.Boolean() });

/** An order as staff list it. */
export const OrderLineSchema = Type.Object({
  orderId: Text,
  userId: Text,
  seats: Type.Array(Text),
  areas: AreaCountsSchema,
  total: Type.Integer(),
  /** How the total was made up (tiers, fees, currency); absent on orders from before tiers and fees. */
  pricing: Type.Optional(OrderPricingSchema),
  status: Type.Union([Type.Literal('confirmed'), Type.Literal('cancelled')]),
  createdAt: IsoTime,
});
/** `GET /api/events/:id/orders`: oldest first. */
export const OrdersPageReplySchema = Type.Object({ orders: Type.Array(OrderLineSchema), next: Cursor });
/** `GET /api/orders/:orderId`: with its tickets (`qr`, a signed payload, when jobs run). */
export const OrderReplySchema = Type.Object({
  ...OrderLineSchema.properties,
  eventId: Text,
  holdId: Text,
  tickets: Type.Array(
    // `tier`: the price tier the ticket was bought at, when one was named.
    Type.Object({ seatId: Type.Optional(Text), areaId: Type.Optional(Text), code: Text, tier: Type.Optional(Text), qr: Type.Optional(Text) }),
  ),
});
/** `GET /api/me/orders`: the caller's own orders in the event, oldest first. */
export const MyOrdersReplySchema = Type.Object({ orders: Type.Array(OrderReplySchema) });
/** `POST /api/orders/:orderId/cancel`. */
export const OrderCancelledReplySchema = Type.Object({ orderId: Text, status: Type.Literal('cancelled') });

/** A ticket at the gate. */
export const TicketReplySchema = Type.Object({
  code: Text,
  eventId: Text,
  orderId: Text,
  seatId: Type.Optional(Text),
  areaId: Type.Optional(Text),
  status: Type.Union([Type.Literal('valid'), Type.Literal('void'), Type.Literal('used')]),
  usedAt: Type.Optional(IsoTime),
});
/** `POST /api/tickets/:code/check-in` refused: 409 `conflict` saying whether it was used or is void. */
export const CheckInRefusedReplySchema = Type.Object({
  error: Type.Object({ code: Type.Literal('conflict'), message: Text, status: TicketReplySchema.properties.status, usedAt: Type.Optional(IsoTime) }),
});

/** `GET /api/events/:id/holds` (staff): every live hold. */
export const StaffHoldsReplySchema = Type.Object({ holds: Type.Array(HoldViewSchema) });
/** `DELETE /api/events/:id/holds/:holdId`: what was released, and whose it was. */
export const ForcedReleaseReplySchema = Type.Object({ holdId: Text, userId: Text, seats: Type.Array(Text), areas: AreaCountsSchema });
/** `DELETE /api/events/:id/staff-holds/:holdId`: what went back on sale, and who had held it. */
export const StaffHoldReleasedReplySchema = ForcedReleaseReplySchema;
/** `GET /api/audit`, `GET /api/events/:id/audit` (extension): newest first. */
export const AuditPageReplySchema = Type.Object({
  entries: Type.Array(Type.Object({ id: Text, at: IsoTime, actor: Type.Object({ userId: Text, role: Text }), action: Text, eventId: Nullable(Text), target: Nullable(Text) })),
  next: Cursor,
});
/** `GET /api/webhooks/dead` (extension): dead-lettered deliveries, newest first. */
export const DeadLettersReplySchema = Type.Object({
  deadLetters: Type.Array(
    Type.Object({ id: Text, eventId: Text, type: Text, payload: Type.Record(Type.String(), Type.Unknown()), createdAt: IsoTime, attempts: Type.Integer(), deadAt: IsoTime, lastError: Nullable(Text) }),
  ),
  next: Cursor,
});

/** `POST /api/webhooks/dead/:id/resend`, `POST /api/webhooks/dead/resend`: the ids of the letters made
 * pending again (a letter no longer dead is left out). */
export const RequeuedReplySchema = Type.Object({ requeued: Type.Array(Text) });

/** See ErrorReplySchema. */
export type ErrorReply = Static<typeof ErrorReplySchema>;
/** See EventCreatedReplySchema. */
export type EventCreatedReply = Static<typeof EventCreatedReplySchema>;
/** See EventDetailsReplySchema. */
export type EventDetailsReply = Static<typeof EventDetailsReplySchema>;
