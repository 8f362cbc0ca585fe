// A protocol client for long runs (soak, fuzz): request/reply by rid like TestClient, but pushes are
// counted instead of kept, and diff streams are checked for gaps as they arrive, so memory stays flat
// however long it runs.
import WebSocket from 'ws';
import { jsonCodec, msgpackCodec } from '../../protocol';
import type { Encoding } from '../../protocol';
import { openWebSocket } from './ws-client';
import type { Msg } from './ws-client';

/** A connected lean client. */
export class LeanClient {
  /** Rids of this client's own requests: strings no fuzz case uses, so replies are never confused. */
  private nextRid = 1;
  private readonly waiting = new Map<number | string, { resolve: (m: Msg) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** Pushes received, by type. */
  readonly pushCounts = new Map<string, number>();
  /** Diffs whose seq did not follow the previous one of the same epoch (the client would resubscribe). */
  gaps = 0;
  private readonly lastSeq = new Map<string, { epoch: number; seq: number }>();
  /** Every reply and push, as raw text or bytes, to a callback (the fuzzer scans them). */
  onFrame: ((data: Buffer, isBinary: boolean) => void) | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The socket's last error (a protocol error the client itself found, say). */
  lastError: Error | null = null;
  /** How the connection closed, once it has. */
  closedWith: string | null = null;

  private constructor(
    readonly socket: WebSocket,
    readonly encoding: Encoding,
  ) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => {
        const why = reason.toString();
        this.closedWith = `${code}${why ? ` ${why}` : ''}${this.lastError ? `, ${this.lastError.message}` : ''}`;
        resolve({ code, reason: why });
        // A request still waiting is answered now rather than at its timeout, with the close that ended it.
        for (const [rid, pending] of this.waiting) {
          clearTimeout(pending.timer);
          pending.reject(new Error(`connection closed (${code}${why ? ` ${why}` : ''}${this.lastError ? `, ${this.lastError.message}` : ''}) before the reply`));
          this.waiting.delete(rid);
        }
      }),
    );
    socket.on('error', (error) => (this.lastError = error));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.onFrame?.(data, isBinary);
      let msg: Msg;
      try {
        msg = (isBinary ? msgpackCodec.decode(new Uint8Array(data)) : jsonCodec.decode(data.toString())) as Msg;
      } catch {
        this.count('undecodable');
        return;
      }
      const pending = msg.rid !== undefined ? this.waiting.get(msg.rid) : undefined;
      if (pending && msg.rid !== undefined) {
        this.waiting.delete(msg.rid);
        clearTimeout(pending.timer);
        pending.resolve(msg);
        return;
      }
      this.count(msg.type);
      if (msg.type === 'diff') this.follow(msg);
    });
  }

  /** Connects (optionally with a token on the URL). */
  static async connect(url: string, encoding: Encoding, token?: string): Promise<LeanClient> {
    return new LeanClient(await openWebSocket(url, token), encoding);
  }

  /** Sends a request and resolves with its reply; rejects after `timeoutMs`. */
  request(message: Record<string, unknown>, timeoutMs = 15_000): Promise<Msg> {
    const rid = `lean-${this.nextRid++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(new Error(`no reply to ${String(message.type)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(rid, { resolve, reject, timer });
      this.send({ ...message, rid });
    });
  }

  /** Sends without waiting for anything. */
  send(message: Record<string, unknown>): void {
    if (this.encoding === 'msgpack') this.socket.send(msgpackCodec.encode(message), { binary: true });
    else this.socket.send(jsonCodec.encode(message));
  }

  /** Starts following `eventId`'s diffs from a snapshot's (epoch, seq). */
  expectDiffsAfter(eventId: string, epoch: number, seq: number): void {
    // The first diffs may have been read in the same chunk as the snapshot, before the caller got here.
    const seen = this.lastSeq.get(eventId);
    if (seen && seen.epoch === epoch && seen.seq > seq) return;
    this.lastSeq.set(eventId, { epoch, seq });
  }

  close(): void {
    this.socket.close();
  }

  private count(type: string): void {
    this.pushCounts.set(type, (this.pushCounts.get(type) ?? 0) + 1);
  }

  private follow(diff: Msg): void {
    const eventId = diff.eventId as string;
    const last = this.lastSeq.get(eventId);
    const epoch = diff.epoch as number;
    const seq = diff.seq as number;
    if (last && last.epoch === epoch && seq !== last.seq + 1) this.gaps++;
    this.lastSeq.set(eventId, { epoch, seq });
  }
}
