// JSON bodies of the staff and admin routes added in v1.1 (event edits): shapes and bounds only; what
// a change may do to a live event (a sold category's price) is the domain's to check.
import { Type, type Static } from '@sinclair/typebox';
import { compileSchema, duplicateProblem } from './compiled-schema';
import { DateTimeSchema, IdSchema, idRecordSchema, intSchema, textSchema } from './fields';
import { PriceTierBodySchema } from './http-bodies';
import {
  MAX_AREA_CAPACITY,
  MAX_AREAS,
  MAX_BLOCK_SEATS,
  MAX_CATEGORIES,
  MAX_TIERS,
  MAX_HOLD_TTL_SECONDS,
  MAX_PRICE,
  MAX_SEATS_PER_USER,
  MIN_HOLD_TTL_SECONDS,
} from './limits';
import { QueuePatchBodySchema } from './queue-messages';
import type { BodyResult } from './validate';

/** A category edit: names an existing category; `name`, `price` and `tiers` change what they say. */
export const CategoryPatchSchema = Type.Object({
  id: IdSchema,
  name: Type.Optional(textSchema()),
  price: Type.Optional(intSchema(0, MAX_PRICE)),
  /** Replaces the category's tiers as a whole (an empty list removes them). */
  tiers: Type.Optional(Type.Array(PriceTierBodySchema, { maxItems: MAX_TIERS })),
});

/**
 * `PATCH /api/events/:id`: every field optional; `null` clears a sales window end. `draft` publishes
 * (false) or takes back to draft (true); `archived` moves the event out of the default list. `queue`
 * edits the waiting room's settings (merged into the current ones).
 */
export const EventPatchBodySchema = Type.Object({
  name: Type.Optional(textSchema()),
  startsAt: Type.Optional(DateTimeSchema),
  salesOpenAt: Type.Optional(Type.Union([DateTimeSchema, Type.Null()])),
  salesCloseAt: Type.Optional(Type.Union([DateTimeSchema, Type.Null()])),
  holdTtlSeconds: Type.Optional(intSchema(MIN_HOLD_TTL_SECONDS, MAX_HOLD_TTL_SECONDS)),
  maxSeatsPerUser: Type.Optional(intSchema(1, MAX_SEATS_PER_USER)),
  feePerTicket: Type.Optional(intSchema(0, MAX_PRICE)),
  categories: Type.Optional(Type.Array(CategoryPatchSchema, { minItems: 1, maxItems: MAX_CATEGORIES })),
  draft: Type.Optional(Type.Boolean()),
  archived: Type.Optional(Type.Boolean()),
  queue: Type.Optional(QueuePatchBodySchema),
});

/** See CategoryPatchSchema. */
export type CategoryPatch = Static<typeof CategoryPatchSchema>;
/** See EventPatchBodySchema. */
export type EventPatchBody = Static<typeof EventPatchBodySchema>;

const PATCHABLE = new Set(Object.keys(EventPatchBodySchema.properties));

const eventPatch = compileSchema(EventPatchBodySchema, (body) => {
  for (const key of Object.keys(body)) {
    // The layout (seats, sections, areas) and the id cannot change; a typo must not pass silently.
    if (!PATCHABLE.has(key)) return `${key}: cannot be changed by an edit`;
  }
  const ids = new Set<string>();
  for (const [i, category] of (body.categories ?? []).entries()) {
    if (ids.has(category.id)) return `categories[${i}].id: duplicate '${category.id}'`;
    ids.add(category.id);
  }
  return Object.keys(body).length === 0 ? 'nothing to change: name at least one field' : undefined;
});

/** Validates a `PATCH /api/events/:id` body; on success a copy holding only the known fields. */
export function parseEventPatchBody(value: unknown): BodyResult<EventPatchBody> {
  const problem = eventPatch.problem(value);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, value: eventPatch.pick(value as EventPatchBody) };
}

/**
 * `POST /api/events/:id/staff-holds`: seats and standing places staff keep off sale (house seats,
 * comps) until they release them, with a note saying why. At least one seat or place; as many seats as
 * one block may name.
 */
export const StaffHoldBodySchema = Type.Object({
  seats: Type.Optional(Type.Array(IdSchema, { maxItems: MAX_BLOCK_SEATS })),
  areas: Type.Optional(idRecordSchema(intSchema(1, MAX_AREA_CAPACITY), { maxProperties: MAX_AREAS })),
  note: textSchema(),
});

/** See StaffHoldBodySchema. */
export type StaffHoldBody = Static<typeof StaffHoldBodySchema>;

const staffHold = compileSchema(StaffHoldBodySchema, (body) => {
  const duplicate = duplicateProblem(body.seats, 'seats');
  if (duplicate !== undefined) return duplicate;
  if ((body.seats ?? []).length === 0 && Object.keys(body.areas ?? {}).length === 0) return 'seats: name at least one seat or area place';
  return body.note.trim().length === 0 ? 'note: must say why the seats are held' : undefined;
});

/** Validates a `POST /api/events/:id/staff-holds` body; on success a copy holding only the known fields. */
export function parseStaffHoldBody(value: unknown): BodyResult<StaffHoldBody> {
  const problem = staffHold.problem(value);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, value: staffHold.pick(value as StaffHoldBody) };
}
