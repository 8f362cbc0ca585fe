// Request/reply by rid over a WireSocket, in MessagePack, for the bench's few one-off requests
// (subscribe for a snapshot, the hold that triggers a diff). The load loops do not use it.
import { Decoder, Encoder } from '@msgpack/msgpack';
import { WireSocket } from './ws-wire';

/** A reply with the size of the frame payload it came in. */
export interface Replied {
  message: { type: string; rid?: number; [field: string]: unknown };
  payloadBytes: number;
}

const encoder = new Encoder();
const decoder = new Decoder();

/** One connection that sends requests and resolves each with the reply carrying its rid. */
export class WireClient {
  private nextRid = 1;
  private readonly waiting = new Map<number, (reply: Replied) => void>();
  private socket!: WireSocket;

  private constructor() {}

  /** Connects to `/ws` on host:port, with `token` on the URL when given. */
  static async connect(host: string, port: number, token?: string): Promise<WireClient> {
    const client = new WireClient();
    const path = token ? `/ws?token=${encodeURIComponent(token)}` : '/ws';
    client.socket = await WireSocket.connect(host, port, path, (payload) => client.onFrame(payload));
    return client;
  }

  /** Sends `message` with a fresh rid; resolves with its reply or rejects after `timeoutMs`. */
  request(message: Record<string, unknown>, timeoutMs = 30_000): Promise<Replied> {
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rid);
        reject(new Error(`no reply to ${String(message.type)} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(rid, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.socket.send(encoder.encode({ ...message, rid }));
    });
  }

  /** Closes the connection. */
  close(): void {
    this.socket.close();
  }

  private onFrame(payload: Buffer): void {
    const message = decoder.decode(payload) as Replied['message'];
    const resolve = message.rid === undefined ? undefined : this.waiting.get(message.rid);
    if (!resolve) return;
    this.waiting.delete(message.rid!);
    resolve({ message, payloadBytes: payload.length });
  }
}
