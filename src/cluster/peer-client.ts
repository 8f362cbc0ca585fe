// The sending side of forwarding: one WebSocket per peer, opened on first use and reopened after a
// failure; requests are multiplexed by id and time out individually.
import { Decoder, Encoder } from '@msgpack/msgpack';
import WebSocket from 'ws';
import type { PeerArgs, PeerOp, PeerOutcome, PeerReply } from './peer-protocol';
import { PEER_PATH, peerCredential } from './peer-protocol';

/** How a forward of `Op` ended: a reply, never sent (safe to retry anywhere), or sent and then lost. */
export type PeerResult<Op extends PeerOp = PeerOp> = { kind: 'reply'; outcome: PeerOutcome<Op> } | { kind: 'not_sent' } | { kind: 'lost' };

interface Pending {
  resolve: (result: PeerResult) => void;
  timer: NodeJS.Timeout;
}

/** One connection to one peer. */
class PeerConnection {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket | null> | null = null;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly url: string,
    private readonly credential: string,
    private readonly encoder: Encoder,
    private readonly decoder: Decoder,
  ) {}

  async call<Op extends PeerOp>(id: number, op: Op, eventId: string, args: PeerArgs<Op>, timeoutMs: number): Promise<PeerResult<Op>> {
    const socket = this.socket?.readyState === WebSocket.OPEN ? this.socket : await this.open();
    if (!socket) return { kind: 'not_sent' };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ kind: 'lost' });
      }, timeoutMs);
      // The owner answers the operation it was sent, so the reply's outcome is that operation's.
      this.pending.set(id, { resolve: resolve as (result: PeerResult) => void, timer });
      socket.send(this.encoder.encode({ id, op, eventId, args }), (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        resolve({ kind: 'not_sent' });
      });
    });
  }

  close(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  private open(): Promise<WebSocket | null> {
    this.opening ??= new Promise<WebSocket | null>((resolve) => {
      const wsUrl = this.url.replace(/^http/, 'ws').replace(/\/$/, '') + PEER_PATH;
      const socket = new WebSocket(wsUrl, { headers: { 'x-aisle-peer': this.credential }, perMessageDeflate: false, handshakeTimeout: 2000 });
      socket.binaryType = 'nodebuffer';
      socket.once('open', () => {
        this.socket = socket;
        resolve(socket);
      });
      socket.once('error', () => resolve(null));
      socket.on('message', (data: Buffer) => {
        let reply: PeerReply;
        try {
          reply = this.decoder.decode(data) as PeerReply;
        } catch {
          return;
        }
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        this.pending.delete(reply.id);
        clearTimeout(pending.timer);
        pending.resolve({ kind: 'reply', outcome: reply.outcome });
      });
      socket.once('close', () => {
        if (this.socket === socket) this.socket = null;
        // Whatever was in flight on this socket may or may not have run on the peer.
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          this.pending.delete(id);
          pending.resolve({ kind: 'lost' });
        }
      });
    }).finally(() => {
      this.opening = null;
    });
    return this.opening;
  }
}

/** Forwards EventService calls to peers by URL. */
export class PeerClient {
  private readonly connections = new Map<string, PeerConnection>();
  private readonly credential: string;
  private readonly encoder = new Encoder({ ignoreUndefined: true });
  private readonly decoder = new Decoder();
  private nextId = 1;

  constructor(secret: string) {
    this.credential = peerCredential(secret);
  }

  /** Sends one operation to the peer at `url`. */
  call<Op extends PeerOp>(url: string, op: Op, eventId: string, args: PeerArgs<Op>, timeoutMs: number): Promise<PeerResult<Op>> {
    let connection = this.connections.get(url);
    if (!connection) {
      connection = new PeerConnection(url, this.credential, this.encoder, this.decoder);
      this.connections.set(url, connection);
    }
    return connection.call(this.nextId++, op, eventId, args, timeoutMs);
  }

  /** Closes every connection. */
  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
