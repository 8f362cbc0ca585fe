// migrations/003_lean_orders.sql on data written under the first schema: orders keep their seats and
// places, each standing area's counter starts at what is sold, and the counter then guards the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database';
import type { TestDatabase } from '../../test/support/database';
import { migrate, readMigrations } from './migrator';
import { PgClient } from './pg-client';

describe('migration 003 (lean orders) on existing data', () => {
  let database: TestDatabase;
  let sql: PgClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new PgClient({ connectionString: database.url, poolSize: 2 });
  });

  afterAll(async () => {
    await sql?.close();
    await database?.drop();
  });

  it('moves seats and places onto the orders and counts each area from its live orders', async () => {
    const all = await readMigrations();
    const before = all.filter((m) => m.name < '003');
    await migrate(sql, before);
    const definition = { id: 'gig', areas: [{ id: 'floor', capacity: 10 }, { id: 'pit', capacity: 5 }], seats: [] };
    await sql.query(`INSERT INTO events (id, name, starts_at, definition) VALUES ('gig', 'Gig', '2030-01-01T20:00:00Z', $1::jsonb)`, [JSON.stringify(definition)]);
    for (const [id, status] of [['o1', 'confirmed'], ['o2', 'cancelled'], ['o3', 'confirmed']]) {
      await sql.query(`INSERT INTO orders (id, event_id, user_id, hold_id, total, status, created_at) VALUES ($1, 'gig', 'u', 'h', 1, $2, now())`, [id, status]);
    }
    await sql.query(`INSERT INTO order_seats (order_id, event_id, seat_id, position, ticket_code, voided) VALUES
      ('o1', 'gig', 'A-1-2', 1, 'C1', false), ('o1', 'gig', 'A-1-1', 0, 'C2', false), ('o2', 'gig', 'A-1-3', 0, 'C3', true)`);
    await sql.query(`INSERT INTO order_areas (order_id, event_id, area_id, places) VALUES
      ('o1', 'gig', 'floor', 3), ('o2', 'gig', 'floor', 4), ('o3', 'gig', 'floor', 6), ('o3', 'gig', 'pit', 1)`);

    expect(await migrate(sql, all)).toEqual(all.filter((m) => m.name >= '003').map((m) => m.name));

    expect(await sql.query('SELECT id, seats, areas FROM orders ORDER BY id')).toEqual([
      { id: 'o1', seats: ['A-1-1', 'A-1-2'], areas: { floor: 3 } },
      { id: 'o2', seats: ['A-1-3'], areas: { floor: 4 } },
      { id: 'o3', seats: [], areas: { floor: 6, pit: 1 } },
    ]);
    expect(await sql.query('SELECT area_id, capacity, sold FROM area_sales ORDER BY area_id')).toEqual([
      { area_id: 'floor', capacity: 10, sold: 9 },
      { area_id: 'pit', capacity: 5, sold: 1 },
    ]);
    // One floor place is left: two are refused, one sells; cancelling gives places back.
    const sell = (id: string, places: number): Promise<unknown> =>
      sql.query(`INSERT INTO orders (id, event_id, user_id, hold_id, total, created_at, areas) VALUES ($1, 'gig', 'u', 'h', 1, now(), $2::jsonb)`,
        [id, JSON.stringify({ floor: places })]);
    await expect(sell('o4', 2)).rejects.toMatchObject({ code: '23514' });
    await sell('o5', 1);
    await sql.query(`UPDATE orders SET status = 'cancelled' WHERE id = 'o3'`);
    expect(await sql.query(`SELECT sold FROM area_sales WHERE area_id = 'floor'`)).toEqual([{ sold: 4 }]);
    await expect(sql.query(`UPDATE orders SET status = 'confirmed' WHERE id = 'o3'`)).rejects.toMatchObject({ code: '23514' });
    // The voided seat of the cancelled order stays free; the live ones are still guarded.
    await expect(sql.query(`INSERT INTO orders (id, event_id, user_id, hold_id, total, created_at, seats) VALUES ('o6', 'gig', 'u', 'h', 1, now(), '["A-1-1"]')`))
      .rejects.toMatchObject({ code: '23505' });
    await sql.query(`INSERT INTO orders (id, event_id, user_id, hold_id, total, created_at, seats) VALUES ('o7', 'gig', 'u', 'h', 1, now(), '["A-1-3"]')`);
  });
});
