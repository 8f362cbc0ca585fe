// A thin request/response layer over uWebSockets.js HTTP: copies what a handler needs out of the
// stack-allocated request, reads bodies with a size cap, and writes JSON replies corked and abort-safe.
import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { ErrorCode } from '../../protocol';
import { httpStatusOf } from '../../protocol';
import { failureOf } from './failure-of';

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

/** A handler's answer. `body` is JSON-encoded unless it is a string or bytes with a content type. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
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
const COPIED_HEADERS = ['authorization', 'content-type', 'if-none-match', 'x-request-id'];

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

/** Registers `handler` for `method pattern`; bodies over `maxBody` bytes get 413. */
export function route(
  app: TemplatedApp,
  method: 'get' | 'post',
  pattern: string,
  handler: Handler,
  onError: (error: unknown, request: Request) => void,
  maxBody = 64 * 1024,
): void {
  const paramCount = (pattern.match(/:/g) ?? []).length;
  // HEAD answers as GET would, without the body (load balancers and monitors probe with it).
  if (method === 'get') app.head(pattern, (res, req) => serve(res, req, true));
  app[method](pattern, (res, req) => serve(res, req, false));
  function serve(res: HttpResponse, req: HttpRequest, head: boolean): void {
    const request = copyRequest(req, paramCount);
    const state = { aborted: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    const run = (): void => {
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (reply) => write(res, state, reply, request.id, head),
          (error: unknown) => {
            const known = knownFailure(error);
            if (known) {
              write(res, state, { status: known.status, body: { error: { code: known.code, message: known.message } } }, request.id);
              return;
            }
            onError(error, request);
            write(res, state, { status: 500, body: { error: { code: 'internal', message: 'internal error' } } }, request.id);
          },
        );
    };
    if (method === 'get') {
      run();
      return;
    }
    readBody(res, maxBody, state, (body) => {
      if (body === null) {
        write(res, state, {
          status: 413,
          body: { error: { code: 'bad_request', message: `body larger than ${maxBody} bytes` } },
          headers: { connection: 'close' },
        }, request.id);
        return;
      }
      request.body = body;
      run();
    });
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

function readBody(res: HttpResponse, maxBody: number, state: { aborted: boolean }, done: (body: Uint8Array | null) => void): void {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  res.onData((chunk, isLast) => {
    if (over || state.aborted) return;
    size += chunk.byteLength;
    if (size > maxBody) {
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

function write(res: HttpResponse, state: { aborted: boolean }, reply: Reply, requestId: string, head = false): void {
  if (state.aborted) return;
  state.aborted = true;
  const headers: Record<string, string> = { ...reply.headers, 'x-request-id': requestId };
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
