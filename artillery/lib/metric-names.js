// The custom metrics the scenarios report, as they appear in Artillery's report (counters and
// histograms under `aggregate`). run.mjs and test/artillery read them by these names.
'use strict';

module.exports = Object.freeze({
  /** Histograms, in milliseconds from request to reply. */
  SUBSCRIBE_MS: 'aisle.subscribe_ms',
  HOLD_MS: 'aisle.hold_ms',
  EXTEND_MS: 'aisle.extend_ms',
  RELEASE_MS: 'aisle.release_ms',
  PURCHASE_MS: 'aisle.purchase_ms',
  WATCH_MS: 'aisle.watch_ms',
  JOIN_MS: 'aisle.join_ms',
  /** From sending `join` to being admitted (the join reply or the `admitted` push). */
  ADMIT_WAIT_MS: 'aisle.admit_wait_ms',

  /** Counters (SEATS_HELD and SEATS_BOUGHT count standing places too). */
  HOLDS: 'aisle.holds',
  HOLDS_UNAVAILABLE: 'aisle.holds_seat_unavailable',
  SEATS_HELD: 'aisle.seats_held',
  PICKS: 'aisle.picks',
  SOLD_OUT: 'aisle.sold_out',
  EXTENDS: 'aisle.extends',
  RELEASES: 'aisle.releases',
  ABANDONED: 'aisle.abandoned',
  PURCHASES: 'aisle.purchases',
  SEATS_BOUGHT: 'aisle.seats_bought',
  HOLDS_EXPIRED: 'aisle.holds_expired',
  DIFFS_RECEIVED: 'aisle.diffs_received',
  DIFF_CHANGES: 'aisle.diff_changes',
  DIFF_GAPS: 'aisle.diff_gaps',
  RESYNCS: 'aisle.resyncs',
  STATS_RECEIVED: 'aisle.stats_received',
  PUSH_ERRORS: 'aisle.push_errors',
  OTHER_PUSHES: 'aisle.other_pushes',
  TEXT_FRAMES: 'aisle.text_frames',

  /** The waiting room (`queue` scenario). */
  JOINS: 'aisle.joins',
  /** Joins answered `queued` (the user had to wait). */
  QUEUED: 'aisle.queued',
  ADMITTED: 'aisle.admitted',
  /** `queue_closed` pushes; `aisle.queue_closed.<reason>` counts each reason. */
  QUEUE_CLOSED: 'aisle.queue_closed',
  /** `queue` pushes (position updates). */
  QUEUE_PUSHES: 'aisle.queue_pushes',
  /** A `queue` push with a higher position than the user had: a place must only move forward. */
  POSITION_RISES: 'aisle.position_rises',
  /** Waiting-room pushes after the user was admitted or told the queue closed (must be none). */
  LATE_QUEUE_PUSHES: 'aisle.late_queue_pushes',
  LEFT: 'aisle.left',
});
