// Checks of docs/architecture.md's guarantees against Postgres, for the end of fault tests. Each check has
// a finder (usable from scripts: soak, fuzz) and an expect-style wrapper for tests.
import type pg from 'pg';
import { expect } from 'vitest';

type Sql = pg.Client | pg.Pool;

/** Seats of `eventId` in more than one live order (guarantee 1: must be none). */
export async function findDoubleSales(sql: Sql, eventId: string): Promise<{ seat_id: string; n: number }[]> {
  const twice = await sql.query(
    'SELECT seat_id, count(*)::int AS n FROM order_seats WHERE event_id = $1 AND NOT voided GROUP BY seat_id HAVING count(*) > 1',
    [eventId],
  );
  return twice.rows;
}

/** Live order seats whose order is missing or not confirmed (a half-written purchase: must be none). */
export async function findOrphanSeats(sql: Sql, eventId: string): Promise<{ order_id: string }[]> {
  const orphans = await sql.query(
    `SELECT s.order_id FROM order_seats s LEFT JOIN orders o ON o.id = s.order_id
      WHERE s.event_id = $1 AND NOT s.voided AND (o.id IS NULL OR o.status <> 'confirmed')`,
    [eventId],
  );
  return orphans.rows;
}

/** General-admission areas of `eventId` with more places sold than they hold (must be none). */
export async function findOversoldAreas(sql: Sql, eventId: string): Promise<{ area_id: string; sold: number; capacity: number }[]> {
  const over = await sql.query(
    `SELECT a.key AS area_id, sum(a.value::int)::int AS sold, max((area->>'capacity')::int) AS capacity
       FROM orders o CROSS JOIN LATERAL jsonb_each_text(o.areas) AS a
       JOIN events e ON e.id = o.event_id
       CROSS JOIN LATERAL jsonb_array_elements(e.definition->'areas') AS area
      WHERE o.event_id = $1 AND o.status = 'confirmed' AND area->>'id' = a.key
      GROUP BY a.key HAVING sum(a.value::int) > max((area->>'capacity')::int)`,
    [eventId],
  );
  return over.rows;
}

/** Of `orderIds` (each told to a client as `order`), those with no row in Postgres (guarantee 2: must be none). */
export async function findLostOrders(sql: Sql, orderIds: readonly string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const stored = await sql.query<{ id: string }>('SELECT id FROM orders WHERE id = ANY($1)', [orderIds]);
  const found = new Set(stored.rows.map((r) => r.id));
  return orderIds.filter((id) => !found.has(id));
}

/** No seat of `eventId` is in two live orders, and every live order seat belongs to a confirmed order. */
export async function expectNoDoubleSale(sql: Sql, eventId: string): Promise<void> {
  expect(await findDoubleSales(sql, eventId)).toEqual([]);
  expect(await findOrphanSeats(sql, eventId)).toEqual([]);
}

/**
 * Every guarantee that Postgres can show for `eventIds` after a fault: no double sale, no half-written
 * order, no oversold area, and every order a client was told about is stored. Returns the figures.
 */
export async function expectGuarantees(
  sql: Sql,
  eventIds: readonly string[],
  toldOrders: readonly string[],
): Promise<{ ordersChecked: number; ordersLost: number; doubleSales: number }> {
  let doubleSales = 0;
  for (const eventId of eventIds) {
    const twice = await findDoubleSales(sql, eventId);
    doubleSales += twice.length;
    expect(twice, `double sales in ${eventId}`).toEqual([]);
    expect(await findOrphanSeats(sql, eventId), `half-written orders in ${eventId}`).toEqual([]);
    expect(await findOversoldAreas(sql, eventId), `oversold areas in ${eventId}`).toEqual([]);
  }
  const lost = await findLostOrders(sql, toldOrders);
  expect(lost, 'orders told to clients but not in Postgres').toEqual([]);
  return { ordersChecked: toldOrders.length, ordersLost: lost.length, doubleSales };
}
