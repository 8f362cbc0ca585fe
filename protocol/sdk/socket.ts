// The slice of the WHATWG WebSocket the SDK uses. Browsers have it as a global; Node 20 has none, so
// callers pass one in (the `ws` package's WebSocket fits).

/** What a message event carries: text frames as strings, binary ones as ArrayBuffer or bytes. */
export interface SocketMessageEvent {
  data: unknown;
}

/** What a close event carries. */
export interface SocketCloseEvent {
  code: number;
  reason: string;
}

/** A WebSocket as the SDK drives it. Handler parameters are `never` so that implementations whose
 * handlers take their own event classes (e.g. `ws`) still fit; the SDK reads them as the types above. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor (the global one, or `ws`'s). */
export type SocketConstructor = new (url: string) => SocketLike;

/** WebSocket.OPEN in every implementation. */
export const SOCKET_OPEN = 1;

/** The global WebSocket, if this runtime has one. */
export function globalSocket(): SocketConstructor | undefined {
  return (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
}
