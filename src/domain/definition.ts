// Turns the HTTP body of `POST /api/events` into a fully expanded EventDefinition.
// The gateway's schema has already checked types; this file checks what a schema cannot see
// (references, uniqueness, totals) and generates the seats of `sections`.
import type { SectionGeometry } from './section-geometry';
import { placeSection } from './section-geometry';
import { DEFAULT_ADMISSION_TTL_SECONDS } from './queue-settings';
import type {
  AccessibleHoldBack,
  AreaDefinition,
  Category,
  EventDefinition,
  MapRect,
  OrphanPolicy,
  PriceTier,
  QueueDefinition,
  SeatDefinition,
  StageDefinition,
} from './types';

/** Seat cap per event: the layout and the status snapshot are sized for it (one byte per seat). */
export const MAX_SEATS = 200_000;
/** docs/protocol.md: `holdTtlSeconds` defaults to 600. */
export const DEFAULT_HOLD_TTL_SECONDS = 600;
/** docs/protocol.md: `maxSeatsPerUser` defaults to 10. */
export const DEFAULT_MAX_SEATS_PER_USER = 10;
/** One year: keeps `createdAt + 2 × ttl` exact in epoch milliseconds with room to spare. */
const MAX_HOLD_TTL_SECONDS = 31_536_000;
/** Prices, capacities and per-seat prices live in Int32Arrays. */
const MAX_INT32 = 2_147_483_647;
/** Category indexes live in a Uint16Array. */
const MAX_CATEGORIES = 65_535;
/** Empty seat widths between generated sections, so their coordinates never overlap. */
const SECTION_GAP = 2;
/** Smallest seat or row pitch and shape side: a hundredth, the coordinates' precision. */
const MIN_PITCH = 0.01;
/** Largest curve, pitch or shape side: the protocol's coordinate bound. */
const MAX_EXTENT = 1_000_000;

/**
 * A block of generated seats: `rows` × `seatsPerRow`, ids `"<section>-<row>-<number>"`; placed on the
 * venue by its geometry (origin, rotation, curve), or side by side in a strip without an origin.
 */
export interface SectionInput extends SectionGeometry {
  id: string;
  category: string;
  rows: number;
  seatsPerRow: number;
  accessibleRows?: number[];
  /** Rows of companion seats (beside accessible ones). */
  companionRows?: number[];
}

/** One explicitly placed seat; `row` may come as a number and is stored as a string. */
export interface SeatInput {
  id: string;
  section: string;
  row: string | number;
  number: number;
  x: number;
  y: number;
  category: string;
  accessible?: boolean;
  companion?: boolean;
}

/** The HTTP body of `POST /api/events` (docs/protocol.md "Event definition"), after schema validation. */
export interface EventDefinitionInput {
  id: string;
  name: string;
  startsAt: string;
  holdTtlSeconds?: number;
  maxSeatsPerUser?: number;
  salesOpenAt?: string;
  salesCloseAt?: string;
  categories: Category[];
  feePerTicket?: number;
  currency?: string;
  sections?: SectionInput[];
  seats?: SeatInput[];
  areas?: AreaDefinition[];
  stage?: StageDefinition;
  orphans?: OrphanPolicy;
  accessibleHoldBack?: { until?: string; hoursBeforeStart?: number };
  /** Created as a draft: nobody can hold until it is published. */
  draft?: boolean;
  queue?: Omit<QueueDefinition, 'admissionTtlSeconds'> & { admissionTtlSeconds?: number };
}

/** A definition that is well typed but makes no sense; `path` names the field, e.g. `sections[0].category`. */
export class DefinitionError extends Error {
  /** Protocol error code (docs/protocol.md: `bad_request` names the field path). */
  readonly code = 'bad_request';
  /** The offending field, e.g. `areas[1].capacity`. */
  readonly path: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = 'DefinitionError';
    this.path = path;
  }
}

