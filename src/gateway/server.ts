// The uWebSockets.js app: HTTP API and `/ws` on one port, with the listen socket kept for shutdown.
import type * as UWS from 'uWebSockets.js';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import type { Logger } from 'pino';
import type { EventService } from '../actor/event-service';
import type { EventStore } from '../store/event-store';
import type { Metrics } from '../observability/metrics';
import type { Auth } from './auth';
import type { JobsView, Readiness } from './http-api';
import { registerHttpApi } from './http-api';
import { PAGES_DIR } from '../web/pages-dir';
import { registerStaticPages } from './static-pages';
import type { TopicFeed } from './topic-feed';
import type { UserRateLimiter } from './user-rate-limiter';
import type { WsLimits } from './ws-gateway';
import { WsGateway } from './ws-gateway';

/** What the server is built from. */
export interface ServerDeps {
  uws: typeof UWS;
  app: TemplatedApp;
  feed: TopicFeed;
  store: EventStore;
  service: EventService;
  auth: Auth;
  metrics: Metrics;
  log: Logger;
  readiness: Readiness;
  /** Dead letters and ticket signatures for the HTTP API (src/jobs). */
  jobs?: JobsView;
  wsLimits?: Partial<WsLimits>;
  /** Per-user rate limit of seat commands (local, or shared through Redis in a cluster). */
  userLimiter?: UserRateLimiter;
  /** Count connections by X-Forwarded-For (behind a trusted proxy). */
  trustProxy?: boolean;
}

/** A running HTTP + WebSocket server. */
export class Server {
  readonly ws: WsGateway;
  private listenSocket: us_listen_socket | null = null;

  constructor(private readonly deps: ServerDeps) {
    const { app, feed, service, auth, metrics, log, store, readiness } = deps;
    const { userLimiter, trustProxy } = deps;
    this.ws = new WsGateway({ app, feed, service, auth, metrics, log, limits: deps.wsLimits, userLimiter, trustProxy });
    this.ws.attach();
    // Before the HTTP API: it ends with the catch-all 404 route.
    registerStaticPages({ app, dir: PAGES_DIR, log });
    registerHttpApi({ app, store, service, auth, metrics, log, readiness, jobs: deps.jobs });
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.deps.app.listen(host, port, (socket) => {
        if (!socket) {
          reject(new Error(`cannot listen on ${host}:${port} (in use or not permitted)`));
          return;
        }
        this.listenSocket = socket;
        resolve(this.deps.uws.us_socket_local_port(socket as unknown as UWS.us_socket));
      });
    });
  }

  /** Stops accepting connections; open ones stay until `closeConnections`. */
  stopListening(): void {
    if (this.listenSocket) this.deps.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  /** Closes every WebSocket with 1001 (going away). */
  closeConnections(): void {
    this.ws.closeAll();
  }
}
