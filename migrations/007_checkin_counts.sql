-- How many tickets of each event have been checked in, kept by the check-in statement itself (one row per
-- event, bumped in the same statement that inserts the check-in), so the staff `stats` can show the count
-- without counting ticket_checkins. Rows checked in before this migration are counted here once.
CREATE TABLE event_checkin_counts (
  event_id    text PRIMARY KEY REFERENCES events (id),
  checked_in  bigint NOT NULL
);

INSERT INTO event_checkin_counts (event_id, checked_in)
SELECT event_id, count(*) FROM ticket_checkins GROUP BY event_id;
