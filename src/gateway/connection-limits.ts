// Caps on open WebSocket connections per client address and per user, counted on this node. A
// connection is counted from its upgrade (before it opens) to its close, so a burst of upgrades cannot
// slip past the cap while earlier ones are still being verified.

/** The caps; 0 turns a cap off. */
export interface ConnectionCaps {
  /** Open connections from one client address. */
  perIp: number;
  /** Open connections authenticated as one user (guests are counted by address only). */
  perUser: number;
}

/** Which cap refused a connection. */
export type ConnectionRefusal = 'ip' | 'user';

/** Counts open connections by address and user against the caps. */
export class ConnectionLimits {
  private readonly byIp = new Map<string, number>();
  private readonly byUser = new Map<string, number>();

  constructor(private readonly caps: ConnectionCaps) {}

  /** Counts a new connection, or names the cap that refuses it (then nothing is counted). */
  open(ip: string, userId: string | null): ConnectionRefusal | null {
    if (atCap(this.byIp, ip, this.caps.perIp)) return 'ip';
    if (userId !== null && atCap(this.byUser, userId, this.caps.perUser)) return 'user';
    increment(this.byIp, ip);
    if (userId !== null) increment(this.byUser, userId);
    return null;
  }

  /** Forgets a connection counted by `open`. */
  close(ip: string, userId: string | null): void {
    decrement(this.byIp, ip);
    if (userId !== null) decrement(this.byUser, userId);
  }

  /** An open connection stops counting for its user (it is a guest now). */
  leaveUser(userId: string): void {
    decrement(this.byUser, userId);
  }

  /** Moves an open connection to another user (an `auth` message); false, changing nothing, when `to` is at its cap. */
  switchUser(from: string | null, to: string): boolean {
    if (from === to) return true;
    if (atCap(this.byUser, to, this.caps.perUser)) return false;
    if (from !== null) decrement(this.byUser, from);
    increment(this.byUser, to);
    return true;
  }

  /** Open connections of an address and of a user (for tests and metrics). */
  count(key: { ip?: string; userId?: string }): number {
    return key.ip !== undefined ? (this.byIp.get(key.ip) ?? 0) : (this.byUser.get(key.userId ?? '') ?? 0);
  }
}

function atCap(counts: Map<string, number>, key: string, cap: number): boolean {
  return cap > 0 && (counts.get(key) ?? 0) >= cap;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

// Keys at zero are removed, so the maps hold only addresses and users with open connections.
function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 0) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

/**
 * The address a connection is counted under: the peer's, or behind a trusted proxy the last entry of
 * X-Forwarded-For (the one that proxy appended; entries before it are the client's word, not a fact).
 */
export function clientAddress(peer: string, forwardedFor: string, trustProxy: boolean): string {
  if (!trustProxy || forwardedFor === '') return peer;
  const last = forwardedFor.slice(forwardedFor.lastIndexOf(',') + 1).trim();
  return last === '' ? peer : last.slice(0, 64);
}
