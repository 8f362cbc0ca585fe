-- 001_init: creates the durable state of Aisle: events, event_owners (ownership epochs), orders,
-- order_seats (sold seats with their tickets), order_areas and area_tickets (general-admission places),
-- blocked_seats and the outbox that the jobs relay turns into webhooks.
--
-- Foreign keys: only the cold tables (event_owners, blocked_seats) reference events. The hot insert
-- path (orders, order_seats, order_areas, area_tickets, outbox) has none on purpose: every row of one
-- commit is written by one statement that first locks the event's event_owners row (which itself
-- references events), so the parent rows exist by construction. An FK check there would be one more
-- cached lookup per row, and an ANALYZE on a freshly emptied orders table was measured turning that
-- lookup into a sequential scan (60 ms per batch; docs/decisions.md).

-- starts_at, sales_open_at and sales_close_at keep the ISO 8601 text as given (the API echoes it, and
-- listing events must not read the large definition); the store checks they parse as timestamptz on
-- insert, so comparisons can cast them (`sales_open_at::timestamptz <= now()`).
CREATE TABLE events (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  starts_at      text NOT NULL,
  definition     jsonb NOT NULL,
  sales          text NOT NULL DEFAULT 'open' CHECK (sales IN ('open', 'paused')),
  sales_open_at  text,
  sales_close_at text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  created_seq    bigserial NOT NULL UNIQUE
);

CREATE TABLE event_owners (
  event_id   text PRIMARY KEY REFERENCES events (id),
  node_id    text NOT NULL,
  epoch      bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id              text PRIMARY KEY,
  event_id        text NOT NULL,
  user_id         text NOT NULL,
  hold_id         text NOT NULL,
  total           bigint NOT NULL,
  status          text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
  idempotency_key text,
  created_at      timestamptz NOT NULL,
  seq             bigserial NOT NULL,
  cancelled_at    timestamptz
);
-- Keyset paging (listOrders) and loading an event's live orders.
CREATE INDEX orders_event_seq ON orders (event_id, seq);
-- An idempotency key is scoped to the user and the event (docs/protocol.md, `buy`).
CREATE UNIQUE INDEX orders_idempotency_key ON orders (event_id, user_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

CREATE TABLE order_seats (
  order_id    text NOT NULL,
  event_id    text NOT NULL,
  seat_id     text NOT NULL,
  -- Position of the seat in the order as bought, so orders read back in the same seat order.
  position    int NOT NULL,
  ticket_code text NOT NULL UNIQUE,
  voided      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (order_id, seat_id)
);
-- The last guard against selling a seat twice (docs/architecture.md, guarantee 1). Cancelling an order
-- voids its rows, which frees the key.
CREATE UNIQUE INDEX order_seats_live_seat ON order_seats (event_id, seat_id) WHERE NOT voided;

CREATE TABLE order_areas (
  order_id text NOT NULL,
  event_id text NOT NULL,
  area_id  text NOT NULL,
  places   int NOT NULL CHECK (places > 0),
  PRIMARY KEY (order_id, area_id)
);

-- One ticket per general-admission place (seat tickets live in order_seats).
CREATE TABLE area_tickets (
  code     text PRIMARY KEY,
  order_id text NOT NULL,
  event_id text NOT NULL,
  area_id  text NOT NULL,
  position int NOT NULL,
  voided   boolean NOT NULL DEFAULT false
);
CREATE INDEX area_tickets_order ON area_tickets (order_id);

CREATE TABLE blocked_seats (
  event_id text NOT NULL REFERENCES events (id),
  seat_id  text NOT NULL,
  PRIMARY KEY (event_id, seat_id)
);

CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  event_id     text NOT NULL,
  type         text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
-- The relay polls what is still to deliver, oldest first.
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL;
