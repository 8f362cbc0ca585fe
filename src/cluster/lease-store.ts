// Ownership leases: at most one node holds an event's lease at a time, for a TTL it must renew.
// The lease decides who may activate an event's actor; the Postgres epoch (claimOwnership) then
// fences any commit of a previous holder.

/** Leases on events, in ownership terms. */
export interface LeaseStore {
  /** Takes the lease of `eventId` for `nodeId` if it is free (or already ours: then it is renewed). */
  acquire(eventId: string, nodeId: string, ttlMs: number): Promise<boolean>;
  /** Renews every lease in `eventIds` that `nodeId` still holds, in one round trip; returns those renewed. */
  renew(eventIds: string[], nodeId: string, ttlMs: number): Promise<string[]>;
  /** Gives the lease up if `nodeId` holds it. */
  release(eventId: string, nodeId: string): Promise<void>;
  /** The node holding the lease, or null. */
  holder(eventId: string): Promise<string | null>;
}
