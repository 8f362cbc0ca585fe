// The sockets of each signed-in user on this node, so a push to one user (a hold's expiry, a
// waiting-room position) reaches every connection of theirs. A Map entry per user costs a few dozen
// bytes of heap; a uWS topic per user and encoding cost several hundred bytes of native memory (a
// topic, its name, its subscriber set and the socket's topic set), which was a third of what a user
// waiting in a queue of 19,000 cost the node.

/** One user's sockets: the socket itself while there is one, an array past that. */
type Entry<S> = S | S[];

/** The sockets of each user. */
export class UserSockets<S extends object> {
  private readonly byUser = new Map<string, Entry<S>>();

  /** Adds `ws` to `userId`'s sockets (adding it twice keeps one). */
  add(userId: string, ws: S): void {
    const entry = this.byUser.get(userId);
    if (entry === undefined) this.byUser.set(userId, ws);
    else if (Array.isArray(entry)) {
      if (!entry.includes(ws)) entry.push(ws);
    } else if (entry !== ws) this.byUser.set(userId, [entry, ws]);
  }

  /** Removes `ws` from `userId`'s sockets (absent: nothing). */
  remove(userId: string, ws: S): void {
    const entry = this.byUser.get(userId);
    if (entry === undefined) return;
    if (!Array.isArray(entry)) {
      if (entry === ws) this.byUser.delete(userId);
      return;
    }
    const at = entry.indexOf(ws);
    if (at < 0) return;
    entry.splice(at, 1);
    if (entry.length === 1) this.byUser.set(userId, entry[0]);
  }

  /** Calls `fn` with each socket of `userId`. */
  forEach(userId: string, fn: (ws: S) => void): void {
    const entry = this.byUser.get(userId);
    if (entry === undefined) return;
    if (!Array.isArray(entry)) return fn(entry);
    // A copy: `fn` may close a socket, and closing removes it.
    for (const ws of [...entry]) fn(ws);
  }

  /** How many sockets `userId` has here. */
  count(userId: string): number {
    const entry = this.byUser.get(userId);
    if (entry === undefined) return 0;
    return Array.isArray(entry) ? entry.length : 1;
  }

  /** Users with at least one socket here. */
  get users(): number {
    return this.byUser.size;
  }
}
