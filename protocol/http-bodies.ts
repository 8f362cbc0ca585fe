// JSON bodies of the HTTP API (docs/protocol.md, "HTTP API"): shapes and bounds only. References between
// fields (known categories, unique ids, seat totals, sales window order) are the domain's to check.
import { Type, type Static } from '@sinclair/typebox';
import { DateTimeSchema, EventIdSchema, IdSchema, idSchema, intSchema, textSchema } from './fields';
import { QueueSettingsBodySchema } from './queue-messages';
import {
  MAX_AREA_CAPACITY,
  MAX_AREAS,
  MAX_BLOCK_SEATS,
  MAX_CATEGORIES,
  MAX_COORDINATE,
  MAX_HOLD_TTL_SECONDS,
  MAX_PRICE,
  MAX_ROW_LABEL_LENGTH,
  MAX_ROWS,
  MAX_SEAT_LABEL_NUMBER,
  MAX_SEATS_PER_EVENT,
  MAX_SEATS_PER_ROW,
  MAX_SEATS_PER_USER,
  MAX_SECTION_ID_LENGTH,
  MAX_SECTIONS,
  MAX_TIERS,
  MIN_HOLD_TTL_SECONDS,
} from './limits';

const Coordinate = Type.Number({ minimum: -MAX_COORDINATE, maximum: MAX_COORDINATE });

/** A price tier of a category (adult, child, …): its own price and an optional per-order limit. */
export const PriceTierBodySchema = Type.Object({
  id: IdSchema,
  name: textSchema(),
  price: intSchema(0, MAX_PRICE),
  maxPerOrder: Type.Optional(intSchema(1, MAX_SEATS_PER_USER)),
});
/** An ISO 4217 currency code, e.g. `EUR`. */
export const CurrencySchema = Type.String({ pattern: '^[A-Z]{3}$', errorMessage: 'must be an ISO 4217 code such as "EUR"' });
/** A price category: `price` is an integer in the smallest currency unit. */
export const CategoryBodySchema = Type.Object({
  id: IdSchema,
  name: textSchema(),
  price: intSchema(0, MAX_PRICE),
  tiers: Type.Optional(Type.Array(PriceTierBodySchema, { minItems: 1, maxItems: MAX_TIERS })),
});

/** A length on the map (pitch, curve, side of a shape): positive, within the coordinate bound. */
const Extent = Type.Number({ minimum: 0, maximum: MAX_COORDINATE });

/** A rectangle on the map centred at (x, y): the stage, a standing area. */
export const MapRectSchema = Type.Object({ x: Coordinate, y: Coordinate, width: Extent, height: Extent });

/**
 * A generated block of seats: ids "<section>-<row>-<number>", rows and numbers from 1. With an `origin`
 * it is placed on the venue (front row's centre), turned by `rotation` degrees, its rows curved around a
 * point `curve` units in front; without, sections sit side by side in a strip (v1).
 */
export const SectionBodySchema = Type.Object({
  id: idSchema(MAX_SECTION_ID_LENGTH),
  category: IdSchema,
  rows: intSchema(1, MAX_ROWS),
  seatsPerRow: intSchema(1, MAX_SEATS_PER_ROW),
  accessibleRows: Type.Optional(Type.Array(intSchema(1, MAX_ROWS), { maxItems: MAX_ROWS })),
  origin: Type.Optional(Type.Object({ x: Coordinate, y: Coordinate })),
  rotation: Type.Optional(Type.Number({ minimum: -360, maximum: 360 })),
  curve: Type.Optional(Extent),
  seatPitch: Type.Optional(Extent),
  rowPitch: Type.Optional(Extent),
  /** Rows of companion seats (beside accessible ones), held back with them. */
  companionRows: Type.Optional(Type.Array(intSchema(1, MAX_ROWS), { maxItems: MAX_ROWS })),
});

/** One explicitly placed seat; `row` is a label (text) or a number. */
export const SeatBodySchema = Type.Object({
  id: IdSchema,
  section: textSchema(),
  row: Type.Union([textSchema(MAX_ROW_LABEL_LENGTH), intSchema(0, MAX_SEAT_LABEL_NUMBER)], {
    errorMessage: `must be a label of 1..${MAX_ROW_LABEL_LENGTH} characters or an integer 0..${MAX_SEAT_LABEL_NUMBER}`,
  }),
  number: intSchema(0, MAX_SEAT_LABEL_NUMBER),
  x: Coordinate,
  y: Coordinate,
  category: IdSchema,
  accessible: Type.Optional(Type.Boolean()),
  /** A companion seat beside an accessible one. */
  companion: Type.Optional(Type.Boolean()),
});

