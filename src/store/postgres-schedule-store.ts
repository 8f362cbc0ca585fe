// ScheduleStore over SQL (pg or PGlite through SqlClient): run claims under an advisory lock, and the
// sold counts that reconciliation compares actors with.
import type { ScheduleStore, SoldCounts } from './outbox-store';
import * as sql from './outbox-store-sql';
import { isoOf } from './postgres-outbox-store';
import type { SqlClient } from './sql-client';

/** Schedule bookkeeping in the Postgres (or PGlite) the event store uses. */
export class PostgresScheduleStore implements ScheduleStore {
  constructor(private readonly db: SqlClient) {}

  claimRun(name: string, slot: number, nodeId: string, now: number, leaseUntil: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>(sql.TRY_SCHEDULE_LOCK, [sql.SCHEDULE_LOCK_CLASS, name]);
      // Another node is claiming this schedule right now: it will run the slot, or it is not due.
      if (!lock.locked) return false;
      const rows = await tx.query(sql.CLAIM_RUN, [name, isoOf(slot), isoOf(now), isoOf(leaseUntil), nodeId]);
      return rows.length > 0;
    });
  }

  async finishRun(name: string, slot: number, now: number): Promise<void> {
    await this.db.query(sql.FINISH_RUN, [name, isoOf(slot), isoOf(now)]);
  }

  async soldCounts(eventIds: string[]): Promise<Map<string, SoldCounts>> {
    const rows = await this.db.query<{ event_id: string; seats: number; places: number }>(sql.SOLD_COUNTS, [eventIds]);
    return new Map(rows.map((row) => [row.event_id, { seats: Number(row.seats), places: Number(row.places) }]));
  }
}
