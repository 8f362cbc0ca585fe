// Bounds enforced at the edge by the protocol schemas. Each is a demanding operator's limit: generous for
// real venues, small enough that one message or body costs bounded memory and CPU.

/** Event ids, from docs/protocol.md ("`id` matches `^[a-z0-9][a-z0-9-]{0,63}$`"). */
export const EVENT_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';

/** Seat, area, hold, category and section ids: room for labels like "balcony-left-R12-S34" many times
 * over; 100 of them (a maximal hold) stay ~13 KB, well inside the 64 KiB frame limit. */
export const MAX_ID_LENGTH = 128;

/** Section ids generate seat ids "<section>-<row>-<number>" (rows and numbers ≤ 1000, four digits each):
 * 128 - "-1000-1000".length keeps every generated seat id within MAX_ID_LENGTH, so it can be held. */
export const MAX_SECTION_ID_LENGTH = MAX_ID_LENGTH - '-1000-1000'.length;

/** A `rid` is echoed on every reply: a UUID fits with room to spare. */
export const MAX_RID_LENGTH = 64;

/** An HS256 JWT with sub/role/exp is ~200 bytes; 4 KiB allows extra claims and bounds HMAC work. */
export const MAX_TOKEN_LENGTH = 4096;

/** Idempotency keys are stored per order: a UUID (36) or ULID (26) with a prefix fits. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

/** docs/protocol.md (v1.1): a `holdKey` is 1–64 characters. */
export const MAX_HOLD_KEY_LENGTH = 64;

/** Seats named in one hold or release. maxSeatsPerUser tops out at the same value, so a larger hold could
 * never succeed: it is refused at the edge before it reaches an event's actor. */
export const MAX_SEATS_PER_REQUEST = 100;

/** Places in one `best` or `area` hold, and per area in a release (same reason as MAX_SEATS_PER_REQUEST). */
export const MAX_COUNT = 100;

/** Distinct areas named in one release: a user holds at most MAX_COUNT places, so at most that many areas. */
export const MAX_AREAS_PER_RELEASE = MAX_COUNT;

/** holdTtlSeconds bounds: under 10 s a hold cannot survive a checkout round trip; a day is the longest
 * a seat should be kept from other buyers. */
export const MIN_HOLD_TTL_SECONDS = 10;
/** See MIN_HOLD_TTL_SECONDS. */
export const MAX_HOLD_TTL_SECONDS = 86_400;
/** Contract default for holdTtlSeconds. */
export const DEFAULT_HOLD_TTL_SECONDS = 600;

/** maxSeatsPerUser bound: equal to MAX_SEATS_PER_REQUEST so one hold can always reach the cap. */
export const MAX_SEATS_PER_USER = MAX_SEATS_PER_REQUEST;
/** Contract default for maxSeatsPerUser. */
export const DEFAULT_MAX_SEATS_PER_USER = 10;

/** Seats per event: the largest stadiums seat ~150k; the snapshot is then 200 KB, one byte per seat. */
export const MAX_SEATS_PER_EVENT = 200_000;

/** Rows per section and seats per row in the `sections` form (also fixes MAX_SECTION_ID_LENGTH). */
export const MAX_ROWS = 1000;
/** See MAX_ROWS. */
export const MAX_SEATS_PER_ROW = 1000;

/** Categories, sections and areas per event: far beyond any real venue, bounds the per-event maps. */
export const MAX_CATEGORIES = 1000;
/** See MAX_CATEGORIES. */
export const MAX_SECTIONS = 1000;
/** See MAX_CATEGORIES. */
export const MAX_AREAS = 1000;
/** Price tiers per category: a box office offers a handful (adult, child, concession, …). */
export const MAX_TIERS = 20;

/** Places in one general-admission area: ten times the largest festival field. */
export const MAX_AREA_CAPACITY = 1_000_000;

/** Prices in the smallest currency unit: 1e9 (10 million in a two-decimal currency) keeps the total of
 * a maximal order (100 × 1e9) exact in a float64 (< 2^53). */
export const MAX_PRICE = 1_000_000_000;

/** Names (event, category, area): a display line, not a document. */
export const MAX_NAME_LENGTH = 200;

/** A seat's row label in the `seats` form, as text. */
export const MAX_ROW_LABEL_LENGTH = 32;

/** Numeric row labels and seat numbers in the `seats` form. */
export const MAX_SEAT_LABEL_NUMBER = 1_000_000;

/** Seat map coordinates (any unit the map uses): |x|, |y| ≤ this. */
export const MAX_COORDINATE = 1_000_000;

/** Seats in one block/unblock request: a whole large section at once. */
export const MAX_BLOCK_SEATS = 10_000;

/** Echoed client strings (unknown types, ids in messages) are cut to this many characters. */
export const MAX_ECHO_LENGTH = 64;
