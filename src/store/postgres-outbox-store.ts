// OutboxStore over SQL (pg or PGlite through SqlClient), sharing the event store's client.
import type { SalesWebhookData } from '../../protocol';
import type { SalesState } from '../domain/types';
import type { DeadLetter, NewOutboxMessage, OutboxCounts, OutboxMessage, OutboxStore, QueuedMessage, ResentLetter } from './outbox-store';
import * as sql from './outbox-store-sql';
import type { SqlClient } from './sql-client';

/** A message row (MESSAGE_COLUMNS in outbox-store-sql.ts). */
interface MessageRow {
  id: string;
  event_id: string;
  type: string;
  payload: Record<string, unknown>;
  created_at: string;
  attempts: number;
}

const toMessage = (row: MessageRow): OutboxMessage => ({
  id: row.id,
  eventId: row.event_id,
  type: row.type,
  payload: row.payload,
  createdAt: row.created_at,
  attempts: Number(row.attempts),
});

/** Epoch ms as the ISO text the statements take. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** The outbox of the Postgres (or PGlite) the event store uses. */
export class PostgresOutboxStore implements OutboxStore {
  constructor(private readonly db: SqlClient) {}

  async append(messages: NewOutboxMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const rows = await this.db.query(sql.APPEND, [
      messages.map((m) => m.eventId),
      messages.map((m) => m.type),
      messages.map((m) => JSON.stringify(m.payload)),
      messages.map((m) => m.dedupeKey ?? null),
    ]);
    return rows.length;
  }

  async setSales(eventId: string, sales: SalesState): Promise<boolean> {
    const payload = JSON.stringify({ eventId, reason: 'staff', sales } satisfies SalesWebhookData);
    return (await this.db.query(sql.SET_SALES, [eventId, sales, payload])).length > 0;
  }

  async announceSalesWindows(now: number, lookbackMs: number): Promise<number> {
    return (await this.db.query(sql.ANNOUNCE_SALES_WINDOWS, [isoOf(now), isoOf(now - lookbackMs)])).length;
  }

  async claimPending(limit: number, now: number, leaseUntil: number): Promise<OutboxMessage[]> {
    const rows = await this.db.query<MessageRow>(sql.CLAIM_PENDING, [limit, isoOf(now), isoOf(leaseUntil)]);
    // UPDATE … RETURNING does not keep the subquery's order.
    return rows.map(toMessage).sort((a, b) => compareIds(a.id, b.id));
  }

  async markRelayed(ids: string[], now: number): Promise<void> {
    if (ids.length > 0) await this.db.query(sql.MARK_RELAYED, [ids, isoOf(now)]);
  }

  async markSkipped(ids: string[], now: number): Promise<void> {
    if (ids.length > 0) await this.db.query(sql.MARK_SKIPPED, [ids, isoOf(now)]);
  }

  async markDelivered(ids: string[], now: number): Promise<void> {
    if (ids.length > 0) await this.db.query(sql.MARK_DELIVERED, [ids, isoOf(now)]);
  }

  async recordFailure(id: string, error: string, retryAt: number): Promise<void> {
    await this.db.query(sql.RECORD_FAILURE, [id, error, isoOf(retryAt)]);
  }

  async markDead(id: string, error: string, attempts: number, now: number): Promise<void> {
    await this.db.query(sql.MARK_DEAD, [id, error, attempts, isoOf(now)]);
  }

  async findQueued(relayedBefore: number, limit: number): Promise<QueuedMessage[]> {
    const rows = await this.db.query<{ id: string; relayed_at_ms: number }>(sql.FIND_QUEUED, [isoOf(relayedBefore), limit]);
    return rows.map((row) => ({ id: row.id, relayedAt: Number(row.relayed_at_ms) }));
  }

  async requeue(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(sql.REQUEUE, [ids]);
  }

  async resendDead(ids: string[]): Promise<ResentLetter[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<{ id: string; event_id: string; type: string }>(sql.RESEND_DEAD, [ids]);
    return rows.map((row) => ({ id: row.id, eventId: row.event_id, type: row.type }));
  }

  async listDead(limit: number, beforeId?: string): Promise<DeadLetter[]> {
    const rows = await this.db.query<MessageRow & { dead_at: string; last_error: string | null }>(sql.LIST_DEAD, [
      limit,
      beforeId ?? null,
    ]);
    return rows.map((row) => ({ ...toMessage(row), deadAt: row.dead_at, lastError: row.last_error }));
  }

  async counts(): Promise<OutboxCounts> {
    const [row] = await this.db.query<OutboxCounts>(sql.COUNTS);
    return { pending: Number(row.pending), queued: Number(row.queued), dead: Number(row.dead) };
  }
}

/** Orders bigint ids given as decimal text. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
