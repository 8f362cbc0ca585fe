// The client's requests in flight: each has a rid, a deadline and the reply type it waits for. A request
// made while no socket is ready is queued; on a lost connection, requests marked `resend` go out again
// on the next socket with the same rid, the others fail `unavailable` (they may have been applied, and
// say so in `details.maybeApplied`, as does a request sent once that ran out of time);
// `moved` is retried a few times after a short pause before it reaches the caller.
import { AisleError } from '../error-codes';
import type { Rid, ServerMessage } from '../server-messages';
import { toError } from './reply-errors';

/** The answer a request resolves with. */
export type ReplyOf<T extends string> = Extract<ServerMessage, { type: T }>;

/** A request frame before its rid is added. */
export type RequestFrame = Record<string, unknown> & { type: string };

/** How a request is sent. */
export interface RequestOptions {
  /** Whether it may be sent again on a new socket when the first one died before the reply. */
  resend?: boolean;
  /** Part of the connection handshake: sent at once, never queued or resent. */
  handshake?: boolean;
}

/** What the requests need of the connection. */
export interface RequestLink {
  /** Sends a frame on the open socket; the socket's generation, or null when none is open. */
  send(frame: object): number | null;
  /** Whether requests may go out now (the handshake is done). */
  ready(): boolean;
  /** Whether the client was closed for good. */
  closed(): boolean;
  /** Sees each reply just before its request resolves. */
  onReply(message: ServerMessage): void;
}

interface Pending {
  frame: RequestFrame;
  expect: ServerMessage['type'] | readonly ServerMessage['type'][];
  resolve(message: ServerMessage): void;
  reject(error: AisleError): void;
  timer: ReturnType<typeof setTimeout>;
  /** Generation of the socket it was sent on; null while queued. */
  sentOn: number | null;
  /** Whether it went out on any socket (it may have been applied). */
  everSent: boolean;
  /** Whether it may be sent again on a new socket when the first one died before the reply. */
  resend: boolean;
  /** Part of the connection handshake: sent at once, never queued or resent. */
  handshake: boolean;
  movedRetries: number;
}

/** `moved` (ownership changed) is retried this many times, after a short pause, before it reaches the caller. */
const MOVED_RETRIES = 3;
const MOVED_PAUSE_MS = 100;

/** The requests in flight on one client. */
export class PendingRequests {
  private nextRid = 1;
  private readonly pending = new Map<Rid, Pending>();

  /** Requests over `link`, each failing `unavailable` after `timeoutMs`. */
  constructor(
    private readonly link: RequestLink,
    private readonly timeoutMs: number,
  ) {}

  /** Sends a request and resolves with its reply of type `expect`, or rejects with its error. */
  request<T extends ServerMessage['type']>(frame: RequestFrame, expect: T | readonly T[], options: RequestOptions = {}): Promise<ReplyOf<T>> {
    if (this.link.closed()) return Promise.reject(new AisleError('unavailable', 'the client is closed'));
    const rid = this.nextRid++;
    const timeoutMs = this.timeoutMs;
    return new Promise<ReplyOf<T>>((resolve, reject) => {
      const pending: Pending = {
        frame: stripUndefined(frame),
        expect,
        resolve: resolve as (message: ServerMessage) => void,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(rid);
          // Once sent, the server may have applied it (a buy may commit after the deadline): say so, as
          // for a lost connection, so that nobody is told "nothing was bought" on a guess.
          const details = pending.everSent ? { maybeApplied: true } : undefined;
          reject(new AisleError('unavailable', `no reply to ${frame.type} within ${timeoutMs} ms`, details));
        }, timeoutMs),
        sentOn: null,
        everSent: false,
        resend: options.resend ?? false,
        handshake: options.handshake ?? false,
        movedRetries: 0,
      };
      this.pending.set(rid, pending);
      if (pending.handshake || this.link.ready()) this.send(rid, pending);
    });
  }

  /** Sends every request queued while no socket was ready (the handshake just ended). */
  flush(): void {
    for (const [rid, pending] of this.pending) {
      if (pending.sentOn === null) this.send(rid, pending);
    }
  }

  /** The socket closed: requests to resend are queued again, the others fail. */
  connectionLost(): void {
    for (const [rid, pending] of this.pending) {
      if (pending.sentOn === null) continue; // queued, never sent: send it on the next socket
      if (pending.resend && !pending.handshake) {
        pending.sentOn = null;
        continue;
      }
      this.pending.delete(rid);
      clearTimeout(pending.timer);
      // The server may or may not have applied it (a hold may exist; it expires on its own).
      pending.reject(
        new AisleError('unavailable', `the connection was lost before the reply to ${pending.frame.type}`, { maybeApplied: true }),
      );
    }
  }

  /** Fails every request with `error` (the client closed). */
  rejectAll(error: AisleError): void {
    for (const [rid, p] of this.pending) {
      this.pending.delete(rid);
      clearTimeout(p.timer);
      p.reject(error);
    }
  }

  /** Settles the request a message answers; false when it answers none (a push, or a timed-out request). */
  settle(message: ServerMessage): boolean {
    const rid = (message as { rid?: Rid }).rid;
    const pending = rid === undefined ? undefined : this.pending.get(rid);
    if (!pending || rid === undefined) return false;
    if (message.type === 'error' && message.code === 'moved' && pending.movedRetries < MOVED_RETRIES) {
      // Ownership moved: nothing was applied, and the next attempt reaches the new owner. The request keeps
      // its rid and its deadline; it goes out again after a short pause (or on the next socket).
      pending.movedRetries++;
      pending.sentOn = null;
      setTimeout(() => {
        if (this.pending.get(rid) === pending && pending.sentOn === null && this.link.ready()) this.send(rid, pending);
      }, MOVED_PAUSE_MS * pending.movedRetries);
      return true;
    }
    this.pending.delete(rid);
    clearTimeout(pending.timer);
    if (message.type === 'error') {
      pending.reject(toError(message));
      return true;
    }
    if (typeof pending.expect === 'string' ? message.type !== pending.expect : !pending.expect.includes(message.type)) {
      pending.reject(new AisleError('internal', `expected ${String(pending.expect)}, got ${message.type}`));
      return true;
    }
    this.link.onReply(message);
    pending.resolve(message);
    return true;
  }

  private send(rid: Rid, pending: Pending): void {
    const sentOn = this.link.send({ ...pending.frame, rid });
    if (sentOn === null) return; // it stays queued for the next socket
    pending.sentOn = sentOn;
    pending.everSent = true;
  }
}

/** A copy of the frame without its undefined fields. */
function stripUndefined<T extends Record<string, unknown>>(frame: T): T {
  const copy = { ...frame };
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy;
}
