-- 010_staff_holds: staff holds (house seats, comps), kept apart from customers' holds. A customer's
-- hold lives in its actor's memory and, in a cluster, in the Redis hold journal, and may be lost with a
-- single node's restart; a staff hold never expires until staff release it, so it is stored here with
-- its event in every mode and loaded with the event's blocked seats and orders (docs/protocol.md,
-- "Staff holds"). Written by the event's owner, fenced by its epoch like blocked seats.
--
-- seats are seat ids in the order they were named; areas is {areaId: places}; created_by is the staff
-- member who made it and note why.
CREATE TABLE staff_holds (
  event_id   text NOT NULL REFERENCES events (id),
  hold_id    text NOT NULL,
  created_by text NOT NULL,
  note       text NOT NULL,
  seats      text[] NOT NULL,
  areas      jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  PRIMARY KEY (event_id, hold_id)
);
