// A thin request/response layer over uWebSockets.js HTTP: copies what a handler needs out of the
// stack-allocated request, reads bodies with a size cap, and writes JSON replies corked and abort-safe.
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp } from './native-uws';
import type { ErrorCode } from '../../protocol';
import { httpStatusOf } from '../../protocol';
import { failureOf } from './failure-of';
import type { ResponseState } from './http-stream';
import { writeStream } from './http-stream';

/** What a handler sees of a request (copied: uWS requests die when the callback returns). */
export interface Request {
  /** The caller's X-Request-Id when it is a sane token, else a fresh UUID; logged and echoed back. */
  id: string;
  method: string;
  url: string;
  params: string[];
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/**
 * A handler's answer. `body` is JSON-encoded unless it is a string or bytes with a content type;
 * `stream` instead sends its chunks as they come (chunked), waiting out backpressure between them.
 */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  stream?: AsyncIterable<string | Uint8Array>;
}

/** A failure to answer with `{error: {code, message}}`. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = httpStatusOf(code),
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A route handler. */
export type Handler = (request: Request) => Reply | Promise<Reply>;

/** Request headers a handler may read; everything else is left in uWS. */
const COPIED_HEADERS = ['accept-encoding', 'authorization', 'content-length', 'content-type', 'if-none-match', 'x-request-id'];

/**
 * Runs before a body is read, from the headers alone (the caller's role): a caller it refuses gets its
 * error at once and the body is never buffered, so an anonymous upload of the largest allowed size costs
 * the server nothing.
 */
export type Guard = (request: Request) => Promise<unknown>;

/** Largest body read and dropped after a guard refused its caller (bytes); larger ones close the connection. */
const DRAIN_LIMIT = 64 * 1024;

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  201: '201 Created',
  204: '204 No Content',
  304: '304 Not Modified',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  409: '409 Conflict',
  410: '410 Gone',
  413: '413 Payload Too Large',
  422: '422 Unprocessable Entity',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

/** Registers `handler` for `method pattern`; bodies over `maxBody` bytes get 413; `guard` runs before the body is read. */
export function route(
  app: TemplatedApp,
  method: 'get' | 'post' | 'patch' | 'del',
  pattern: string,
  handler: Handler,
  onError: (error: unknown, request: Request) => void,
  maxBody = 64 * 1024,
  guard?: Guard,
): void {
  const paramCount = (pattern.match(/:/g) ?? []).length;
  // HEAD answers as GET would, without the body (load balancers and monitors probe with it).
  if (method === 'get') app.head(pattern, (res, req) => serve(res, req, true));
  app[method](pattern, (res, req) => serve(res, req, false));
  function serve(res: HttpResponse, req: HttpRequest, head: boolean): void {
    const request = copyRequest(req, paramCount);
    const state: ResponseState = { aborted: false };
    res.onAborted(() => {
      state.aborted = true;
      state.onAbort?.();
    });
    const fail = (error: unknown, close = false): void => {
      const known = knownFailure(error);
      if (!known) onError(error, request);
      const { status, code, message } = known ?? { status: 500, code: 'internal', message: 'internal error' };
      write(res, state, { status, body: { error: { code, message } }, headers: close ? { connection: 'close' } : undefined }, request.id);
    };
    const run = (): void => {
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (reply) => write(res, state, reply, request.id, head),
          (error: unknown) => fail(error),
        );
    };
    if (method === 'get' || method === 'del') {
      run();
      return;
    }
    const tooLarge = (): void =>
      fail(new HttpError('bad_request', `body larger than ${maxBody} bytes`, 413), true);
    // A declared length over the cap is refused before a byte of the body is read.
    if (Number(request.headers['content-length'] ?? 0) > maxBody) {
      tooLarge();
      return;
    }
    // Nothing of the body flows until the guard knows the caller. A paused socket must be resumed before
    // its response ends (a response may not be touched after that, and a paused keep-alive connection
    // would never read its next request).
    let paused = false;
    const unpause = (): void => {
      if (paused && !state.aborted) res.resume();
      paused = false;
    };
    if (guard) {
      res.pause();
      paused = true;
    }
    let refusal: { error: unknown } | null = null;
    // A refused caller's body is dropped, and only up to DRAIN_LIMIT (a chunked one has no length to check).
    readBody(res, () => (refusal ? DRAIN_LIMIT : maxBody), state, (body) => {
      unpause();
      if (body === null) {
        if (refusal) fail(refusal.error, true);
        else tooLarge();
        return;
      }
      if (refusal) {
        fail(refusal.error);
        return;
      }
      request.body = body;
      run();
    });
    if (guard) {
      guard(request).then(
        () => unpause(),
        (error: unknown) => {
          if (state.aborted) return;
          // A small body is read to its end and dropped before the refusal is sent, so the connection
          // stays usable (closing with unread bytes would reset it before the client reads the answer);
          // a large one is refused at once and the connection cut.
          if (Number(request.headers['content-length'] ?? 0) <= DRAIN_LIMIT) {
            refusal = { error };
            unpause();
          } else {
            unpause();
            fail(error, true);
          }
        },
      );
    }
  }
}