/** Checks a definition and expands its sections into seats; throws DefinitionError. */
export function expandDefinition(input: EventDefinitionInput): EventDefinition {
  const holdTtlSeconds = input.holdTtlSeconds ?? DEFAULT_HOLD_TTL_SECONDS;
  const maxSeatsPerUser = input.maxSeatsPerUser ?? DEFAULT_MAX_SEATS_PER_USER;
  checkInteger(holdTtlSeconds, 1, MAX_HOLD_TTL_SECONDS, 'holdTtlSeconds');
  checkInteger(maxSeatsPerUser, 1, MAX_SEATS, 'maxSeatsPerUser');
  checkTime(input.startsAt, 'startsAt');
  const opens = input.salesOpenAt === undefined ? undefined : checkTime(input.salesOpenAt, 'salesOpenAt');
  const closes = input.salesCloseAt === undefined ? undefined : checkTime(input.salesCloseAt, 'salesCloseAt');
  if (opens !== undefined && closes !== undefined && closes <= opens) {
    throw new DefinitionError('salesCloseAt', 'must be after salesOpenAt');
  }

  const categories = checkCategories(input.categories);
  const areas = checkAreas(input.areas ?? [], categories);
  let seats: SeatDefinition[];
  if (input.sections !== undefined && input.seats !== undefined) {
    throw new DefinitionError('seats', 'give either sections or seats, not both');
  } else if (input.sections !== undefined) {
    seats = expandSections(input.sections, categories);
  } else if (input.seats !== undefined) {
    seats = checkSeats(input.seats, categories);
  } else {
    seats = [];
  }
  if (seats.length === 0 && areas.length === 0) {
    const path = input.seats !== undefined ? 'seats' : 'sections';
    throw new DefinitionError(path, 'an event needs seats (from sections or seats) or areas');
  }

  const definition: EventDefinition = {
    id: input.id,
    name: input.name,
    startsAt: input.startsAt,
    holdTtlSeconds,
    maxSeatsPerUser,
    categories: input.categories.map(categoryOf),
    seats,
    areas,
  };
  if (input.stage !== undefined) {
    checkRect(input.stage, 'stage');
    definition.stage = { ...rectOf(input.stage), ...(input.stage.label === undefined ? {} : { label: input.stage.label }) };
  }
  if (input.feePerTicket !== undefined) {
    checkInteger(input.feePerTicket, 0, MAX_INT32, 'feePerTicket');
    if (input.feePerTicket > 0) definition.feePerTicket = input.feePerTicket;
  }
  if (input.currency !== undefined) {
    if (!/^[A-Z]{3}$/.test(input.currency)) throw new DefinitionError('currency', 'must be an ISO 4217 code such as "EUR"');
    definition.currency = input.currency;
  }
  if (input.orphans === 'block') definition.orphans = 'block';
  if (input.accessibleHoldBack !== undefined) definition.accessibleHoldBack = checkHoldBack(input.accessibleHoldBack);
  if (input.salesOpenAt !== undefined) definition.salesOpenAt = input.salesOpenAt;
  if (input.salesCloseAt !== undefined) definition.salesCloseAt = input.salesCloseAt;
  if (input.draft === true) definition.draft = true;
  if (input.queue !== undefined) definition.queue = checkQueue(input.queue);
  return definition;
}

/** The waiting room with its defaults filled in. */
function checkQueue(queue: NonNullable<EventDefinitionInput['queue']>): QueueDefinition {
  if (queue.openAt !== undefined) checkTime(queue.openAt, 'queue.openAt');
  const out: QueueDefinition = { mode: queue.mode, admissionTtlSeconds: queue.admissionTtlSeconds ?? DEFAULT_ADMISSION_TTL_SECONDS };
  if (queue.openAt !== undefined) out.openAt = queue.openAt;
  if (queue.maxActive !== undefined) out.maxActive = queue.maxActive;
  if (queue.admitPerMinute !== undefined) out.admitPerMinute = queue.admitPerMinute;
  return out;
}

/** A category as stored: only the known fields, tiers only when it offers some. */
function categoryOf(c: Category): Category {
  const out: Category = { id: c.id, name: c.name, price: c.price };
  if (c.tiers !== undefined && c.tiers.length > 0) {
    out.tiers = c.tiers.map((t) => {
      const tier: PriceTier = { id: t.id, name: t.name, price: t.price };
      if (t.maxPerOrder !== undefined) tier.maxPerOrder = t.maxPerOrder;
      return tier;
    });
  }
  return out;
}

