// The statements behind staff and admin changes to an event (edits, lifecycle, blocked seats, sales,
// staff holds),
// each headed by what it takes and returns. Changes a live actor makes are fenced by its epoch like
// orders: the owner row is locked FOR SHARE, so a claim by another node either waits for the write or
// makes it see the new epoch and write nothing.

/** $1 event id, $2 epoch → [{}] if the epoch is current; locks the owner row against a claim. */
export const LOCK_OWNER_EPOCH = `
SELECT FROM event_owners WHERE event_id = $1 AND epoch = $2 FOR SHARE`;

/**
 * $1 event id, $2 definition (JSON text), $3 name, $4 startsAt, $5 salesOpenAt, $6 salesCloseAt (ISO
 * text or null), $7 lifecycle ('draft' | 'published') → [{revision}] after the edit, [] if no such
 * event. An archived event stays archived. A time that is not a timestamp fails (22007). The stored
 * seats are kept whatever $2 says: the layout never changes, and an actor's definition has none when
 * it was loaded with the compact layout (005_compact_layout.sql).
 */
export const UPDATE_EVENT = `
UPDATE events SET definition = ($2::jsonb - 'seats') || jsonb_build_object('seats', coalesce(definition -> 'seats', '[]'::jsonb)), name = $3, starts_at = $4, sales_open_at = $5, sales_close_at = $6,
  lifecycle = CASE WHEN lifecycle = 'archived' THEN 'archived' ELSE $7 END,
  revision = revision + 1
WHERE id = $1
  AND $4::text::timestamptz IS NOT NULL
  AND ($5::text IS NULL OR $5::text::timestamptz IS NOT NULL)
  AND ($6::text IS NULL OR $6::text::timestamptz IS NOT NULL)
RETURNING revision`;

/**
 * $1 event id, $2 archived (boolean) → [{lifecycle}] after the change, [] if no such event. Archiving
 * keeps nothing of draft; bringing an event back publishes it unless its definition says draft.
 */
export const SET_ARCHIVED = `
UPDATE events SET lifecycle = CASE WHEN $2 THEN 'archived'
    WHEN (definition ->> 'draft')::boolean IS TRUE THEN 'draft' ELSE 'published' END,
  revision = revision + 1
WHERE id = $1
RETURNING lifecycle`;

/** $1 event id → [{revision}]. */
export const SELECT_REVISION = `
SELECT revision FROM events WHERE id = $1`;

/** $1 event id → [{lifecycle}]. */
export const SELECT_LIFECYCLE = `
SELECT lifecycle FROM events WHERE id = $1`;

/** $1 event id, $2 sales state → []. */
export const WRITE_SALES = `
UPDATE events SET sales = $2 WHERE id = $1`;

/** $1 event id, $2 seat ids → []. */
export const WRITE_BLOCKED = `
INSERT INTO blocked_seats (event_id, seat_id)
SELECT $1, seat_id FROM unnest($2::text[]) AS b (seat_id)
ON CONFLICT DO NOTHING`;

/** $1 event id, $2 seat ids → []. */
export const WRITE_UNBLOCKED = `
DELETE FROM blocked_seats WHERE event_id = $1 AND seat_id = ANY ($2::text[])`;

/**
 * $1 event id, $2 sales state, $3 announcement payload (JSON text), $4 epoch → [{owned, changed}]:
 * owned false when the epoch moved on (nothing written); changed when the state changed and its
 * `event.sales_opened` / `event.sales_closed` row was written with it.
 */
export const WRITE_SALES_ANNOUNCED = `
WITH owner AS (
  SELECT FROM event_owners WHERE event_id = $1 AND epoch = $4 FOR SHARE
), changed AS (
  UPDATE events SET sales = $2 WHERE id = $1 AND sales <> $2 AND EXISTS (SELECT FROM owner) RETURNING id
), announced AS (
  INSERT INTO outbox (event_id, type, payload)
  SELECT id, CASE WHEN $2 = 'open' THEN 'event.sales_opened' ELSE 'event.sales_closed' END, $3::jsonb
  FROM changed
  RETURNING id
)
SELECT EXISTS (SELECT FROM owner) AS owned, EXISTS (SELECT FROM announced) AS changed`;

/** $1 event id, $2 room (jsonb) → []. */
export const WRITE_QUEUE = `
INSERT INTO queue_rooms (event_id, room) VALUES ($1, $2::jsonb)
ON CONFLICT (event_id) DO UPDATE SET room = excluded.room, saved_at = now()`;

/** $1 event id → [{room}]. */
export const SELECT_QUEUE = `
SELECT room FROM queue_rooms WHERE event_id = $1`;

/** $1 event id, $2 hold id, $3 created by, $4 note, $5 seat ids, $6 areas (JSON text), $7 created at (epoch ms) → []. */
export const WRITE_STAFF_HOLD = `
INSERT INTO staff_holds (event_id, hold_id, created_by, note, seats, areas, created_at)
VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, to_timestamp($7::float8 / 1000))`;

/** $1 event id, $2 hold id → []. */
export const DELETE_STAFF_HOLD = `
DELETE FROM staff_holds WHERE event_id = $1 AND hold_id = $2`;

/** $1 event id → [{hold_id, created_by, note, seats, areas, created_ms}], oldest first. */
export const SELECT_STAFF_HOLDS = `
SELECT hold_id, created_by, note, seats, areas, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
FROM staff_holds WHERE event_id = $1
ORDER BY created_at, hold_id`;
