// The statements of PostgresEventStore, one constant each, headed by what it takes and returns.
// Plain SQL that runs unchanged on Postgres 15 (pg) and PGlite. Batches travel as parallel arrays
// expanded with unnest: one statement per batch, ~2× the rows/s of multi-row VALUES (docs/decisions.md).

/**
 * $1 definition (JSON text), $2 id, $3 name, $4 startsAt, $5 salesOpenAt, $6 salesCloseAt (ISO text or
 * null), $7 layout (bytea, layout-column.ts) → [{id}] if the event is new (with an area_sales row per
 * standing area), [] if the id exists. A time that is not a timestamp fails (22007). A definition with
 * `draft: true` starts as a draft (lifecycle, 004_staff.sql).
 */
export const INSERT_EVENT = `
WITH new_event AS (
  INSERT INTO events (definition, id, name, starts_at, sales_open_at, sales_close_at, lifecycle, layout)
  SELECT $1::jsonb, $2::text, $3::text, $4::text, $5::text, $6::text,
    CASE WHEN ($1::jsonb ->> 'draft')::boolean IS TRUE THEN 'draft' ELSE 'published' END, $7::bytea
  WHERE $4::text::timestamptz IS NOT NULL
    AND ($5::text IS NULL OR $5::text::timestamptz IS NOT NULL)
    AND ($6::text IS NULL OR $6::text::timestamptz IS NOT NULL)
  ON CONFLICT (id) DO NOTHING
  RETURNING id, definition
), new_areas AS (
  INSERT INTO area_sales (event_id, area_id, capacity)
  SELECT e.id, area->>'id', (area->>'capacity')::int
  FROM new_event e CROSS JOIN LATERAL jsonb_array_elements(coalesce(e.definition->'areas', '[]')) AS area
)
SELECT id FROM new_event`;

/** No parameters → [{id, name, starts_at, sales, sales_open_at, sales_close_at, lifecycle}] in creation order. */
export const LIST_EVENTS = `
SELECT id, name, starts_at, sales, sales_open_at, sales_close_at, lifecycle FROM events ORDER BY created_seq`;

/** $1 event id → [{definition}]. */
export const SELECT_DEFINITION = `
SELECT definition FROM events WHERE id = $1`;

/**
 * $1 event id → [{definition, sales, layout}]: the definition without its seats (they come from
 * `layout`, or, when that is NULL for an event created before it existed, from SELECT_SEATS).
 */
export const SELECT_EVENT = `
SELECT definition - 'seats' AS definition, sales, layout FROM events WHERE id = $1`;

/** $1 event id → [{seats}]: the definition's seats (JSON), for events with no layout yet. */
export const SELECT_SEATS = `
SELECT definition -> 'seats' AS seats FROM events WHERE id = $1`;

/** $1 event id, $2 layout (bytea) → []: stores a layout built for an event that had none. */
export const UPDATE_LAYOUT = `
UPDATE events SET layout = $2 WHERE id = $1 AND layout IS NULL`;

/** $1 event id → [{seat_id}]. */
export const SELECT_BLOCKED = `
SELECT seat_id FROM blocked_seats WHERE event_id = $1`;

/** $1 event id → [{id, user_id, total, seats: [seatId], areas: {areaId: places}}], live orders in commit order. */
export const SELECT_LIVE_ORDERS = `
SELECT o.id, o.user_id, o.hold_id, o.total, o.seats, o.areas, (extract(epoch FROM o.created_at) * 1000)::float8 AS created_ms
FROM orders o
WHERE o.event_id = $1 AND o.status = 'confirmed'
ORDER BY o.seq`;

/**
 * $1 event id, $2 hold ids → [{hold_id}] of those holds that orders of the event (live or cancelled)
 * were bought from. It reads the event's orders through orders_event_seq, as loading them does.
 */
export const SELECT_BOUGHT_HOLDS = `
SELECT DISTINCT o.hold_id FROM orders o WHERE o.event_id = $1 AND o.hold_id = ANY($2::text[])`;

/** $1 event id, $2 node id → [{epoch}]: the first claim is epoch 1, each later one adds 1. */
export const CLAIM_OWNERSHIP = `
INSERT INTO event_owners (event_id, node_id, epoch, updated_at) VALUES ($1, $2, 1, now())
ON CONFLICT (event_id) DO UPDATE
  SET node_id = EXCLUDED.node_id, epoch = event_owners.epoch + 1, updated_at = now()
RETURNING epoch`;

