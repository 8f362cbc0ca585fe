// The statements of PostgresAuditStore, each headed by what it takes and returns.

/**
 * $1 actor id, $2 actor role, $3 action, $4 event id or null, $5 target or null, $6 details (JSON text)
 * → [{id, at}] of the new row.
 */
export const INSERT_AUDIT = `
INSERT INTO audit_log (actor_id, actor_role, action, event_id, target, details)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
RETURNING id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

/**
 * $1 event id or null (every event), $2 id to page before (bigint text) or null, $3 limit
 * → [{id, at, actor_id, actor_role, action, event_id, target, details}] newest first.
 */
export const SELECT_AUDIT_PAGE = `
SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  actor_id, actor_role, action, event_id, target, details
FROM audit_log
WHERE ($1::text IS NULL OR event_id = $1::text)
  AND ($2::bigint IS NULL OR id < $2::bigint)
ORDER BY id DESC
LIMIT $3`;
