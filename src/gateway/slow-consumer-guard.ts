// Drops WebSocket clients that stop reading, so what the server buffers for them stays bounded both
// per connection and in total. uWS drops sends to a socket over its backpressure limit (it is configured
// not to close such sockets itself, because it would cut them without a close code and without telling
// anyone); this guard closes them with a code, counts them, and also enforces a budget on the sum of
// every socket's buffer, which a per-socket limit alone does not bound (1,000 sockets × 4 MiB = 4 GiB).

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

/** uWS `send` result: the message was not buffered because the socket is over its limit. */
export const SEND_DROPPED = 2;

/** The close frame sent to a dropped slow consumer (1008: policy violation). */
export const SLOW_CONSUMER_CLOSE = { code: 1008, reason: 'slow consumer: stopped reading' } as const;

/** Applies the limits; `drop` closes a socket (and counts it). */
export class SlowConsumerGuard<S extends BufferedSocket> {
  constructor(
    private readonly limits: SlowConsumerLimits,
    private readonly drop: (socket: S) => void,
  ) {}

  /** After a send of a reply: drops `socket` if that send was refused or left it over its limit. */
  afterSend(socket: S, status: number): boolean {
    if (status !== SEND_DROPPED && socket.getBufferedAmount() < this.limits.perSocketBytes) return false;
    this.drop(socket);
    return true;
  }

  /**
   * Drops every socket over its own limit (pushes through topics are never seen by `afterSend`), then,
   * while the total is over budget, the largest buffers first. Returns how many were dropped.
   */
  sweep(sockets: Iterable<S>): number {
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
