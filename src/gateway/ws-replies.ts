// Replies on the WebSocket edge: each encoded in the frame's own encoding, corked, counted in the
// request metrics, and never written to a closed connection. An unexpected error is logged and
// answered `internal`, never with a stack trace.
import type { Logger } from 'pino';
import type { Codec } from '../../protocol';
import type { Failure, Outcome } from '../actor/event-service';
import type { Metrics } from '../observability/metrics';
import { failureOf } from './failure-of';
import type { Rid, Socket } from './ws-connection';
import { withRid } from './ws-connection';

/** What replies are built from. */
export interface WsRepliesDeps {
  metrics: Metrics;
  log: Logger;
  /** Sees every frame sent as a reply (the slow-consumer guard). */
  afterSend(ws: Socket, status: number, bytes: number): void;
}

/** Sends replies to requests. */
export class WsReplies {
  /** Replies through `deps`. */
  constructor(private readonly deps: WsRepliesDeps) {}

  /** Answers a request with its outcome: the reply `build` makes, or the error. */
  answer<T>(ws: Socket, codec: Codec, type: string, rid: Rid, outcome: Outcome<T>, build: (value: T) => object): void {
    if (!outcome.ok) return this.fail(ws, codec, type, rid, outcome.error);
    this.settle(ws, codec, type, 'ok', withRid(build(outcome.value), rid));
  }

  /**
   * Answers a seat command with `{ type: replyType, eventId, ...value, rid }`, or the error: one object
   * per reply and no closure to build it (the hot path of holds and purchases).
   */
  answerEvent<T extends object>(ws: Socket, codec: Codec, type: string, rid: Rid, outcome: Outcome<T>, replyType: string, eventId: string): void {
    if (!outcome.ok) return this.fail(ws, codec, type, rid, outcome.error);
    this.settle(ws, codec, type, 'ok', withRid({ type: replyType, eventId, ...outcome.value }, rid));
  }

  /** Answers a request with an `error`. */
  fail(ws: Socket, codec: Codec, type: string, rid: Rid, error: Failure): void {
    const { code, message, seats } = error;
    const reply = seats ? { type: 'error', code, message, seats } : { type: 'error', code, message };
    this.settle(ws, codec, type, code, withRid(reply, rid));
  }

  /** Answers a request that threw: a known failure as itself, anything else as `internal`. */
  internal(ws: Socket, codec: Codec, type: string, rid: Rid, error: unknown, eventId?: string): void {
    const known = failureOf(error);
    const { id, userId } = ws.getUserData();
    // The request id of a frame is the connection's id and the client's rid.
    const fields = { err: error, type, eventId, conn: id, rid, userId };
    if (known) {
      this.deps.log.warn(fields, 'request failed');
      this.fail(ws, codec, type, rid, known);
      return;
    }
    this.deps.metrics.errors.inc({ context: `ws.${type}` });
    this.deps.log.error(fields, 'request failed');
    // Never a stack trace to a client.
    this.fail(ws, codec, type, rid, { code: 'internal', message: 'internal error' });
  }

  /** Counts a request of `type` by its outcome. */
  count(type: string, outcome: string): void {
    this.deps.metrics.countRequest(type, outcome);
  }

  /** Counts a request of `type` by its `outcome` and sends its reply, corked, unless the connection is closed. */
  private settle(ws: Socket, codec: Codec, type: string, outcome: string, message: object): void {
    this.count(type, outcome);
    this.cork(ws, () => this.reply(ws, codec, message));
  }

  /** Corks `fn` on the socket unless the connection is closed. */
  cork(ws: Socket, fn: () => void): void {
    if (ws.getUserData().closed) return;
    ws.cork(fn);
  }

  /** Sends one message unless the connection is closed (encoded without a copy: uWS copies what it sends). */
  reply(ws: Socket, codec: Codec, message: object): void {
    this.send(ws, codec.encodeToSend(message), codec.encoding === 'msgpack');
  }

  /** Sends an encoded frame (binary: MessagePack, else JSON text) unless the connection is closed. */
  send(ws: Socket, frame: Uint8Array | string, binary: boolean): void {
    if (ws.getUserData().closed) return;
    // A client that stops reading is dropped at its backpressure limit, never buffered without bound.
    const status = ws.send(frame, binary);
    this.deps.afterSend(ws, status, frame.length);
  }
}
