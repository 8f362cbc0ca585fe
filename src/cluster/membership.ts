// Who is in the cluster. Nodes announce themselves with a heartbeat that expires; every node derives
// the same ring from the same live member list.

/** A live node and how to reach it. */
export interface Member {
  nodeId: string;
  /** Base URL other nodes use for forwarding (ADVERTISE_URL). */
  url: string;
}

/** Cluster membership of this node. */
export interface Membership {
  /** Announces this node and starts heartbeating; resolves once it is visible to others. */
  join(self: Member): Promise<void>;
  /** Withdraws this node at once (graceful leave), stops heartbeating. */
  leave(): Promise<void>;
  /** The live members as last seen, sorted by nodeId (same order on every node). */
  members(): Member[];
  /** Re-reads the member list now (normally done every heartbeat); resolves with it. */
  refresh(): Promise<Member[]>;
  /** Calls `listener` whenever the member list changes (joins, leaves, expiries). Returns an unsubscribe. */
  onChange(listener: (members: Member[]) => void): () => void;
  /** Whether the last heartbeat reached the backend. */
  healthy(): boolean;
}