/** $1 event id → [{node_id, epoch}]. */
/** $1 event id → one row when the event exists. */
export const SELECT_EVENT_EXISTS = `
SELECT 1 AS found FROM events WHERE id = $1`;

export const SELECT_OWNERSHIP = `
SELECT node_id, epoch FROM event_owners WHERE event_id = $1`;

/**
 * $1 event id, $2 epoch, $3 the orders as one JSON array of {id, user_id, hold_id, total,
 * idempotency_key (or null), created_at (ISO), seats: [seatId], areas: {areaId: places}, pricing (or
 * null, see migrations/009)}; $4 `order.confirmed` outbox payloads (JSON text, one per order)
 * → [{owned}]. owned = false: the epoch moved on and nothing was written.
 * One JSON document rather than an array per column: the client serializes it natively instead of
 * escaping every element of ten array literals, and Postgres parses it once.
 * The orders_sell trigger (migrations/003) writes each order's live seats and adds its places to
 * area_sales in this statement: a seat already sold, or a taken order id or idempotency key, fails
 * it with 23505; a standing area over its capacity with 23514 (nothing written either way).
 * FOR SHARE makes a concurrent claimOwnership (which updates the row) wait for this commit, or makes
 * this statement see the new epoch: a fenced node never writes after the claim.
 */
export const COMMIT_ORDERS = `
WITH owner AS (
  SELECT epoch FROM event_owners WHERE event_id = $1 AND epoch = $2 FOR SHARE
), new_orders AS (
  INSERT INTO orders (id, event_id, user_id, hold_id, total, idempotency_key, created_at, seats, areas, pricing)
  SELECT o.id, $1, o.user_id, o.hold_id, o.total, o.idempotency_key, o.created_at, o.seats, o.areas, o.pricing
  FROM json_to_recordset($3::json)
    AS o (id text, user_id text, hold_id text, total bigint, idempotency_key text, created_at timestamptz, seats jsonb, areas jsonb, pricing jsonb)
  WHERE EXISTS (SELECT FROM owner)
), new_outbox AS (
  INSERT INTO outbox (event_id, type, payload)
  SELECT $1, 'order.confirmed', p.payload::jsonb
  FROM unnest($4::text[]) WITH ORDINALITY AS p (payload, n)
  WHERE EXISTS (SELECT FROM owner)
  ORDER BY p.n
)
SELECT EXISTS (SELECT FROM owner) AS owned`;

/** $1 event id → [{area_id, room}]: places of each standing area not sold yet. */
export const SELECT_AREA_ROOM = `
SELECT area_id, capacity - sold AS room FROM area_sales WHERE event_id = $1`;

/** $1 order ids → [{id}]: those stored (confirmed, or cancelled since). Resolves an in-doubt commit. */
export const SELECT_STORED_ORDER_IDS = `
SELECT id FROM orders WHERE id = ANY ($1::text[])`;

// The two conflict lookups probe the unique indexes once per batch row through LATERAL … LIMIT 1,
// which the planner cannot turn into a join: with the stale statistics of a table that just grew
// (an event going on sale) it otherwise hashes the whole event's rows (measured: 25-60 ms vs ~1 ms).

/** $1 event id, $2 order ids, $3 seat ids (pairs) → [{order_id}] whose seat is sold to a live order. */
export const SELECT_SEAT_CONFLICTS = `
SELECT DISTINCT b.order_id
FROM unnest($2::text[], $3::text[]) AS b (order_id, seat_id)
CROSS JOIN LATERAL (
  SELECT FROM order_seats s WHERE s.event_id = $1 AND s.seat_id = b.seat_id AND NOT s.voided LIMIT 1
) AS sold`;

/** $1 event id, $2 order ids, $3 user ids, $4 idempotency keys → [{order_id}] whose id or key exists. */
export const SELECT_KEY_CONFLICTS = `
SELECT b.order_id
FROM unnest($2::text[], $3::text[], $4::text[]) AS b (order_id, user_id, idempotency_key)
CROSS JOIN LATERAL (
  SELECT FROM orders o WHERE o.id = b.order_id
  UNION ALL
  SELECT FROM orders o
  WHERE o.event_id = $1 AND o.user_id = b.user_id AND o.idempotency_key = b.idempotency_key
  LIMIT 1
) AS taken`;

/**
 * The columns of a StoredOrder; callers append FROM-less conditions after `FROM orders o`.
 * → [{id, event_id, user_id, hold_id, total, status, seq, created_at (ISO text, UTC, ms),
 * seats: [seatId], areas: {areaId: places}, pricing (null before tiers)}]. Ticket codes are derived from
 * these (ticket-code.ts).
 */