function knownFailure(error: unknown): { code: ErrorCode; message: string; status: number } | null {
  if (error instanceof HttpError) return { code: error.code, message: error.message, status: error.status };
  const failure = failureOf(error);
  return failure && { ...failure, status: httpStatusOf(failure.code) };
}

function copyRequest(req: HttpRequest, paramCount: number): Request {
  const params: string[] = [];
  for (let i = 0; i < paramCount; i++) params.push(decodeParameter(req.getParameter(i) ?? ''));
  const headers: Record<string, string> = {};
  for (const name of COPIED_HEADERS) {
    const value = req.getHeader(name);
    if (value) headers[name] = value;
  }
  const given = headers['x-request-id'];
  return {
    id: given !== undefined && REQUEST_ID.test(given) ? given : randomUUID(),
    method: req.getMethod(),
    url: req.getUrl(),
    params,
    query: new URLSearchParams(req.getQuery() ?? ''),
    headers,
    body: null,
  };
}

/**
 * A path parameter, percent-decoded; malformed escapes ("%", "%E0%A4%A") stay as they came. A throw
 * here would escape the uWS callback and end the process: one `GET /api/events/%` took a node down.
 */
function decodeParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function readBody(res: HttpResponse, maxBody: () => number, state: ResponseState, done: (body: Uint8Array | null) => void): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  res.onData((chunk, isLast) => {
    if (over || state.aborted) return;
    size += chunk.byteLength;
    if (size > maxBody()) {
      over = true;
      done(null);
      return;
    }
    // The chunk's memory is reused by uWS after this callback: copy it.
    chunks.push(new Uint8Array(chunk.slice(0)));
    if (!isLast) return;
    const body = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      body.set(c, offset);
      offset += c.byteLength;
    }
    done(body);
  });
}

/** Request ids accepted from callers: anything else (long, odd characters) could forge log lines. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function write(res: HttpResponse, state: ResponseState, reply: Reply, requestId: string, head = false): void {
  if (state.aborted) return;
  const headers: Record<string, string> = { ...reply.headers, 'x-request-id': requestId };
  if (reply.stream && !head) {
    writeStream(res, state, STATUS_TEXT[reply.status] ?? String(reply.status), headers, reply.stream);
    return;
  }
  state.aborted = true;
  let body: string | Uint8Array = '';
  if (reply.body !== undefined) {
    if (typeof reply.body === 'string' || reply.body instanceof Uint8Array) {
      body = reply.body;
    } else {
      body = JSON.stringify(reply.body);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
  }
  res.cork(() => {
    res.writeStatus(STATUS_TEXT[reply.status] ?? String(reply.status));
    for (const name in headers) res.writeHeader(name, headers[name]);
    if (head) res.endWithoutBody(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    else res.end(body);
  });
}

/** Parses a JSON request body or fails with `bad_request`. */
export function jsonBody(request: Request): unknown {
  if (!request.body || request.body.byteLength === 0) throw new HttpError('bad_request', 'a JSON body is required');
  try {
    return JSON.parse(new TextDecoder().decode(request.body));
  } catch {
    throw new HttpError('bad_request', 'the body is not valid JSON');
  }
}
