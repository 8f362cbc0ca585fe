// Streaming an HTTP reply through uWS: each chunk is written as the source yields it, and the next one
// is only asked for once uWS has sent what it buffered, so a slow client holds the source back instead
// of filling the server's memory.
import type { HttpResponse } from './native-uws';

/** What the route layer tracks of one response. */
export interface ResponseState {
  /** The client went away, or the response was ended. */
  aborted: boolean;
  /** Called when the client goes away (set while a stream waits for the socket to drain). */
  onAbort?: () => void;
}

/** Writes status and headers, then every chunk of `source` with backpressure, then ends the response. */
export function writeStream(
  res: HttpResponse,
  state: ResponseState,
  statusText: string,
  headers: Record<string, string>,
  source: AsyncIterable<string | Uint8Array>,
): void {
  res.cork(() => {
    res.writeStatus(statusText);
    for (const name in headers) res.writeHeader(name, headers[name]);
  });
  void pump(res, state, source);
}

async function pump(res: HttpResponse, state: ResponseState, source: AsyncIterable<string | Uint8Array>): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (state.aborted) break;
      if (next.done) {
        state.aborted = true;
        res.cork(() => res.end());
        return;
      }
      let sent = true;
      res.cork(() => {
        sent = res.write(next.value);
      });
      if (!sent) await drained(res, state);
    }
  } catch {
    // The status line is sent already: all that is left is to cut the response short, so
    // the client sees a broken transfer instead of a complete-looking file.
    if (!state.aborted) {
      state.aborted = true;
      res.close();
    }
  } finally {
    // The source stops reading (closes its cursor) when the client left early.
    await iterator.return?.();
  }
}

/**
 * Resolves once uWS has sent what it buffered, or the client went away. Resolved through setImmediate:
 * uWS calls these handlers from native code, which does not run the microtask queue afterwards, so a
 * promise resolved right there would not continue until some other I/O happened (a stalled download).
 */
function drained(res: HttpResponse, state: ResponseState): Promise<void> {
  return new Promise((resolve) => {
    state.onAbort = () => {
      state.onAbort = undefined;
      setImmediate(resolve);
    };
    res.onWritable(() => {
      state.onAbort = undefined;
      setImmediate(resolve);
      return true;
    });
  });
}
