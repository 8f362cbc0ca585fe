// A minimal WebSocket client over net.Socket, built for load generation: the load generator shares two
// cores with the server, so every microsecond it spends per frame is taken from the server's budget.
// Against `ws` it skips per-frame random masks (a zero mask is valid, RFC 6455 §5.3, and makes masking
// a no-op), event emitters per frame and per-frame allocations on receive, and it writes every frame
// produced while handling one TCP chunk in one syscall. It speaks only what the bench needs: binary
// and text data frames, ping → pong, close. Frames are not fragmented by uWS, so continuation frames
// are not supported.
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** Called with each data frame's payload; the view is only valid during the call. */
export type FrameHandler = (payload: Buffer, binary: boolean) => void;

const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');

/** A client frame: FIN + opcode, MASK bit + length, a zero masking key, the payload unchanged. */
export function clientFrame(payload: Uint8Array, opcode = OP_BINARY): Buffer {
  const n = payload.length;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) {
    frame[1] = 0x80 | n;
  } else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(n, 6);
  }
  frame.writeUInt32BE(0, header);
  frame.set(payload, header + 4);
  return frame;
}

/** One WebSocket connection. */
export class WireSocket {
  private pending: Buffer | null = null;
  private outbox: Buffer[] = [];
  private flushQueued = false;
  private closedFlag = false;
  /** Resolves when the TCP connection is gone. */
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly onFrame: FrameHandler,
    leftover: Buffer,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => {
      this.closedFlag = true;
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    if (leftover.length > 0) this.receive(leftover);
  }

  /**
   * Opens `ws://host:port{path}` and completes the upgrade handshake; `localAddress` picks the source
   * address (127.0.0.x), as each source address has its own ~28,000 ephemeral ports towards one port.
   */
  static connect(host: string, port: number, path: string, onFrame: FrameHandler, timeoutMs = 30_000, localAddress?: string): Promise<WireSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true, ...(localAddress ? { localAddress } : {}) });
      const key = randomBytes(16).toString('base64');
      const expectedAccept = createHash('sha1').update(key + WS_GUID).digest('base64');
      let head: Buffer = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error(`WebSocket handshake with ${host}:${port} timed out`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const onData = (chunk: Buffer): void => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const end = head.indexOf(HEADER_END);
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', fail);
        clearTimeout(timer);
        const response = head.subarray(0, end).toString('latin1');
        const status = response.slice(9, 12);
        if (status !== '101' || !response.toLowerCase().includes(expectedAccept.toLowerCase())) {
          socket.destroy();
          reject(new Error(`upgrade refused: ${response.split('\r\n')[0]}`));
          return;
        }
        socket.on('error', () => socket.destroy());
        resolve(new WireSocket(socket, onFrame, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  /** True once the TCP connection closed. */
  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Queues a binary frame; queued frames go out together at the end of the current tick. */
  send(payload: Uint8Array): void {
    this.queue(clientFrame(payload));
  }

  /** Sends a close frame (1000) and lets the server close the TCP connection, so the TIME_WAIT state
   * and its port stay on the server's side. */
  sendClose(): void {
    if (this.closedFlag) return;
    this.queue(clientFrame(Buffer.from([0x03, 0xe8]), OP_CLOSE));
  }

  /** Sends a close frame and ends the connection. */
  close(): void {
    this.sendClose();
    this.flush();
    this.socket.end();
  }

  /** Drops the connection without a close handshake. */
  destroy(): void {
    this.socket.destroy();
  }

  private queue(frame: Buffer): void {
    if (this.closedFlag) return;
    this.outbox.push(frame);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushQueued = false;
    const frames = this.outbox;
    if (frames.length === 0 || this.closedFlag) return;
    this.outbox = [];
    this.socket.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    let offset = 0;
    for (;;) {
      const available = buf.length - offset;
      if (available < 2) break;
      const opcode = buf[offset] & 0x0f;
      const len7 = buf[offset + 1] & 0x7f;
      let header = 2;
      let length = len7;
      if (len7 === 126) {
        if (available < 4) break;
        header = 4;
        length = buf.readUInt16BE(offset + 2);
      } else if (len7 === 127) {
        if (available < 10) break;
        header = 10;
        length = buf.readUInt32BE(offset + 2) * 2 ** 32 + buf.readUInt32BE(offset + 6);
      }
      if (available < header + length) break;
      const payload = buf.subarray(offset + header, offset + header + length);
      offset += header + length;
      if (opcode === OP_BINARY || opcode === OP_TEXT) {
        this.onFrame(payload, opcode === OP_BINARY);
      } else if (opcode === OP_PING) {
        this.queue(clientFrame(payload, OP_PONG));
      } else if (opcode === OP_CLOSE) {
        this.socket.end();
        return;
      }
    }
    if (offset < buf.length) {
      // Keep the tail: a copy, so the large chunk it came from can be collected.
      buf = buf.subarray(offset);
      this.pending = Buffer.from(buf);
    }
  }
}
