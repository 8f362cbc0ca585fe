-- 003_lean_orders: a purchase writes only what makes it durable and unique, and Postgres itself
-- guards every sale, seats and standing places alike.
--
-- - orders gain `seats` (a JSON array of seat ids in the order bought) and `areas` ({areaId: places}): an order reads
--   back from its own row. order_areas and area_tickets go; order_seats keeps only the unique key on
--   live seats (its primary key, positions and stored ticket codes go).
-- - Ticket codes are derived from order and place with TICKET_SECRET (src/store/ticket-code.ts), so no
--   code is stored: the random codes of orders made before this migration are no longer valid (their
--   tickets get derived codes, shown by GET /api/orders/:id).
-- - area_sales counts the places sold per standing area; its CHECK refuses more than the capacity.
-- - Triggers on orders (one call per statement, over its transition table) write order_seats and
--   area_sales for every inserted order and undo both when an order is cancelled, in the statement's
--   transaction: no code path, and no hand-written INSERT, can sell a seat twice or a floor over
--   its capacity.

ALTER TABLE orders ADD COLUMN seats jsonb NOT NULL DEFAULT '[]';
ALTER TABLE orders ADD COLUMN areas jsonb NOT NULL DEFAULT '{}';

UPDATE orders o SET
  seats = coalesce((SELECT jsonb_agg(s.seat_id ORDER BY s.position) FROM order_seats s WHERE s.order_id = o.id), '[]'),
  areas = coalesce((SELECT jsonb_object_agg(a.area_id, a.places) FROM order_areas a WHERE a.order_id = o.id), '{}');

DROP TABLE area_tickets;
DROP TABLE order_areas;

-- Only the guard stays: the live-seat key (001) on (event_id, seat_id) WHERE NOT voided. Cancelling
-- finds an order's rows through it (event and seat ids come from the order's row).
ALTER TABLE order_seats DROP CONSTRAINT order_seats_pkey;
ALTER TABLE order_seats DROP COLUMN ticket_code;
ALTER TABLE order_seats DROP COLUMN position;

CREATE TABLE area_sales (
  event_id text NOT NULL,
  area_id  text NOT NULL,
  capacity int NOT NULL,
  sold     int NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, area_id),
  -- The last guard against overselling a standing area (docs/architecture.md, guarantee 1).
  CONSTRAINT area_sales_within_capacity CHECK (sold >= 0 AND sold <= capacity)
);

-- Existing events: each area of each definition, with the places its confirmed orders hold.
INSERT INTO area_sales (event_id, area_id, capacity, sold)
SELECT e.id, area->>'id', (area->>'capacity')::int,
  coalesce((SELECT sum((o.areas->>(area->>'id'))::int) FROM orders o
             WHERE o.event_id = e.id AND o.status = 'confirmed'), 0)
FROM events e CROSS JOIN LATERAL jsonb_array_elements(coalesce(e.definition->'areas', '[]')) AS area;

-- Takes the rows of one INSERT INTO orders (transition table new_orders) → writes their live seats and
-- adds their places to area_sales. A seat sold twice is refused by order_seats_live_seat (23505); an
-- area over its capacity by area_sales_within_capacity, and an area with no area_sales row as if it
-- had none (both 23514). Either failure undoes the whole statement.
CREATE FUNCTION orders_sell() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted int;
  counted int;
BEGIN
  INSERT INTO order_seats (order_id, event_id, seat_id)
  SELECT o.id, o.event_id, s.seat_id
  FROM new_orders o CROSS JOIN LATERAL jsonb_array_elements_text(o.seats) AS s (seat_id)
  WHERE o.status = 'confirmed';

  WITH sold AS (
    SELECT o.event_id, p.key AS area_id, sum(p.value::int) AS places
    FROM new_orders o CROSS JOIN LATERAL jsonb_each_text(o.areas) AS p
    WHERE o.status = 'confirmed'
    GROUP BY o.event_id, p.key
  ), counted AS (
    UPDATE area_sales a SET sold = a.sold + sold.places
    FROM sold WHERE a.event_id = sold.event_id AND a.area_id = sold.area_id
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM sold), (SELECT count(*) FROM counted) INTO wanted, counted;
  IF counted <> wanted THEN
    RAISE EXCEPTION 'an order names a standing area the event does not have' USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;

-- Takes the rows of one UPDATE of orders (old_orders, new_orders) → for each order going from
-- confirmed to cancelled: voids its seats (freeing them in the live-seat key) and gives its places
-- back. Status changes the other way are refused: a cancelled order stays cancelled.
CREATE FUNCTION orders_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM old_orders o JOIN new_orders n ON n.id = o.id
             WHERE o.status = 'cancelled' AND n.status <> 'cancelled') THEN
    RAISE EXCEPTION 'a cancelled order cannot be confirmed again' USING ERRCODE = '23514';
  END IF;
  IF EXISTS (SELECT FROM old_orders o JOIN new_orders n ON n.id = o.id
             WHERE o.seats <> n.seats OR o.areas <> n.areas OR o.event_id <> n.event_id) THEN
    RAISE EXCEPTION 'the seats and places of an order cannot change' USING ERRCODE = '23514';
  END IF;

  UPDATE order_seats s SET voided = true
  FROM old_orders o JOIN new_orders n ON n.id = o.id AND n.status = 'cancelled'
  CROSS JOIN LATERAL jsonb_array_elements_text(o.seats) AS seat (id)
  WHERE o.status = 'confirmed' AND s.event_id = o.event_id AND s.seat_id = seat.id AND s.order_id = o.id AND NOT s.voided;

  UPDATE area_sales a SET sold = a.sold - g.places
  FROM (
    SELECT o.event_id, p.key AS area_id, sum(p.value::int) AS places
    FROM old_orders o JOIN new_orders n ON n.id = o.id AND n.status = 'cancelled'
    CROSS JOIN LATERAL jsonb_each_text(o.areas) AS p
    WHERE o.status = 'confirmed'
    GROUP BY o.event_id, p.key
  ) AS g
  WHERE a.event_id = g.event_id AND a.area_id = g.area_id;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_sell AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION orders_sell();
CREATE TRIGGER orders_cancel AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION orders_cancel();
