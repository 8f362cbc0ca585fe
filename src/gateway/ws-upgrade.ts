// The WebSocket upgrade: the token (if any) is verified and the connection counted against the per-IP
// and per-user caps before the socket exists; a refused upgrade is an HTTP answer (401 or 429).
import type { HttpRequest, HttpResponse, us_socket_context_t } from './native-uws';
import type { Metrics } from '../observability/metrics';
import type { Auth } from './auth';
import type { ConnectionLimits } from './connection-limits';
import { clientAddress } from './connection-limits';
import { TokenBucket } from './token-bucket';
import type { Connection } from './ws-connection';
import { NO_SUBSCRIPTIONS, SETTLED } from './ws-connection';
import type { WsLimits } from './ws-limits';

/** What an upgrade needs. */
export interface UpgradeDeps {
  auth: Auth;
  metrics: Metrics;
  limits: WsLimits;
  connectionLimits: ConnectionLimits;
  now: () => number;
  /** The next connection id. */
  nextId(): number;
  /** Count connections by the last X-Forwarded-For entry (behind a proxy that appends it). */
  trustProxy: boolean;
}

/**
 * Answers one upgrade request, synchronously: upgrades it with a fresh Connection, or refuses it.
 *
 * Never after an await. uWS (20.x, both builds Aisle loads) upgrades a socket by reallocating it in
 * place; `res.cork` outside uWS's own callback does not notice that the socket is now a WebSocket and
 * runs its HTTP ending on it, reading the response state from memory the upgrade freed. When that memory
 * had been reused (a busy heap: a loaded machine, the allocations of a fresh server), the new WebSocket
 * was shut down right after `open`: the client saw 1006, before any frame, and its first request failed.
 * Inside the upgrade callback the socket is already corked and none of that runs; tokens are verified
 * synchronously so that every upgrade stays there (ws-upgrade.test.ts).
 */
export function upgradeConnection(res: HttpResponse, req: HttpRequest, context: us_socket_context_t, deps: UpgradeDeps): void {
  const token = req.getQuery('token');
  const identity = token ? deps.auth.verifyNow(token) : null;
  if (token && !identity) {
    deps.metrics.connectionsRefused.inc({ reason: 'unauthorized' });
    res.writeStatus('401 Unauthorized').writeHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'invalid or expired token' } }));
    return;
  }
  const ip = clientAddress(Buffer.from(res.getRemoteAddressAsText()).toString(), req.getHeader('x-forwarded-for'), deps.trustProxy);
  const refusal = deps.connectionLimits.open(ip, identity?.userId ?? null);
  if (refusal) {
    deps.metrics.connectionsRefused.inc({ reason: refusal === 'ip' ? 'per_ip' : 'per_user' });
    const message = refusal === 'ip' ? 'too many connections from this address' : 'too many connections for this user';
    res.writeStatus('429 Too Many Requests').writeHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'rate_limited', message } }));
    return;
  }
  const connection: Connection = {
    id: deps.nextId(),
    userId: identity?.userId ?? null,
    role: identity?.role ?? 'guest',
    encoding: null,
    subscriptions: NO_SUBSCRIPTIONS,
    watching: null,
    closed: false,
    bucket: new TokenBucket(deps.limits.ratePerSecond, deps.limits.rateBurst, deps.now),
    ip,
    gate: SETTLED,
    waiting: 0,
    refused: 0,
    expiresAt: identity?.expiresAt ?? Infinity,
  };
  res.upgrade(connection, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
}
