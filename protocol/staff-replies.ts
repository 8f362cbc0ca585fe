// Replies of the staff routes that the dashboard reads: the holds list and the sales summary (TypeBox
// schemas, the types derived from them; the OpenAPI document describes the routes with them).
import { Type, type Static } from '@sinclair/typebox';

/** A live hold as staff see it (`GET /api/events/:id/holds`). Times are epoch ms; `buying`: being
 * bought, it cannot be released until the purchase ends. `staff`: a staff hold (house seats, comps)
 * made by `userId` for the reason in `note`; it never expires (`expiresAt` null) and is released with
 * `DELETE /api/events/:id/staff-holds/:holdId`. */
export const HoldViewSchema = Type.Object({
  holdId: Type.String(),
  userId: Type.String(),
  seats: Type.Array(Type.String()),
  areas: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  createdAt: Type.Number(),
  expiresAt: Type.Union([Type.Number(), Type.Null()]),
  extensions: Type.Integer({ minimum: 0 }),
  buying: Type.Boolean(),
  staff: Type.Boolean(),
  note: Type.Optional(Type.String()),
});

/** Sales of one price tier of one category (`tier` null: the category's own price). */
export const TierSummarySchema = Type.Object({
  tier: Type.Union([Type.String(), Type.Null()]),
  sold: Type.Integer(),
  cancelled: Type.Integer(),
  revenue: Type.Integer(),
});

/** Sold and cancelled tickets and revenue of one category (`GET /api/events/:id/summary`): `sold` the
 * tickets (seats and places) of confirmed orders, `cancelled` those of cancelled ones, `revenue` the
 * prices paid for them (fees not included); `tiers` the same per tier bought (only tiers with tickets). */
export const CategorySummarySchema = Type.Object({
  category: Type.String(),
  name: Type.String(),
  price: Type.Integer(),
  sold: Type.Integer(),
  cancelled: Type.Integer(),
  revenue: Type.Integer(),
  tiers: Type.Array(TierSummarySchema),
});

/** The whole sales summary of an event. */
export const SalesSummarySchema = Type.Object({
  eventId: Type.String(),
  orders: Type.Integer(),
  cancelledOrders: Type.Integer(),
  tickets: Type.Integer(),
  revenue: Type.Integer(),
  /** The fees within `revenue`. */
  fees: Type.Integer(),
  categories: Type.Array(CategorySummarySchema),
});

/** See HoldViewSchema. */
export type HoldView = Static<typeof HoldViewSchema>;
/** See TierSummarySchema. */
export type TierSummary = Static<typeof TierSummarySchema>;
/** See CategorySummarySchema. */
export type CategorySummary = Static<typeof CategorySummarySchema>;
/** See SalesSummarySchema. */
export type SalesSummary = Static<typeof SalesSummarySchema>;
