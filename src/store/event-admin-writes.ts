// Staff and admin writes to an event, fenced by the writing actor's epoch (see event-admin-sql.ts).
// Kept out of postgres-event-store.ts so the sale path's file stays about the sale path.
import type { SalesWebhookData } from '../../protocol';
import type { EventHeader, SalesState } from '../domain/types';
import type { RoomSnapshot } from '../domain/waiting-room';
import * as sql from './event-admin-sql';
import type { SqlClient, SqlExecutor } from './sql-client';

/** A write that an actor makes: done, or refused because another node owns the event now. */
export type FencedWrite = 'ok' | 'fenced';

/** A staff hold (house seats, comps) as stored: seat ids, not indexes. */
export interface StoredStaffHold {
  holdId: string;
  /** The staff member who made it. */
  userId: string;
  note: string;
  /** Seat ids. */
  seats: string[];
  /** areaId → places. */
  areas: Record<string, number>;
  /** Epoch ms, from the actor's clock. */
  createdAt: number;
}

/** Lifecycle of an event as listings see it. */
export type Lifecycle = 'draft' | 'published' | 'archived';

/** Stores an edited definition if `epoch` is current (null: no actor, e.g. an event never activated). */
export function writeDefinition(db: SqlClient, epoch: number | null, definition: EventHeader): Promise<FencedWrite | 'not_found'> {
  return db.transaction(async (tx) => {
    if (epoch !== null && (await tx.query(sql.LOCK_OWNER_EPOCH, [definition.id, epoch])).length === 0) return 'fenced';
    const rows = await tx.query(sql.UPDATE_EVENT, [
      definition.id,
      JSON.stringify(definition),
      definition.name,
      definition.startsAt,
      definition.salesOpenAt ?? null,
      definition.salesCloseAt ?? null,
      definition.draft === true ? 'draft' : 'published',
    ]);
    return rows.length > 0 ? 'ok' : 'not_found';
  });
}

/** Blocks or unblocks seats if `epoch` is current. */
export function writeBlocked(db: SqlClient, eventId: string, epoch: number, seatIds: string[], blocked: boolean): Promise<FencedWrite> {
  return db.transaction(async (tx) => {
    if ((await tx.query(sql.LOCK_OWNER_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
    await tx.query(blocked ? sql.WRITE_BLOCKED : sql.WRITE_UNBLOCKED, [eventId, seatIds]);
    return 'ok';
  });
}

/** Stores a new staff hold if `epoch` is current. */
export function writeStaffHold(db: SqlClient, eventId: string, epoch: number, hold: StoredStaffHold): Promise<FencedWrite> {
  return db.transaction(async (tx) => {
    if ((await tx.query(sql.LOCK_OWNER_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
    await tx.query(sql.WRITE_STAFF_HOLD, [eventId, hold.holdId, hold.userId, hold.note, hold.seats, JSON.stringify(hold.areas), hold.createdAt]);
    return 'ok';
  });
}

/** Deletes a staff hold (released) if `epoch` is current. */
export function deleteStaffHold(db: SqlClient, eventId: string, epoch: number, holdId: string): Promise<FencedWrite> {
  return db.transaction(async (tx) => {
    if ((await tx.query(sql.LOCK_OWNER_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
    await tx.query(sql.DELETE_STAFF_HOLD, [eventId, holdId]);
    return 'ok';
  });
}

/** The event's staff holds as stored (seat ids), oldest first. */
export async function readStaffHolds(db: SqlExecutor, eventId: string): Promise<StoredStaffHold[]> {
  const rows = await db.query<{ hold_id: string; created_by: string; note: string; seats: string[]; areas: Record<string, number>; created_ms: number }>(
    sql.SELECT_STAFF_HOLDS,
    [eventId],
  );
  return rows.map((row) => ({ holdId: row.hold_id, userId: row.created_by, note: row.note, seats: row.seats, areas: row.areas, createdAt: Number(row.created_ms) }));
}

/** Pauses or resumes sales if `epoch` is current (no announcement: see writeSalesAnnounced). */
export function writeSales(db: SqlClient, eventId: string, epoch: number, sales: SalesState): Promise<FencedWrite> {
  return db.transaction(async (tx) => {
    if ((await tx.query(sql.LOCK_OWNER_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
    await tx.query(sql.WRITE_SALES, [eventId, sales]);
    return 'ok';
  });
}

/** Saves the waiting room whole if `epoch` is current. */
export function writeQueue(db: SqlClient, eventId: string, epoch: number, room: RoomSnapshot): Promise<FencedWrite> {
  return db.transaction(async (tx) => {
    if ((await tx.query(sql.LOCK_OWNER_EPOCH, [eventId, epoch])).length === 0) return 'fenced';
    await tx.query(sql.WRITE_QUEUE, [eventId, JSON.stringify(room)]);
    return 'ok';
  });
}

/** The waiting room as last saved, or undefined. */
export async function readQueue(db: SqlExecutor, eventId: string): Promise<RoomSnapshot | undefined> {
  const [row] = await db.query<{ room: RoomSnapshot }>(sql.SELECT_QUEUE, [eventId]);
  return row?.room;
}

/**
 * Pauses or resumes sales with its outbox announcement, in one statement, if `epoch` is current. Run as
 * a transaction so that a lost COMMIT is looked up (SqlClient.transaction) rather than reported as
 * nothing changed while the event did pause.
 */
export function writeSalesAnnounced(db: SqlClient, eventId: string, epoch: number, sales: SalesState): Promise<FencedWrite> {
  const payload = JSON.stringify({ eventId, reason: 'staff', sales } satisfies SalesWebhookData);
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ owned: boolean }>(sql.WRITE_SALES_ANNOUNCED, [eventId, sales, payload, epoch]);
    return row.owned ? 'ok' : 'fenced';
  });
}

/** Archives an event (out of the default list) or brings it back; null if no such event. */
export async function writeArchived(db: SqlClient, eventId: string, archived: boolean): Promise<Lifecycle | null> {
  const [row] = await db.query<{ lifecycle: Lifecycle }>(sql.SET_ARCHIVED, [eventId, archived]);
  return row?.lifecycle ?? null;
}

/** The event's edit counter (rises with every edit), or null if no such event. */
export async function readRevision(db: SqlClient, eventId: string): Promise<number | null> {
  const [row] = await db.query<{ revision: number | string }>(sql.SELECT_REVISION, [eventId]);
  return row ? Number(row.revision) : null;
}
