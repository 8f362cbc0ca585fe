// The statement of PostgresOrderExport, headed by what it takes and returns.

/**
 * $1 event id, $2 order seq to read after (bigint text, '0' to start), $3 orders per page
 * → [{seq, id, user_id, status, created_at, total, seats: [seatId], areas: {areaId: places}, pricing}]: the next
 * $3 orders of the event in order of commit. Keyset paging on orders_event_seq: each page costs the
 * same however far into the event it is. Lines per seat and place are made by the caller (expanding
 * them here made the planner's row estimates, and so JIT compilation, cost more than the query).
 */
export const SELECT_EXPORT_PAGE = `
SELECT seq, id, user_id, status, total, seats, areas, pricing,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
FROM orders
WHERE event_id = $1 AND seq > $2::bigint
ORDER BY seq
LIMIT $3`;
