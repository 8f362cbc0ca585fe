// Plain HTTP on a gateway edge: every request but the WebSocket goes, as it came, to the primary
// process of the node (the HTTP API, pages and metrics live there), and its answer back byte for byte
// (compressed bodies stay compressed; ETags and caching headers pass through).
import { Agent, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { HttpResponse, TemplatedApp } from './native-uws';
import type { Logger } from 'pino';

/** Bodies larger than this are refused here; the primary applies its own, smaller limits per route. */
const MAX_PROXIED_BODY = 16 * 1024 * 1024;
/** Connection-level headers, never forwarded (uWS writes its own framing). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length', 'proxy-connection', 'te', 'trailer']);

/** Where the primary serves HTTP. */
export interface ProxyTarget {
  host: string;
  port: number;
}

/** Routes every HTTP request on `app` (register `/ws` first) to `target`. */
export function registerHttpProxy(app: TemplatedApp, target: ProxyTarget, log: Logger): void {
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  app.any('/*', (res, req) => {
    const method = req.getCaseSensitiveMethod();
    const query = req.getQuery();
    const path = query ? `${req.getUrl()}?${query}` : req.getUrl();
    const headers: Record<string, string> = {};
    req.forEach((name, value) => {
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    });
    const state = { aborted: false, done: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    const forward = (body: Buffer | null): void => {
      if (body) headers['content-length'] = String(body.length);
      const upstream = httpRequest({ host: target.host, port: target.port, method, path, headers, agent }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => reply(res, state, answer, Buffer.concat(chunks), method === 'HEAD'));
        answer.on('error', () => fail(res, state));
      });
      upstream.on('error', (error) => {
        log.warn({ err: error, path }, 'proxying to the primary failed');
        fail(res, state);
      });
      upstream.end(body ?? undefined);
    };
    if (method === 'GET' || method === 'HEAD') {
      forward(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.onData((chunk, isLast) => {
      if (state.aborted || state.done) return;
      size += chunk.byteLength;
      if (size > MAX_PROXIED_BODY) {
        state.done = true;
        res.cork(() => res.writeStatus('413 Payload Too Large').writeHeader('connection', 'close').end());
        return;
      }
      // uWS reuses the chunk's memory after this callback: copy it.
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) forward(Buffer.concat(chunks));
    });
  });
}

function reply(res: HttpResponse, state: { aborted: boolean; done: boolean }, answer: IncomingMessage, body: Buffer, head: boolean): void {
  if (state.aborted || state.done) return;
  state.done = true;
  res.cork(() => {
    res.writeStatus(`${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}`.trim());
    const raw = answer.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (!HOP_BY_HOP.has(raw[i].toLowerCase())) res.writeHeader(raw[i], raw[i + 1]);
    }
    if (head) res.endWithoutBody(Number(answer.headers['content-length'] ?? 0));
    else res.end(body);
  });
}

function fail(res: HttpResponse, state: { aborted: boolean; done: boolean }): void {
  if (state.aborted || state.done) return;
  state.done = true;
  res.cork(() => {
    res.writeStatus('503 Service Unavailable').writeHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'unavailable', message: 'the server is not reachable; retry shortly' } }));
  });
}
