// The audit trail of staff and admin actions, in domain terms: appended by the gateway after an action
// is done, read back page by page. Deliberately left out: editing or deleting entries.

/** Who did something: the authenticated caller. */
export interface AuditActor {
  userId: string;
  role: string;
}

/** One action to record. */
export interface NewAuditEntry {
  actor: AuditActor;
  /** What was done, e.g. `event.update`, `seats.block`, `hold.force_release`, `order.cancel`. */
  action: string;
  /** The event concerned, if any. */
  eventId: string | null;
  /** The object acted on inside it (a hold id, an order id, a dead letter id), if any. */
  target: string | null;
  /** What was asked and what came of it. */
  details: Record<string, unknown>;
}

/** A recorded action. */
export interface AuditEntry extends NewAuditEntry {
  /** Rising id (bigint, as text). */
  id: string;
  /** ISO 8601, UTC. */
  at: string;
}

/** A page of entries, newest first; pass `next` as `before` for older ones. */
export interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

/** Where the audit trail lives. */
export interface AuditStore {
  /** Appends one entry; resolves once it is durable. */
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Entries newest first, of one event or (null) of all; `before` is an id from an earlier page. */
  list(eventId: string | null, before: string | null, limit: number): Promise<AuditPage>;
}
