// Turns an edit of a live event (`PATCH /api/events/:id`) into the event's next definition. The layout
// (seats, areas, which category a seat is in) never changes once created; everything else an edit
// names is checked as a new definition would be. Whether a price may change now (nothing of that
// category sold) depends on the sale, so the actor's core decides that (decide-admin.ts).
import { DefinitionError, expandDefinition } from './definition';
import { DEFAULT_ADMISSION_TTL_SECONDS } from './queue-settings';
import type { Category, EventDefinition, EventHeader, PriceTier, QueueDefinition, SeatDefinition } from './types';

/** A waiting-room edit: named fields replace the current ones; `null` removes a limit or `openAt`. */
export interface QueuePatch {
  mode?: 'off' | 'on';
  openAt?: string | null;
  maxActive?: number | null;
  admitPerMinute?: number | null;
  admissionTtlSeconds?: number;
}

/** What an edit may change; absent fields stay as they are, `null` clears a sales window end. */
export interface EventPatch {
  name?: string;
  startsAt?: string;
  salesOpenAt?: string | null;
  salesCloseAt?: string | null;
  holdTtlSeconds?: number;
  maxSeatsPerUser?: number;
  /** Names existing categories only; a category not named keeps its name and price. */
  categories?: { id: string; name?: string; price?: number; tiers?: PriceTier[] }[];
  /** The per-ticket fee (0: none). */
  feePerTicket?: number;
  /** true: back to draft (nobody can hold); false: published. */
  draft?: boolean;
  /** The waiting room's settings, merged into the current ones (absent before: off). */
  queue?: QueuePatch;
}

/** The definition after `patch`, fully checked; throws DefinitionError naming the field. */
export function patchDefinition<D extends EventHeader>(current: D, patch: EventPatch): D {
  const categories = mergeCategories(current.categories, patch.categories ?? []);
  const salesOpenAt = patch.salesOpenAt === null ? undefined : (patch.salesOpenAt ?? current.salesOpenAt);
  const salesCloseAt = patch.salesCloseAt === null ? undefined : (patch.salesCloseAt ?? current.salesCloseAt);
  // The same checks as a new event's: times parse, the window is in order, bounds hold.
  const checked = expandDefinition({
    id: current.id,
    name: patch.name ?? current.name,
    startsAt: patch.startsAt ?? current.startsAt,
    holdTtlSeconds: patch.holdTtlSeconds ?? current.holdTtlSeconds,
    maxSeatsPerUser: patch.maxSeatsPerUser ?? current.maxSeatsPerUser,
    salesOpenAt,
    salesCloseAt,
    categories,
    feePerTicket: patch.feePerTicket ?? current.feePerTicket,
    // The areas' categories are checked against the merged list; seats keep theirs (ids cannot change).
    areas: current.areas,
    seats: sampleSeats(current),
    queue: patch.queue === undefined ? undefined : mergeQueue(current.queue, patch.queue),
  });
  // Fields other parts of the server keep in the definition (queue, orphans, …) travel on unchanged.
  const next: D = {
    ...current,
    name: checked.name,
    startsAt: checked.startsAt,
    holdTtlSeconds: checked.holdTtlSeconds,
    maxSeatsPerUser: checked.maxSeatsPerUser,
    categories: checked.categories,
  };
  if (checked.feePerTicket === undefined) delete next.feePerTicket;
  else next.feePerTicket = checked.feePerTicket;
  if (salesOpenAt === undefined) delete next.salesOpenAt;
  else next.salesOpenAt = salesOpenAt;
  if (salesCloseAt === undefined) delete next.salesCloseAt;
  else next.salesCloseAt = salesCloseAt;
  if (checked.queue !== undefined) next.queue = checked.queue;
  if (patch.draft === true) next.draft = true;
  else if (patch.draft === false) delete next.draft;
  return next;
}

/**
 * A seat standing in for the event's seats in the checks: its first one, or, for a definition loaded
 * without seats (the actor's, next to a compact layout) and without areas, one of the first category.
 */
function sampleSeats(current: EventHeader): SeatDefinition[] | undefined {
  const seats = (current as Partial<EventDefinition>).seats;
  if (seats !== undefined) return seats.length > 0 ? [seats[0]] : undefined;
  if (current.areas.length > 0 || current.categories.length === 0) return undefined;
  return [{ id: 'seat', section: 'section', row: '1', number: 1, x: 0, y: 0, category: current.categories[0].id, accessible: false }];
}

function mergeQueue(current: QueueDefinition | undefined, edit: QueuePatch): QueueDefinition {
  const merged: QueueDefinition = { ...(current ?? { mode: 'off', admissionTtlSeconds: DEFAULT_ADMISSION_TTL_SECONDS }) };
  if (edit.mode !== undefined) merged.mode = edit.mode;
  if (edit.admissionTtlSeconds !== undefined) merged.admissionTtlSeconds = edit.admissionTtlSeconds;
  for (const key of ['openAt', 'maxActive', 'admitPerMinute'] as const) {
    const value = edit[key];
    if (value === null) delete merged[key];
    else if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}

function mergeCategories(current: Category[], edits: NonNullable<EventPatch['categories']>): Category[] {
  const merged = current.map((c) => ({ ...c }));
  const index = new Map(merged.map((c, i) => [c.id, i]));
  edits.forEach((edit, i) => {
    const at = index.get(edit.id);
    if (at === undefined) throw new DefinitionError(`categories[${i}].id`, `unknown category '${edit.id}' (categories cannot be added)`);
    if (edit.name !== undefined) merged[at].name = edit.name;
    if (edit.price !== undefined) merged[at].price = edit.price;
    if (edit.tiers !== undefined) merged[at].tiers = edit.tiers;
  });
  return merged;
}

/** Ids of the categories whose price or tiers differ between two definitions of one event. */
export function repricedCategories(before: EventHeader, after: EventHeader): string[] {
  const old = new Map(before.categories.map((c) => [c.id, pricesOf(c)]));
  return after.categories.filter((c) => old.get(c.id) !== pricesOf(c)).map((c) => c.id);
}

/** A category's prices as one comparable string: its own and each tier's (with its limit). */
function pricesOf(category: Category): string {
  return JSON.stringify([category.price, category.tiers ?? []]);
}
