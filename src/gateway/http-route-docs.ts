// What the OpenAPI document says of each route beyond its method and path (which come from the route
// table as registered): who may call it, its query, and the TypeBox schemas of its body and replies
// (protocol/). A route registered without an entry still appears, described as undocumented.
import type { TSchema } from '@sinclair/typebox';
import {
  AuditPageReplySchema,
  BlockBodySchema,
  BlockReplySchema,
  CheckInRefusedReplySchema,
  DeadLettersReplySchema,
  EventCreatedReplySchema,
  EventDefinitionBodySchema,
  EventDetailsReplySchema,
  EventListReplySchema,
  EventPatchBodySchema,
  EventPatchReplySchema,
  ForcedReleaseReplySchema,
  HealthReplySchema,
  HoldViewSchema,
  MyOrdersReplySchema,
  OrderCancelledReplySchema,
  OrderReplySchema,
  OrdersPageReplySchema,
  QueueInfoBodySchema,
  ReadyReplySchema,
  SalesBodySchema,
  SalesReplySchema,
  RequeuedReplySchema,
  ResendBodySchema,
  SalesSummarySchema,
  StaffHoldBodySchema,
  StaffHoldReleasedReplySchema,
  StaffHoldsReplySchema,
  TicketReplySchema,
  TokenReplySchema,
} from '../../protocol';

/** A reply that is not JSON: its media type and what it holds. */
export interface OtherReply {
  contentType: string;
  description: string;
}

/** The documentation of one route. */
export interface RouteDoc {
  summary: string;
  /** Who may call it: a role or more (`any`: also without a token). */
  role: 'any' | 'customer' | 'staff' | 'admin' | 'the buyer or staff';
  /** Query parameters: name → description. */
  query?: Record<string, string>;
  /** The JSON body. */
  body?: TSchema;
  /** Replies other than the `{error}` ones, by status. */
  replies: Record<number, TSchema | OtherReply>;
}

const MAP: OtherReply = { contentType: 'application/json', description: 'the layout (docs/protocol.md, "Map on the wire"); `?form=compact` for the compact form' };
const PAGE = { limit: 'page size' };

