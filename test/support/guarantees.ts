// Checks of ARCHITECTURE.md's guarantees against Postgres, for the end of fault tests.
import type pg from 'pg';
import { expect } from 'vitest';

/** No seat of `eventId` is in two live orders, and every live order seat belongs to a confirmed order. */
export async function expectNoDoubleSale(sql: pg.Client | pg.Pool, eventId: string): Promise<void> {
  const twice = await sql.query(
    'SELECT seat_id, count(*)::int AS n FROM order_seats WHERE event_id = $1 AND NOT voided GROUP BY seat_id HAVING count(*) > 1',
    [eventId],
  );
  expect(twice.rows).toEqual([]);
  const orphans = await sql.query(
    `SELECT s.order_id FROM order_seats s LEFT JOIN orders o ON o.id = s.order_id
      WHERE s.event_id = $1 AND NOT s.voided AND (o.id IS NULL OR o.status <> 'confirmed')`,
    [eventId],
  );
  expect(orphans.rows).toEqual([]);
}