/** Hours in a year: the longest accessible hold-back before an event's start that makes sense. */
const MAX_HOLD_BACK_HOURS = 8760;

/** Until when accessible and companion seats go only to holds that ask: exactly one of the two (the
 * domain checks that), a fixed time or a number of hours before the event's start. */
export const AccessibleHoldBackSchema = Type.Object({
  until: Type.Optional(DateTimeSchema),
  hoursBeforeStart: Type.Optional(intSchema(0, MAX_HOLD_BACK_HOURS)),
});

/** A general-admission area of `capacity` interchangeable places. */
export const AreaBodySchema = Type.Object({
  id: IdSchema,
  name: textSchema(),
  capacity: intSchema(1, MAX_AREA_CAPACITY),
  category: IdSchema,
  shape: Type.Optional(MapRectSchema),
});

/** `POST /api/events`: the event definition (sections or seats, not both; the domain enforces that). */
export const EventDefinitionBodySchema = Type.Object({
  id: EventIdSchema,
  name: textSchema(),
  startsAt: DateTimeSchema,
  holdTtlSeconds: Type.Optional(intSchema(MIN_HOLD_TTL_SECONDS, MAX_HOLD_TTL_SECONDS)),
  maxSeatsPerUser: Type.Optional(intSchema(1, MAX_SEATS_PER_USER)),
  salesOpenAt: Type.Optional(DateTimeSchema),
  salesCloseAt: Type.Optional(DateTimeSchema),
  categories: Type.Array(CategoryBodySchema, { minItems: 1, maxItems: MAX_CATEGORIES }),
  /** v1.1: added to each ticket's price; `currency` names what the prices are in. */
  feePerTicket: Type.Optional(intSchema(0, MAX_PRICE)),
  currency: Type.Optional(CurrencySchema),
  sections: Type.Optional(Type.Array(SectionBodySchema, { maxItems: MAX_SECTIONS })),
  seats: Type.Optional(Type.Array(SeatBodySchema, { maxItems: MAX_SEATS_PER_EVENT })),
  areas: Type.Optional(Type.Array(AreaBodySchema, { maxItems: MAX_AREAS })),
  stage: Type.Optional(Type.Object({ ...MapRectSchema.properties, label: Type.Optional(textSchema()) })),
  orphans: Type.Optional(
    Type.Union([Type.Literal('allow'), Type.Literal('block')], { errorMessage: 'must be "allow" or "block"' }),
  ),
  accessibleHoldBack: Type.Optional(AccessibleHoldBackSchema),
  /** v1.1: created as a draft (staff can look, nobody can hold) until published by an edit. */
  draft: Type.Optional(Type.Boolean()),
  queue: Type.Optional(QueueSettingsBodySchema),
});

/** `POST /api/events/:id/sales`: pause (false) or resume (true) sales. */
export const SalesBodySchema = Type.Object({ open: Type.Boolean() });

/** `POST /api/events/:id/block`: take seats off sale (true) or put them back (false). */
export const BlockBodySchema = Type.Object({
  seats: Type.Array(IdSchema, { minItems: 1, maxItems: MAX_BLOCK_SEATS }),
  blocked: Type.Boolean(),
});

/** `POST /api/webhooks/dead/resend`: which event's letters; no `eventId` (or no body) for all. */
export const ResendBodySchema = Type.Object({ eventId: Type.Optional(EventIdSchema) }, { additionalProperties: false });

/** See CategoryBodySchema. */
export type CategoryBody = Static<typeof CategoryBodySchema>;
/** See SectionBodySchema. */
export type SectionBody = Static<typeof SectionBodySchema>;
/** See SeatBodySchema. */
export type SeatBody = Static<typeof SeatBodySchema>;
/** See AreaBodySchema. */
export type AreaBody = Static<typeof AreaBodySchema>;
/** See EventDefinitionBodySchema. */
export type EventDefinitionBody = Static<typeof EventDefinitionBodySchema>;
/** See SalesBodySchema. */
export type SalesBody = Static<typeof SalesBodySchema>;
/** See BlockBodySchema. */
export type BlockBody = Static<typeof BlockBodySchema>;
/** See ResendBodySchema. */
export type ResendBody = Static<typeof ResendBodySchema>;
