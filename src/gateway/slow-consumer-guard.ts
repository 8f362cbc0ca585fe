// Drops WebSocket clients that stop reading, so what the server buffers for them stays bounded both
// per connection and in total. uWS refuses sends to a socket over its backpressure limit (it is
// configured not to close such sockets itself, so that the gateway knows, logs and counts each drop);
// this guard closes them, and also enforces a budget on the sum of every socket's buffer, which a
// per-socket limit alone does not bound (1,000 sockets × 4 MiB = 4 GiB).

/** What the guard needs of a socket. */
export interface BufferedSocket {
  getBufferedAmount(): number;
}

/** The limits, in bytes of unsent data buffered by the server. */
export interface SlowConsumerLimits {
  /** One socket at or over this is dropped (uWS's maxBackpressure is set to the same value). */
  perSocketBytes: number;
  /** While all sockets together buffer more than this, the largest are dropped first. */
  totalBytes: number;
  /** Sockets buffering less than this are never dropped for the total (a reply or two in flight). */
  floorBytes: number;
}

/** uWS `send` results: buffered because the kernel would not take it now, or refused (over the limit). */
export const SEND_BACKPRESSURE = 0;
/** See SEND_BACKPRESSURE. */
export const SEND_DROPPED = 2;

/** Applies the limits to `sockets` (the live set); `drop` closes a socket (and counts it). */
export class SlowConsumerGuard<S extends BufferedSocket> {
  /** Bytes replies left buffered since the last sweep: how much the total may have grown unseen. */
  private unseen = 0;

  constructor(
    private readonly limits: SlowConsumerLimits,
    private readonly sockets: Iterable<S>,
    private readonly drop: (socket: S) => void,
  ) {}

  /**
   * After a reply of `bytes` was sent: drops `socket` if that send was refused or left it over its
   * limit; sweeps at once when replies alone may have grown the total by a quarter of the budget since
   * the last sweep (a flood of large replies must not wait for the timer to be bounded).
   */
  afterSend(socket: S, status: number, bytes: number): boolean {
    if (status === SEND_DROPPED || socket.getBufferedAmount() >= this.limits.perSocketBytes) {
      this.drop(socket);
      return true;
    }
    if (status === SEND_BACKPRESSURE && (this.unseen += bytes) > this.limits.totalBytes / 4) this.sweep();
    return false;
  }

  /**
   * Drops every socket over its own limit (pushes through topics are never seen by `afterSend`), then,
   * while the total is over budget, the largest buffers first. Returns how many were dropped.
   */
  sweep(): number {
    this.unseen = 0;
    const sockets = this.sockets;
    let dropped = 0;
    let total = 0;
    const large: { socket: S; bytes: number }[] = [];
    // A copy: dropping a socket removes it from the caller's set.
    for (const socket of [...sockets]) {
      const bytes = socket.getBufferedAmount();
      if (bytes >= this.limits.perSocketBytes) {
        this.drop(socket);
        dropped++;
        continue;
      }
      total += bytes;
      if (bytes >= this.limits.floorBytes && bytes > 0) large.push({ socket, bytes });
    }
    if (total <= this.limits.totalBytes) return dropped;
    large.sort((a, b) => b.bytes - a.bytes);
    for (const { socket, bytes } of large) {
      if (total <= this.limits.totalBytes) break;
      this.drop(socket);
      dropped++;
      total -= bytes;
    }
    return dropped;
  }
}
