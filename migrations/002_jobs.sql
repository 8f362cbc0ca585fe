-- 002_jobs: the delivery state of the outbox and the runs of cluster-wide schedules.
--
-- outbox gains: dedupe_key (an announcement that must exist once, e.g. the sales window opening, is
-- written with ON CONFLICT DO NOTHING), attempts / next_attempt_at / last_error (the in-process
-- runner's retry state; BullMQ keeps its own), claimed_until (a relay or runner holds the row for a
-- short lease, so a process that dies mid-way leaves it to the next one), relayed_at (handed to the
-- BullMQ queue), delivered_at and dead_at (the receiver acknowledged, or the last attempt failed:
-- the dead letters staff see). processed_at (001) keeps its meaning: the row left the pending state
-- (relayed, delivered, dead, or skipped because nobody subscribes to its type).
--
-- Every new column is nullable or has a constant default, so adding it does not rewrite the table.
ALTER TABLE outbox ADD COLUMN dedupe_key text;
ALTER TABLE outbox ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT '-infinity';
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
ALTER TABLE outbox ADD COLUMN relayed_at timestamptz;
ALTER TABLE outbox ADD COLUMN delivered_at timestamptz;
ALTER TABLE outbox ADD COLUMN dead_at timestamptz;
ALTER TABLE outbox ADD COLUMN last_error text;

CREATE UNIQUE INDEX outbox_dedupe_key ON outbox (dedupe_key) WHERE dedupe_key IS NOT NULL;
-- Claiming reads the pending rows that are due, oldest first; rows waiting out a backoff sort last
-- instead of being scanned on every poll (a receiver down for an hour leaves thousands of them).
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE processed_at IS NULL;
-- The stuck-outbox sweep looks for rows handed to the queue long ago and never settled.
CREATE INDEX outbox_in_queue ON outbox (relayed_at)
  WHERE relayed_at IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL;
-- Staff list dead letters newest first (by id, which pages simply).
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at IS NOT NULL;

-- One row per cluster-wide schedule: the last cron slot claimed and until when its run is leased.
-- A node claims a slot under pg_try_advisory_xact_lock and only if the slot is newer and the lease of
-- the previous run is over, so each slot runs on one node and runs never overlap.
CREATE TABLE schedule_runs (
  name          text PRIMARY KEY,
  last_slot     timestamptz NOT NULL,
  running_until timestamptz NOT NULL,
  node_id       text NOT NULL
);
