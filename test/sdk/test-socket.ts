// A WebSocket for SDK tests: the `ws` client behind the SDK's SocketLike, with a hand on the wire to
// cut the connection abruptly (no close frame, like a dropped network) or to swallow a reply first.
import WebSocket from 'ws';
import { msgpackCodec } from '../../protocol';
import type { SocketLike } from '../../protocol/sdk';

/** Decides, per incoming frame, whether the test socket passes it on or cuts the connection instead. */
export type FrameFilter = (message: { type: string; [key: string]: unknown }) => 'pass' | 'cut';

/** Every TestSocket made, newest last, and the filter they apply. */
export const wire: { sockets: TestSocket[]; filter: FrameFilter; swallowed: Array<{ type: string; [key: string]: unknown }> } = {
  sockets: [],
  filter: () => 'pass',
  swallowed: [],
};

/** See the file comment. */
export class TestSocket implements SocketLike {
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  private readonly inner: WebSocket;
  private isCut = false;

  constructor(url: string) {
    this.inner = new WebSocket(url, { perMessageDeflate: false });
    this.inner.binaryType = 'arraybuffer';
    const fire = (handler: ((event: never) => void) | null, event: unknown): void => handler?.(event as never);
    this.inner.onopen = (e) => fire(this.onopen, e);
    this.inner.onerror = (e) => fire(this.onerror, e);
    this.inner.onclose = (e) => fire(this.onclose, { code: e.code, reason: e.reason });
    this.inner.onmessage = (e) => {
      if (this.isCut) return;
      if (e.data instanceof ArrayBuffer) {
        const message = msgpackCodec.decode(new Uint8Array(e.data)) as { type: string };
        if (wire.filter(message) === 'cut') {
          wire.swallowed.push(message);
          this.cut();
          return;
        }
      }
      fire(this.onmessage, { data: e.data });
    };
    wire.sockets.push(this);
  }

  get binaryType(): string {
    return this.inner.binaryType;
  }

  set binaryType(value: string) {
    this.inner.binaryType = value as 'arraybuffer';
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string | Uint8Array): void {
    this.inner.send(data);
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }

  /** Drops the TCP connection without a close frame. */
  cut(): void {
    this.isCut = true;
    this.inner.terminate();
  }
}
