-- 004_staff: what venue staff and admins need around a sale.
--
-- events gain lifecycle ('draft': staff can look, nobody can hold; 'published': the v1 behaviour;
-- 'archived': out of the default event list) and revision (bumped by every edit, so nodes that cache a
-- definition can tell theirs is stale with one small read). Both have constant defaults, so adding
-- them does not rewrite the table.
--
-- audit_log is every staff and admin action: who (actor id and role), when, what (action, the event
-- and the object it concerns, details as JSON). Rows are only ever appended.
ALTER TABLE events ADD COLUMN lifecycle text NOT NULL DEFAULT 'published'
  CHECK (lifecycle IN ('draft', 'published', 'archived'));
ALTER TABLE events ADD COLUMN revision int NOT NULL DEFAULT 0;

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor_id   text NOT NULL,
  actor_role text NOT NULL,
  action     text NOT NULL,
  event_id   text,
  target     text,
  details    jsonb NOT NULL DEFAULT '{}'
);
-- Staff page an event's entries newest first; the whole log pages by id alone.
CREATE INDEX audit_log_event ON audit_log (event_id, id);
