// JSON bodies of the HTTP API (CONTRACT.md, "HTTP API"): shapes and bounds only. References between
// fields (known categories, unique ids, seat totals, sales window order) are the domain's to check.
import { Type, type Static } from '@sinclair/typebox';
import { DateTimeSchema, EventIdSchema, IdSchema, idSchema, intSchema, textSchema } from './fields';
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
  MIN_HOLD_TTL_SECONDS,
} from './limits';

const Coordinate = Type.Number({ minimum: -MAX_COORDINATE, maximum: MAX_COORDINATE });

/** A price category: `price` is an integer in the smallest currency unit. */
export const CategoryBodySchema = Type.Object({ id: IdSchema, name: textSchema(), price: intSchema(0, MAX_PRICE) });

/** A generated block of seats: ids "<section>-<row>-<number>", rows and numbers from 1. */
export const SectionBodySchema = Type.Object({
  id: idSchema(MAX_SECTION_ID_LENGTH),
  category: IdSchema,
  rows: intSchema(1, MAX_ROWS),
  seatsPerRow: intSchema(1, MAX_SEATS_PER_ROW),
  accessibleRows: Type.Optional(Type.Array(intSchema(1, MAX_ROWS), { maxItems: MAX_ROWS })),
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
});

/** A general-admission area of `capacity` interchangeable places. */
export const AreaBodySchema = Type.Object({
  id: IdSchema,
  name: textSchema(),
  capacity: intSchema(1, MAX_AREA_CAPACITY),
  category: IdSchema,
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
  sections: Type.Optional(Type.Array(SectionBodySchema, { maxItems: MAX_SECTIONS })),
  seats: Type.Optional(Type.Array(SeatBodySchema, { maxItems: MAX_SEATS_PER_EVENT })),
  areas: Type.Optional(Type.Array(AreaBodySchema, { maxItems: MAX_AREAS })),
});

/** `POST /api/events/:id/sales`: pause (false) or resume (true) sales. */
export const SalesBodySchema = Type.Object({ open: Type.Boolean() });

/** `POST /api/events/:id/block`: take seats off sale (true) or put them back (false). */
export const BlockBodySchema = Type.Object({
  seats: Type.Array(IdSchema, { minItems: 1, maxItems: MAX_BLOCK_SEATS }),
  blocked: Type.Boolean(),
});

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
