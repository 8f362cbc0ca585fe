-- The waiting room of an event as its owner last saved it (places in order, admissions, the last
-- minute's admission times), so a restart or a new owner finds the line where it was. One row per
-- event, replaced whole by the owner at most once a second and when it hands the event off.
CREATE TABLE queue_rooms (
  event_id  text PRIMARY KEY REFERENCES events (id),
  room      jsonb NOT NULL,
  saved_at  timestamptz NOT NULL DEFAULT now()
);
