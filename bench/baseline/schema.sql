-- The conventional baseline's schema: seat state lives in Postgres rows and row locks decide who gets a
-- seat. Takes nothing; creates the tables if they are missing. Returns nothing.
-- Generous to the baseline on purpose: no hold expiry sweeper, no per-user seat cap, no outbox, no
-- diffs to viewers. Each of those would add work to every command; Aisle does all of them.
CREATE TABLE IF NOT EXISTS seats (
  event_id   text NOT NULL,
  seat_id    text NOT NULL,
  price      bigint NOT NULL,
  status     text NOT NULL DEFAULT 'available',
  hold_id    text,
  user_id    text,
  held_until timestamptz,
  order_id   text,
  PRIMARY KEY (event_id, seat_id)
);
-- release and buy find a hold's seats by its id.
CREATE INDEX IF NOT EXISTS seats_hold ON seats (hold_id) WHERE hold_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS orders (
  id         text PRIMARY KEY,
  event_id   text NOT NULL,
  user_id    text NOT NULL,
  hold_id    text NOT NULL,
  total      bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS order_seats (
  order_id text NOT NULL,
  event_id text NOT NULL,
  seat_id  text NOT NULL,
  PRIMARY KEY (order_id, seat_id),
  -- The same last guard as Aisle's: a seat is sold at most once.
  UNIQUE (event_id, seat_id)
);
