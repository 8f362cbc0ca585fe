// The statements of PostgresOutboxStore and PostgresScheduleStore, one constant each, headed by what
// it takes and returns. Times come in as ISO text from the caller's clock (tests inject one), never
// from the database's now(), except created_at (the moment the fact became true, in its transaction).

/** ISO 8601 text (UTC, ms) of a timestamptz column `col`. */
const iso = (col: string): string => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The columns of an OutboxMessage, from outbox aliased `o`. */
const MESSAGE_COLUMNS = `o.id::text AS id, o.event_id, o.type, o.payload, ${iso('o.created_at')} AS created_at, o.attempts`;

/**
 * $1 event ids, $2 types, $3 payloads (JSON text), $4 dedupe keys (null elements for none), parallel
 * arrays → [{id}] of the rows written; a row whose dedupe key exists is skipped.
 */
export const APPEND = `
INSERT INTO outbox (event_id, type, payload, dedupe_key)
SELECT m.event_id, m.type, m.payload::jsonb, m.dedupe_key
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS m (event_id, type, payload, dedupe_key, n)
ORDER BY m.n
ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
RETURNING id`;

/**
 * $1 event id, $2 sales state ('open' | 'paused'), $3 payload (JSON text) → [{id}] when the state
 * changed (and its announcement was written), [] when it already was $2 or the event does not exist.
 */
export const SET_SALES = `
WITH changed AS (
  UPDATE events SET sales = $2 WHERE id = $1 AND sales <> $2 RETURNING id
)
INSERT INTO outbox (event_id, type, payload)
SELECT id, CASE WHEN $2 = 'open' THEN 'event.sales_opened' ELSE 'event.sales_closed' END, $3::jsonb
FROM changed
RETURNING id`;

/**
 * $1 now, $2 the earliest window time still announced (ISO) → [{id}] of the announcements written:
 * `event.sales_opened` once sales_open_at is reached (and sales_close_at is not passed),
 * `event.sales_closed` once sales_close_at is passed, the edges the domain's salesStatus uses (on sale
 * from open to close, both included); dedupe key `<type>:<event id>`, so each is written once.
 */
export const ANNOUNCE_SALES_WINDOWS = `
INSERT INTO outbox (event_id, type, payload, dedupe_key)
SELECT e.id, w.type, json_build_object('eventId', e.id, 'reason', 'schedule', 'at', w.at)::jsonb, w.type || ':' || e.id
FROM events e
CROSS JOIN LATERAL (VALUES
  ('event.sales_opened', e.sales_open_at,
   e.sales_open_at::timestamptz <= $1::timestamptz
     AND (e.sales_close_at IS NULL OR e.sales_close_at::timestamptz >= $1::timestamptz)),
  ('event.sales_closed', e.sales_close_at, e.sales_close_at::timestamptz < $1::timestamptz)
) AS w (type, at, due)
WHERE (e.sales_open_at IS NOT NULL OR e.sales_close_at IS NOT NULL)
  AND w.at IS NOT NULL AND w.due AND w.at::timestamptz > $2::timestamptz
  AND NOT EXISTS (SELECT FROM outbox o WHERE o.dedupe_key = w.type || ':' || e.id)
ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
RETURNING id`;

/**
 * $1 limit, $2 now, $3 lease end → [message row] (see MESSAGE_COLUMNS), pending rows due at $2 and not
 * leased by anyone else, now leased until $3. SKIP LOCKED: concurrent claimers take disjoint rows.
 */
export const CLAIM_PENDING = `
WITH due AS (
  SELECT id FROM outbox
  WHERE processed_at IS NULL AND next_attempt_at <= $2::timestamptz
    AND (claimed_until IS NULL OR claimed_until <= $2::timestamptz)
  ORDER BY next_attempt_at, id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET claimed_until = $3::timestamptz
FROM due WHERE o.id = due.id
RETURNING ${MESSAGE_COLUMNS}`;

/** $1 ids, $2 now → []: handed to the queue. */
export const MARK_RELAYED = `
UPDATE outbox SET processed_at = $2::timestamptz, relayed_at = $2::timestamptz, claimed_until = NULL
WHERE id = ANY ($1::bigint[])`;

/** $1 ids, $2 now → []: finished without delivery (nobody subscribes to the type). */
export const MARK_SKIPPED = `
UPDATE outbox SET processed_at = $2::timestamptz, claimed_until = NULL
WHERE id = ANY ($1::bigint[]) AND processed_at IS NULL`;

/** $1 ids, $2 now → []: acknowledged by the receiver (clears a dead mark left by a lost race). */
export const MARK_DELIVERED = `
UPDATE outbox
SET delivered_at = coalesce(delivered_at, $2::timestamptz), processed_at = coalesce(processed_at, $2::timestamptz),
    claimed_until = NULL, dead_at = NULL
WHERE id = ANY ($1::bigint[])`;

