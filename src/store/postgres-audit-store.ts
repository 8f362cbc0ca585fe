// AuditStore over SQL (pg or PGlite through SqlClient).
import type { AuditEntry, AuditPage, AuditStore, NewAuditEntry } from './audit-store';
import { INSERT_AUDIT, SELECT_AUDIT_PAGE } from './audit-sql';
import { InvalidCursorError } from './event-store';
import type { SqlExecutor } from './sql-client';

interface AuditRow {
  id: string | number;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  event_id: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

/** A page cursor is an entry id: a positive bigint in decimal. */
const ENTRY_ID = /^[1-9][0-9]{0,17}$/;

/** The audit trail in the `audit_log` table. */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly db: SqlExecutor) {}

  async record(entry: NewAuditEntry): Promise<AuditEntry> {
    const [row] = await this.db.query<{ id: string | number; at: string }>(INSERT_AUDIT, [
      entry.actor.userId,
      entry.actor.role,
      entry.action,
      entry.eventId,
      entry.target,
      JSON.stringify(entry.details),
    ]);
    return { ...entry, id: String(row.id), at: row.at };
  }

  async list(eventId: string | null, before: string | null, limit: number): Promise<AuditPage> {
    if (before !== null && !ENTRY_ID.test(before)) throw new InvalidCursorError(before);
    const rows = await this.db.query<AuditRow>(SELECT_AUDIT_PAGE, [eventId, before, limit + 1]);
    const entries = rows.slice(0, limit).map(
      (row): AuditEntry => ({
        id: String(row.id),
        at: row.at,
        actor: { userId: row.actor_id, role: row.actor_role },
        action: row.action,
        eventId: row.event_id,
        target: row.target,
        details: row.details,
      }),
    );
    return { entries, next: rows.length > limit ? entries[entries.length - 1].id : null };
  }
}