/** Returns the set of category ids after checking ids, prices and tiers. */
function checkCategories(categories: Category[]): Set<string> {
  if (categories.length > MAX_CATEGORIES) {
    throw new DefinitionError('categories', `at most ${MAX_CATEGORIES} categories`);
  }
  const ids = new Set<string>();
  categories.forEach((category, i) => {
    checkUnique(ids, category.id, `categories[${i}].id`);
    checkInteger(category.price, 0, MAX_INT32, `categories[${i}].price`);
    const tierIds = new Set<string>();
    (category.tiers ?? []).forEach((tier, j) => {
      checkUnique(tierIds, tier.id, `categories[${i}].tiers[${j}].id`);
      checkInteger(tier.price, 0, MAX_INT32, `categories[${i}].tiers[${j}].price`);
      if (tier.maxPerOrder !== undefined) checkInteger(tier.maxPerOrder, 1, MAX_SEATS, `categories[${i}].tiers[${j}].maxPerOrder`);
    });
  });
  return ids;
}

function checkAreas(areas: AreaDefinition[], categories: Set<string>): AreaDefinition[] {
  const ids = new Set<string>();
  return areas.map((area, i) => {
    checkUnique(ids, area.id, `areas[${i}].id`);
    checkCategory(categories, area.category, `areas[${i}].category`);
    checkInteger(area.capacity, 1, MAX_INT32, `areas[${i}].capacity`);
    const checked: AreaDefinition = { id: area.id, name: area.name, capacity: area.capacity, category: area.category };
    if (area.shape !== undefined) {
      checkRect(area.shape, `areas[${i}].shape`);
      checked.shape = rectOf(area.shape);
    }
    return checked;
  });
}

/**
 * Unique section ids make generated seat ids unique: the last two dash-separated parts of an id are
 * always the row and the number (both dash-free), so the rest is the section.
 */
function expandSections(sections: SectionInput[], categories: Set<string>): SeatDefinition[] {
  const ids = new Set<string>();
  let total = 0;
  sections.forEach((section, i) => {
    checkUnique(ids, section.id, `sections[${i}].id`);
    checkCategory(categories, section.category, `sections[${i}].category`);
    checkInteger(section.rows, 1, MAX_SEATS, `sections[${i}].rows`);
    checkInteger(section.seatsPerRow, 1, MAX_SEATS, `sections[${i}].seatsPerRow`);
    const accessible = new Set(section.accessibleRows ?? []);
    (section.accessibleRows ?? []).forEach((row, j) => {
      checkInteger(row, 1, section.rows, `sections[${i}].accessibleRows[${j}]`);
    });
    checkGeometry(section, `sections[${i}]`);
    (section.companionRows ?? []).forEach((row, j) => {
      checkInteger(row, 1, section.rows, `sections[${i}].companionRows[${j}]`);
      if (accessible.has(row)) throw new DefinitionError(`sections[${i}].companionRows[${j}]`, 'is also an accessible row');
    });
    total += section.rows * section.seatsPerRow;
  });
  if (total > MAX_SEATS) throw new DefinitionError('sections', `${total} seats is more than ${MAX_SEATS}`);

  const seats: SeatDefinition[] = [];
  let offsetX = 0;
  for (const section of sections) {
    const accessibleRows = new Set(section.accessibleRows ?? []);
    const companionRows = new Set(section.companionRows ?? []);
    const { origin } = section;
    if (origin !== undefined) {
      placeSection({ ...section, origin }, section.rows, section.seatsPerRow, (row, number, x, y) => {
        seats.push({
          id: `${section.id}-${row}-${number}`,
          section: section.id,
          row: String(row),
          number,
          x,
          y,
          category: section.category,
          accessible: accessibleRows.has(row),
          ...(companionRows.has(row) ? { companion: true } : {}),
        });
      });
      continue;
    }
    for (let row = 1; row <= section.rows; row++) {
      const accessible = accessibleRows.has(row);
      const companion = companionRows.has(row);
      for (let number = 1; number <= section.seatsPerRow; number++) {
        seats.push({
          id: `${section.id}-${row}-${number}`,
          section: section.id,
          row: String(row),
          number,
          x: offsetX + number,
          y: row,
          category: section.category,
          accessible,
          ...(companion ? { companion } : {}),
        });
      }
    }
    offsetX += section.seatsPerRow + SECTION_GAP;
  }
  return seats;
}