/** $1 id, $2 error, $3 retry at → []: one more failed attempt; pending again from $3. */
export const RECORD_FAILURE = `
UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3::timestamptz, claimed_until = NULL
WHERE id = $1::bigint AND processed_at IS NULL`;

/** $1 id, $2 error, $3 attempts made, $4 now → []: a dead letter, unless it was delivered meanwhile. */
export const MARK_DEAD = `
UPDATE outbox
SET dead_at = $4::timestamptz, processed_at = coalesce(processed_at, $4::timestamptz),
    attempts = greatest(attempts, $3), last_error = $2, claimed_until = NULL
WHERE id = $1::bigint AND delivered_at IS NULL`;

/** $1 relayed before, $2 limit → [{id, relayed_at_ms}] relayed, neither delivered nor dead, oldest first. */
export const FIND_QUEUED = `
SELECT id::text AS id, (extract(epoch FROM relayed_at) * 1000)::float8 AS relayed_at_ms
FROM outbox
WHERE relayed_at IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL AND relayed_at < $1::timestamptz
ORDER BY relayed_at
LIMIT $2`;

/** $1 ids → []: pending again and due now (their queue job was lost). */
export const REQUEUE = `
UPDATE outbox SET processed_at = NULL, relayed_at = NULL, claimed_until = NULL, next_attempt_at = '-infinity'
WHERE id = ANY ($1::bigint[]) AND delivered_at IS NULL AND dead_at IS NULL`;

/**
 * $1 ids → [{id, event_id, type}] of the dead letters among them, pending again, due now, with a fresh
 * attempt count (the last error is kept until the next attempt). A row that is not dead is left alone,
 * so sending one again twice queues it once.
 */
export const RESEND_DEAD = `
UPDATE outbox
SET dead_at = NULL, processed_at = NULL, relayed_at = NULL, claimed_until = NULL, attempts = 0,
    next_attempt_at = '-infinity'
WHERE id = ANY ($1::bigint[]) AND dead_at IS NOT NULL AND delivered_at IS NULL
RETURNING id::text AS id, event_id, type`;

/** $1 limit, $2 before id (null: from the newest) → [message row + dead_at, last_error], newest first. */
export const LIST_DEAD = `
SELECT ${MESSAGE_COLUMNS}, ${iso('o.dead_at')} AS dead_at, o.last_error
FROM outbox o
WHERE o.dead_at IS NOT NULL AND ($2::bigint IS NULL OR o.id < $2::bigint)
ORDER BY o.id DESC
LIMIT $1`;

/** No parameters → [{pending, queued, dead}]; each count is served by its partial index. */
export const COUNTS = `
SELECT
  (SELECT count(*) FROM outbox WHERE processed_at IS NULL)::int AS pending,
  (SELECT count(*) FROM outbox
    WHERE relayed_at IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL)::int AS queued,
  (SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL)::int AS dead`;

/** Advisory lock class of schedule runs ("AISS" in ASCII); the second key is hashtext(name). */
export const SCHEDULE_LOCK_CLASS = 0x41495353;

/** $1 lock class, $2 schedule name → [{locked}], held until the transaction ends; never waits. */
export const TRY_SCHEDULE_LOCK = `
SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS locked`;

/**
 * $1 name, $2 slot, $3 now, $4 lease end, $5 node id → [{name}] if claimed: a first run, or a slot
 * newer than the last one claimed whose lease is over.
 */
export const CLAIM_RUN = `
INSERT INTO schedule_runs (name, last_slot, running_until, node_id)
VALUES ($1, $2::timestamptz, $4::timestamptz, $5)
ON CONFLICT (name) DO UPDATE
  SET last_slot = EXCLUDED.last_slot, running_until = EXCLUDED.running_until, node_id = EXCLUDED.node_id
  WHERE schedule_runs.last_slot < EXCLUDED.last_slot AND schedule_runs.running_until <= $3::timestamptz
RETURNING name`;

/** $1 name, $2 slot, $3 now → []: ends the lease of that slot's run. */
export const FINISH_RUN = `
UPDATE schedule_runs SET running_until = $3::timestamptz WHERE name = $1 AND last_slot = $2::timestamptz`;

/**
 * $1 event ids → [{event_id, seats, places}]: live (not voided) sold seats and places of confirmed
 * orders, per event.
 */
export const SOLD_COUNTS = `
SELECT e.id AS event_id,
  (SELECT count(*) FROM order_seats s WHERE s.event_id = e.id AND NOT s.voided)::int AS seats,
  (SELECT coalesce(sum(p.value::int), 0) FROM orders o CROSS JOIN LATERAL jsonb_each_text(o.areas) AS p
    WHERE o.event_id = e.id AND o.status = 'confirmed')::int AS places
FROM unnest($1::text[]) AS e (id)`;
