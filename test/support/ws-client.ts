// A test WebSocket client speaking Aisle's protocol in either encoding, with request/reply by rid
// and a way to wait for pushes with a deadline (never a sleep).
import WebSocket from 'ws';
import { jsonCodec, msgpackCodec } from '../../protocol';
import type { Encoding } from '../../protocol';

/** Opens a WebSocket (optionally with a token on the URL); a refused upgrade rejects with its status. */
export function openWebSocket(url: string, token?: string): Promise<WebSocket> {
  const socket = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

/** Any server message, loosely typed for assertions. */
export type Msg = { type: string; rid?: string | number; [key: string]: unknown };

/** A connected protocol client. */
export class TestClient {
  private nextRid = 1;
  private readonly waiting = new Map<string | number, (m: Msg) => void>();
  /** Every push (message without a rid) received so far. */
  readonly pushes: Msg[] = [];
  private readonly pushWaiters: { match: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly socket: WebSocket,
    readonly encoding: Encoding,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const codec = isBinary ? msgpackCodec : jsonCodec;
      const msg = codec.decode(isBinary ? new Uint8Array(data) : data.toString()) as Msg;
      if (msg.rid !== undefined && this.waiting.has(msg.rid)) {
        const resolve = this.waiting.get(msg.rid)!;
        this.waiting.delete(msg.rid);
        resolve(msg);
        return;
      }
      this.pushes.push(msg);
      for (let i = 0; i < this.pushWaiters.length; i++) {
        if (this.pushWaiters[i].match(msg)) {
          this.pushWaiters[i].resolve(msg);
          this.pushWaiters.splice(i, 1);
          i--;
        }
      }
    });
  }

  /** Connects (optionally with a token on the URL). */
  static async connect(url: string, encoding: Encoding, token?: string): Promise<TestClient> {
    return new TestClient(await openWebSocket(url, token), encoding);
  }

  /** Sends a raw frame. */
  sendRaw(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  /** Sends a request in this client's encoding and resolves with the reply carrying its rid. */
  request(message: Record<string, unknown>, timeoutMs = 10_000): Promise<Msg> {
    const rid = message.rid !== undefined ? (message.rid as string | number) : this.nextRid++;
    const frame = { ...message, rid };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(new Error(`no reply to ${JSON.stringify(message).slice(0, 200)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(rid, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      if (this.encoding === 'msgpack') this.socket.send(msgpackCodec.encode(frame) as Uint8Array, { binary: true });
      else this.socket.send(jsonCodec.encode(frame) as string);
    });
  }

  /** Resolves with the first push (past or future) matching `match`. */
  waitForPush(match: (m: Msg) => boolean, timeoutMs = 10_000): Promise<Msg> {
    const seen = this.pushes.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching push in ${timeoutMs} ms`)), timeoutMs);
      this.pushWaiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Closes the connection. */
  close(): void {
    this.socket.close();
  }
}
