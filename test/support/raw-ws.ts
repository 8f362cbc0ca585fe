// A WebSocket client at the TCP level, for abuse tests: it completes the upgrade, then sends masked
// frames and can stop reading for real (the socket is paused, so the kernel buffers fill and the server
// sees a slow consumer), which a normal client library hides.
import net from 'node:net';
import { randomBytes } from 'node:crypto';

/** A raw client connection. */
export interface RawWs {
  /** Sends one binary (or text) frame, masked as a client must. */
  send(payload: Uint8Array, binary?: boolean): void;
  /** Stops reading: nothing more is taken from the kernel. */
  stopReading(): void;
  /** True once the server closed the TCP connection (seen even while not reading). */
  readonly ended: boolean;
  destroy(): void;
}

/** Opens `/ws` on 127.0.0.1:`port` (optionally with a token) and completes the handshake. */
export function rawWs(port: number, token?: string): Promise<RawWs> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let head = '';
    let ended = false;
    socket.on('close', () => (ended = true));
    socket.on('error', () => (ended = true));
    socket.once('connect', () => {
      const path = token ? `/ws?token=${encodeURIComponent(token)}` : '/ws';
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`upgrade refused: ${head.slice(0, head.indexOf('\r\n'))}`));
        return;
      }
      // Whatever the server sends next is read and dropped until stopReading.
      socket.on('data', () => undefined);
      resolve({
        send: (payload, binary = true) => socket.write(frame(payload, binary)),
        stopReading: () => socket.pause(),
        get ended() {
          return ended;
        },
        destroy: () => socket.destroy(),
      });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** A masked client frame (RFC 6455 5.2). */
function frame(payload: Uint8Array, binary: boolean): Buffer {
  const length = payload.byteLength;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.alloc(header + 4 + length);
  out[0] = 0x80 | (binary ? 0x2 : 0x1);
  if (length < 126) out[1] = 0x80 | length;
  else if (length < 65_536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, header);
  for (let i = 0; i < length; i++) out[header + 4 + i] = payload[i] ^ mask[i & 3];
  return out;
}
