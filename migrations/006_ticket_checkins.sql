-- Check-ins at the gate. Ticket codes are derived, not stored (src/store/ticket-code.ts): a row here is
-- written only when a ticket is scanned in, keyed by its code, so two gates scanning one ticket at the
-- same time get one row (one success) and one conflict. A void ticket (its order cancelled) is never
-- checked in: the insert reads the order's status in the same statement.
CREATE TABLE ticket_checkins (
  code           text PRIMARY KEY,
  event_id       text NOT NULL REFERENCES events (id),
  order_id       text NOT NULL REFERENCES orders (id),
  checked_in_by  text NOT NULL,
  used_at        timestamptz NOT NULL DEFAULT now()
);