/** Route docs by `METHOD path` as registered (`:name` parameters). */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /healthz': { summary: 'Liveness', role: 'any', replies: { 200: HealthReplySchema } },
  'GET /readyz': { summary: 'Readiness: may this node take traffic', role: 'any', replies: { 200: ReadyReplySchema, 503: ReadyReplySchema } },
  'GET /metrics': { summary: 'Prometheus metrics', role: 'any', replies: { 200: { contentType: 'text/plain', description: 'Prometheus text format' } } },
  'GET /api/dev/token': {
    summary: 'A signed token for any user and role (dev mode only)',
    role: 'any',
    query: { role: 'customer (default), staff or admin', sub: 'the user id (default alice)' },
    replies: { 200: TokenReplySchema },
  },
  'GET /api/openapi.json': { summary: 'This document', role: 'any', replies: { 200: { contentType: 'application/json', description: 'OpenAPI 3.1' } } },
  'GET /api/asyncapi.json': { summary: 'The AsyncAPI 3 description of /ws', role: 'any', replies: { 200: { contentType: 'application/json', description: 'AsyncAPI 3' } } },
  'POST /api/events': { summary: 'Create an event from its definition', role: 'admin', body: EventDefinitionBodySchema, replies: { 201: EventCreatedReplySchema } },
  'GET /api/events': {
    summary: 'List events (drafts to staff only)',
    role: 'any',
    query: { archived: 'true: include archived events (staff)' },
    replies: { 200: EventListReplySchema },
  },
  'GET /api/events/:id': { summary: 'An event with its live figures', role: 'any', replies: { 200: EventDetailsReplySchema } },
  'PATCH /api/events/:id': { summary: 'Edit an event (not its layout), publish, archive', role: 'admin', body: EventPatchBodySchema, replies: { 200: EventPatchReplySchema } },
  'GET /api/events/:id/map': { summary: 'The seat map (ETag, a minute in shared caches)', role: 'any', query: { form: 'v1 (default) or compact' }, replies: { 200: MAP, 304: { contentType: 'application/json', description: 'not modified' } } },
  'GET /api/events/:id/map/v/:version': { summary: 'The seat map of one version (cacheable for a year)', role: 'any', query: { form: 'v1 (default) or compact' }, replies: { 200: MAP } },
  'GET /api/events/:id/snapshot': {
    summary: 'Live availability: the snapshot a subscribe gets (a second in shared caches)',
    role: 'any',
    query: { packing: 'packed (default) or bytes', format: 'msgpack (default) or json' },
    replies: { 200: { contentType: 'application/msgpack', description: 'the snapshot message without rid (docs/protocol.md, "Snapshot over HTTP")' }, 304: { contentType: 'application/msgpack', description: 'not modified' } },
  },
  'POST /api/events/:id/sales': { summary: 'Pause or resume sales', role: 'staff', body: SalesBodySchema, replies: { 200: SalesReplySchema } },
  'POST /api/events/:id/block': { summary: 'Take seats off sale or put them back', role: 'staff', body: BlockBodySchema, replies: { 200: BlockReplySchema } },
  'GET /api/events/:id/orders': { summary: "An event's orders, oldest first", role: 'staff', query: { ...PAGE, after: 'the `next` of the previous page' }, replies: { 200: OrdersPageReplySchema } },
  'GET /api/events/:id/orders.csv': { summary: 'Every order, one line per seat or place', role: 'staff', replies: { 200: { contentType: 'text/csv', description: 'streamed, with a header line' } } },
  'GET /api/events/:id/summary': { summary: 'Sales per category (extension)', role: 'staff', replies: { 200: SalesSummarySchema } },
  'GET /api/events/:id/queue': { summary: "The waiting room's state and limits", role: 'staff', replies: { 200: QueueInfoBodySchema } },
  'GET /api/events/:id/holds': { summary: 'Every live hold', role: 'staff', replies: { 200: StaffHoldsReplySchema } },
  'DELETE /api/events/:id/holds/:holdId': { summary: "Release anybody's hold (its owner is pushed `expired`)", role: 'staff', replies: { 200: ForcedReleaseReplySchema } },
  'POST /api/events/:id/staff-holds': {
    summary: 'Hold seats and places for the house (comps, house seats) until released: never expires, counted as `staffHeld`',
    role: 'staff',
    body: StaffHoldBodySchema,
    replies: { 201: HoldViewSchema },
  },
  'DELETE /api/events/:id/staff-holds/:holdId': { summary: 'Release a staff hold: its seats and places go back on sale', role: 'staff', replies: { 200: StaffHoldReleasedReplySchema } },
  'GET /api/events/:id/audit': { summary: "The event's audit trail, newest first (extension)", role: 'staff', query: { ...PAGE, before: 'the `next` of the previous page' }, replies: { 200: AuditPageReplySchema } },
  'GET /api/audit': { summary: 'The audit trail, newest first (extension)', role: 'staff', query: { ...PAGE, before: 'the `next` of the previous page', eventId: 'only this event' }, replies: { 200: AuditPageReplySchema } },
  'GET /api/orders/:orderId': { summary: 'An order with its tickets', role: 'the buyer or staff', replies: { 200: OrderReplySchema } },
  'POST /api/orders/:orderId/cancel': { summary: 'Cancel a confirmed order', role: 'staff', replies: { 200: OrderCancelledReplySchema } },
  'GET /api/webhooks/dead': { summary: 'Dead-lettered webhook deliveries, newest first (extension)', role: 'staff', query: { ...PAGE, before: 'the `next` of the previous page' }, replies: { 200: DeadLettersReplySchema } },
  'POST /api/webhooks/dead/:id/resend': { summary: 'Send one dead-lettered webhook again', role: 'staff', replies: { 200: RequeuedReplySchema } },
  'POST /api/webhooks/dead/resend': { summary: 'Send every dead-lettered webhook (of one event) again', role: 'staff', body: ResendBodySchema, replies: { 200: RequeuedReplySchema } },
  'GET /api/me/orders': { summary: "The caller's own orders in an event", role: 'customer', query: { eventId: 'the event (required)' }, replies: { 200: MyOrdersReplySchema } },
  'GET /api/tickets/:code': { summary: 'A ticket by its code', role: 'staff', replies: { 200: TicketReplySchema } },
  'POST /api/tickets/:code/check-in': { summary: 'Check a ticket in at the gate', role: 'staff', replies: { 200: TicketReplySchema, 409: CheckInRefusedReplySchema } },
};
