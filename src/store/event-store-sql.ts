// The statements of PostgresEventStore, one constant each, headed by what it takes and returns.
// Plain SQL that runs unchanged on Postgres 15 (pg) and PGlite. Batches travel as parallel arrays
// expanded with unnest: one statement per batch, ~2× the rows/s of multi-row VALUES (DEPENDENCIES.md).

/**
 * $1 definition (JSON text), $2 id, $3 name, $4 startsAt, $5 salesOpenAt, $6 salesCloseAt (ISO text or
 * null) → [{id}] if the event is new, [] if the id exists. A time that is not a timestamp fails (22007).
 */
export const INSERT_EVENT = `
INSERT INTO events (definition, id, name, starts_at, sales_open_at, sales_close_at)
SELECT $1::jsonb, $2::text, $3::text, $4::text, $5::text, $6::text
WHERE $4::text::timestamptz IS NOT NULL
  AND ($5::text IS NULL OR $5::text::timestamptz IS NOT NULL)
  AND ($6::text IS NULL OR $6::text::timestamptz IS NOT NULL)
ON CONFLICT (id) DO NOTHING
RETURNING id`;

/** No parameters → [{id, name, starts_at, sales, sales_open_at, sales_close_at}] in creation order. */
export const LIST_EVENTS = `
SELECT id, name, starts_at, sales, sales_open_at, sales_close_at FROM events ORDER BY created_seq`;

/** $1 event id → [{definition}]. */
export const SELECT_DEFINITION = `
SELECT definition FROM events WHERE id = $1`;

/** $1 event id → [{definition, sales}]. */
export const SELECT_EVENT = `
SELECT definition, sales FROM events WHERE id = $1`;

/** $1 event id → [{seat_id}]. */
export const SELECT_BLOCKED = `
SELECT seat_id FROM blocked_seats WHERE event_id = $1`;

/** $1 event id → [{id, user_id, total, seats: text[], areas: {areaId: places}}], live orders in commit order. */
export const SELECT_LIVE_ORDERS = `
SELECT o.id, o.user_id, o.total,
  (SELECT coalesce(array_agg(s.seat_id ORDER BY s.position), '{}')
     FROM order_seats s WHERE s.order_id = o.id) AS seats,
  (SELECT coalesce(json_object_agg(a.area_id, a.places), '{}')
     FROM order_areas a WHERE a.order_id = o.id) AS areas
FROM orders o
WHERE o.event_id = $1 AND o.status = 'confirmed'
ORDER BY o.seq`;

/** $1 event id, $2 node id → [{epoch}]: the first claim is epoch 1, each later one adds 1. */
export const CLAIM_OWNERSHIP = `
INSERT INTO event_owners (event_id, node_id, epoch, updated_at) VALUES ($1, $2, 1, now())
ON CONFLICT (event_id) DO UPDATE
  SET node_id = EXCLUDED.node_id, epoch = event_owners.epoch + 1, updated_at = now()
RETURNING epoch`;

/** $1 event id → [{node_id, epoch}]. */
export const SELECT_OWNERSHIP = `
SELECT node_id, epoch FROM event_owners WHERE event_id = $1`;

/**
 * $1 event id, $2 epoch; orders $3 ids, $4 user ids, $5 hold ids, $6 totals, $7 idempotency keys (null
 * elements for none), $8 created_at (ISO); seats $9 order ids, $10 seat ids, $11 positions, $12 ticket
 * codes; areas $13 order ids, $14 area ids, $15 places; area tickets $16 order ids, $17 area ids,
 * $18 positions, $19 codes; $20 `order.confirmed` outbox payloads (JSON text, one per order)
 * → [{owned}]. owned = false: the epoch moved on and nothing was written. A seat already sold, or a
 * taken order id or idempotency key, fails the whole statement with 23505 (nothing written).
 * FOR SHARE makes a concurrent claimOwnership (which updates the row) wait for this commit, or makes
 * this statement see the new epoch: a fenced node never writes after the claim.
 */
export const COMMIT_ORDERS = `
WITH owner AS (
  SELECT epoch FROM event_owners WHERE event_id = $1 AND epoch = $2 FOR SHARE
), new_orders AS (
  INSERT INTO orders (id, event_id, user_id, hold_id, total, idempotency_key, created_at)
  SELECT o.id, $1, o.user_id, o.hold_id, o.total, o.idempotency_key, o.created_at
  FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[])
    AS o (id, user_id, hold_id, total, idempotency_key, created_at)
  WHERE EXISTS (SELECT FROM owner)
), new_seats AS (
  INSERT INTO order_seats (order_id, event_id, seat_id, position, ticket_code)
  SELECT s.order_id, $1, s.seat_id, s.position, s.ticket_code
  FROM unnest($9::text[], $10::text[], $11::int[], $12::text[]) AS s (order_id, seat_id, position, ticket_code)
  WHERE EXISTS (SELECT FROM owner)
), new_areas AS (
  INSERT INTO order_areas (order_id, event_id, area_id, places)
  SELECT a.order_id, $1, a.area_id, a.places
  FROM unnest($13::text[], $14::text[], $15::int[]) AS a (order_id, area_id, places)
  WHERE EXISTS (SELECT FROM owner)
), new_area_tickets AS (
  INSERT INTO area_tickets (order_id, event_id, area_id, position, code)
  SELECT t.order_id, $1, t.area_id, t.position, t.code
  FROM unnest($16::text[], $17::text[], $18::int[], $19::text[]) AS t (order_id, area_id, position, code)
  WHERE EXISTS (SELECT FROM owner)
), new_outbox AS (
  INSERT INTO outbox (event_id, type, payload)
  SELECT $1, 'order.confirmed', p.payload::jsonb
  FROM unnest($20::text[]) WITH ORDINALITY AS p (payload, n)
  WHERE EXISTS (SELECT FROM owner)
  ORDER BY p.n
)
SELECT EXISTS (SELECT FROM owner) AS owned`;

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
 * seats: [{seatId, code, voided}], areas: {areaId: places}, area_tickets: [{areaId, code, voided}]}].
 */
const ORDER_SELECT = `
SELECT o.id, o.event_id, o.user_id, o.hold_id, o.total, o.status, o.seq,
  to_char(o.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
  (SELECT coalesce(json_agg(json_build_object('seatId', s.seat_id, 'code', s.ticket_code, 'voided', s.voided)
                            ORDER BY s.position), '[]')
     FROM order_seats s WHERE s.order_id = o.id) AS seats,
  (SELECT coalesce(json_object_agg(a.area_id, a.places), '{}')
     FROM order_areas a WHERE a.order_id = o.id) AS areas,
  (SELECT coalesce(json_agg(json_build_object('areaId', t.area_id, 'code', t.code, 'voided', t.voided)
                            ORDER BY t.area_id, t.position), '[]')
     FROM area_tickets t WHERE t.order_id = o.id) AS area_tickets
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
 * $1 order id, $2 `order.cancelled` outbox payload (JSON text) → []. Cancels the order, voids its seats
 * (freeing them in order_seats_live_seat) and tickets, and queues the outbox row, in one statement.
 */
export const CANCEL_ORDER = `
WITH cancelled AS (
  UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = $1 RETURNING event_id
), voided_seats AS (
  UPDATE order_seats SET voided = true WHERE order_id = $1
), voided_tickets AS (
  UPDATE area_tickets SET voided = true WHERE order_id = $1
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