const ORDER_SELECT = `
SELECT o.id, o.event_id, o.user_id, o.hold_id, o.total, o.status, o.seq,
  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  o.seats, o.areas, o.pricing
FROM orders o`;

/** $1 order id → [order row] (see ORDER_SELECT). */
export const SELECT_ORDER = `${ORDER_SELECT}
WHERE o.id = $1`;

/** $1 event id, $2 user id, $3 idempotency key → [order row]. */
export const SELECT_ORDER_BY_KEY = `${ORDER_SELECT}
WHERE o.event_id = $1 AND o.user_id = $2 AND o.idempotency_key = $3`;

/** $1 event id, $2 seq to start after (0: from the start), $3 row limit → [order row], oldest first. */
export const SELECT_ORDER_PAGE = `${ORDER_SELECT}
WHERE o.event_id = $1 AND o.seq > $2
ORDER BY o.seq
LIMIT $3`;

/** $1 event id, $2 epoch → [{}] if the epoch is current; locks the owner row against a claim. */
export const LOCK_EPOCH = `
SELECT FROM event_owners WHERE event_id = $1 AND epoch = $2 FOR SHARE`;

/** $1 order id, $2 event id → [{status}], locking the order row. */
export const LOCK_ORDER = `
SELECT status FROM orders WHERE id = $1 AND event_id = $2 FOR UPDATE`;

/**
 * $1 order id, $2 `order.cancelled` outbox payload (JSON text) → []. Cancels the order and queues the
 * outbox row, in one statement; the orders_cancel trigger (migrations/003) voids its seats (freeing
 * them in order_seats_live_seat) and gives its places back to area_sales.
 */
export const CANCEL_ORDER = `
WITH cancelled AS (
  UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = $1 RETURNING event_id
)
INSERT INTO outbox (event_id, type, payload)
SELECT event_id, 'order.cancelled', $2::jsonb FROM cancelled`;

/** $1 event id, $2 sales state → []. */
export const UPDATE_SALES = `
UPDATE events SET sales = $2 WHERE id = $1`;

/** $1 event id, $2 seat ids → []. */
export const INSERT_BLOCKED = `
INSERT INTO blocked_seats (event_id, seat_id)
SELECT $1, seat_id FROM unnest($2::text[]) AS b (seat_id)
ON CONFLICT DO NOTHING`;

/** $1 event id, $2 seat ids → []. */
export const DELETE_BLOCKED = `
DELETE FROM blocked_seats WHERE event_id = $1 AND seat_id = ANY ($2::text[])`;

/** $1 event id, $2 user id → [order row] of the user in the event, oldest first (uses orders_idempotency_key's prefix). */
export const SELECT_USER_ORDERS = `${ORDER_SELECT}
WHERE o.event_id = $1 AND o.user_id = $2
ORDER BY o.seq`;

/** $1 order id, $2 ticket code → [order row + used_at (ISO text or null)] (see ORDER_SELECT). */
export const SELECT_TICKET_ORDER = `
SELECT t.*, to_char(c.used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS used_at
FROM (${ORDER_SELECT} WHERE o.id = $1) AS t
LEFT JOIN ticket_checkins c ON c.code = $2`;

/**
 * $1 code, $2 order id, $3 staff user id → [{used_at, checked_in}] when this call checked the ticket in
 * (`checked_in`: the event's check-ins counting this one, bumped in the same statement); nothing when it
 * was already in, or the order is not confirmed (void), in the same statement.
 */
export const INSERT_CHECKIN = `
WITH checked AS (
  INSERT INTO ticket_checkins (code, event_id, order_id, checked_in_by)
  SELECT $1, o.event_id, o.id, $3 FROM orders o WHERE o.id = $2 AND o.status = 'confirmed'
  ON CONFLICT (code) DO NOTHING
  RETURNING event_id, used_at
), counted AS (
  INSERT INTO event_checkin_counts (event_id, checked_in)
  SELECT event_id, 1 FROM checked
  ON CONFLICT (event_id) DO UPDATE SET checked_in = event_checkin_counts.checked_in + 1
  RETURNING checked_in
)
SELECT to_char(c.used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS used_at, n.checked_in::int AS checked_in
FROM checked c CROSS JOIN counted n`;

/** $1 event id → [{checked_in}] (no row: none yet). */
export const SELECT_CHECKIN_COUNT = `SELECT checked_in::int AS checked_in FROM event_checkin_counts WHERE event_id = $1`;