/** Placement fields, when given: finite, pitches and curve not negative (a zero pitch stacks seats). */
function checkGeometry(section: SectionInput, path: string): void {
  const { origin, rotation, curve, seatPitch, rowPitch } = section;
  if (origin === undefined) {
    if (rotation !== undefined || curve !== undefined || seatPitch !== undefined || rowPitch !== undefined) {
      throw new DefinitionError(`${path}.origin`, 'rotation, curve and pitches place a section: give its origin too');
    }
    return;
  }
  checkFinite(origin.x, `${path}.origin.x`);
  checkFinite(origin.y, `${path}.origin.y`);
  if (rotation !== undefined) checkFinite(rotation, `${path}.rotation`);
  if (curve !== undefined) checkRange(curve, 0, MAX_EXTENT, `${path}.curve`);
  if (seatPitch !== undefined) checkRange(seatPitch, MIN_PITCH, MAX_EXTENT, `${path}.seatPitch`);
  if (rowPitch !== undefined) checkRange(rowPitch, MIN_PITCH, MAX_EXTENT, `${path}.rowPitch`);
}

function checkRect(rect: MapRect, path: string): void {
  checkFinite(rect.x, `${path}.x`);
  checkFinite(rect.y, `${path}.y`);
  checkRange(rect.width, MIN_PITCH, MAX_EXTENT, `${path}.width`);
  checkRange(rect.height, MIN_PITCH, MAX_EXTENT, `${path}.height`);
}

/** Only the rectangle's own fields: a body's extra keys are not stored. */
function rectOf(rect: MapRect): MapRect {
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
}

function checkRange(value: number, min: number, max: number, path: string): void {
  if (!Number.isFinite(value) || value < min || value > max) throw new DefinitionError(path, `must be a number from ${min} to ${max}`);
}

function checkSeats(seats: SeatInput[], categories: Set<string>): SeatDefinition[] {
  if (seats.length > MAX_SEATS) throw new DefinitionError('seats', `${seats.length} seats is more than ${MAX_SEATS}`);
  const ids = new Set<string>();
  // Best-available orders a row by seat number, so two seats at one (section, row, number) would be ambiguous.
  const positions = new Set<string>();
  return seats.map((seat, i) => {
    checkUnique(ids, seat.id, `seats[${i}].id`);
    checkCategory(categories, seat.category, `seats[${i}].category`);
    checkFinite(seat.number, `seats[${i}].number`);
    checkFinite(seat.x, `seats[${i}].x`);
    checkFinite(seat.y, `seats[${i}].y`);
    const row = String(seat.row);
    checkUnique(positions, `${seat.section}\u0000${row}\u0000${seat.number}`, `seats[${i}].number`);
    if (seat.companion === true && seat.accessible === true) {
      throw new DefinitionError(`seats[${i}].companion`, 'a seat is accessible or a companion seat, not both');
    }
    return {
      id: seat.id,
      section: seat.section,
      row,
      number: seat.number,
      x: seat.x,
      y: seat.y,
      category: seat.category,
      accessible: seat.accessible === true,
      ...(seat.companion === true ? { companion: true } : {}),
    };
  });
}

/** Exactly one of `until` and `hoursBeforeStart`. */
function checkHoldBack(input: { until?: string; hoursBeforeStart?: number }): AccessibleHoldBack {
  const { until, hoursBeforeStart } = input;
  if ((until === undefined) === (hoursBeforeStart === undefined)) {
    throw new DefinitionError('accessibleHoldBack', 'give exactly one of until and hoursBeforeStart');
  }
  if (until !== undefined) {
    checkTime(until, 'accessibleHoldBack.until');
    return { until };
  }
  checkInteger(hoursBeforeStart as number, 0, 8760, 'accessibleHoldBack.hoursBeforeStart');
  return { hoursBeforeStart: hoursBeforeStart as number };
}

function checkUnique(seen: Set<string>, value: string, path: string): void {
  if (seen.has(value)) throw new DefinitionError(path, `duplicate '${value}'`);
  seen.add(value);
}

function checkCategory(categories: Set<string>, id: string, path: string): void {
  if (!categories.has(id)) throw new DefinitionError(path, `unknown category '${id}'`);
}

function checkInteger(value: number, min: number, max: number, path: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DefinitionError(path, `must be an integer from ${min} to ${max}`);
  }
}

function checkFinite(value: number, path: string): void {
  if (!Number.isFinite(value)) throw new DefinitionError(path, 'must be a finite number');
}

function checkTime(value: string, path: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DefinitionError(path, 'must be an ISO 8601 date-time');
  return ms;
}
