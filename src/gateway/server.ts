// The uWebSockets.js app: HTTP API and `/ws` on one port, with the listen socket kept for shutdown.
import type { us_listen_socket, us_socket, Uws } from './native-uws';
import type { HttpApiDeps } from './http-api';
import { registerHttpApi } from './http-api';
import { CheckInCounts } from './check-in-counts';
import { DefinitionCache } from './definition-cache';
import { PAGES_DIR } from '../web/pages-dir';
import { registerStaticPages } from './static-pages';
import type { TopicFeed } from './topic-feed';
import type { UserRateLimiter } from './user-rate-limiter';
import type { WsLimits } from './ws-gateway';
import { WsGateway } from './ws-gateway';
import type { ViewerCounter } from './viewer-tally';

/** What the server is built from: the HTTP API's dependencies, plus the WebSocket edge's. */
export interface ServerDeps extends HttpApiDeps {
  uws: Uws;
  feed: TopicFeed;
  wsLimits?: Partial<WsLimits>;
  /** Per-user rate limit of seat commands (local, or shared through Redis in a cluster). */
  userLimiter?: UserRateLimiter;
  /** Count connections by X-Forwarded-For (behind a trusted proxy). */
  trustProxy?: boolean;
  /** Viewers over the cluster for `stats`. */
  viewerCounter?: ViewerCounter;
}

/** A running HTTP + WebSocket server. */
export class Server {
  readonly ws: WsGateway;
  private listenSocket: us_listen_socket | null = null;

  constructor(private readonly deps: ServerDeps) {
    const { app, feed, service, auth, metrics, log } = deps;
    const { userLimiter, trustProxy, viewerCounter } = deps;
    // Check-ins move the `stats` figure at once: the HTTP route and the stats pushes share one count.
    const checkIns = deps.checkIns ?? (deps.tickets && new CheckInCounts(deps.tickets, log));
    this.ws = new WsGateway({ app, feed, service, auth, metrics, log, limits: deps.wsLimits, userLimiter, trustProxy, viewerCounter, checkIns });
    this.ws.attach();
    // One cache of definitions and maps for the API and the pages (which preload the event's map).
    const definitions = deps.definitions ?? new DefinitionCache(deps.store);
    // Before the HTTP API: it ends with the catch-all 404 route.
    registerStaticPages({ app, dir: PAGES_DIR, log, eventPage: (eventId) => definitions.pageHints(eventId) });
    registerHttpApi({ ...deps, checkIns, definitions, snapshots: feed.snapshots });
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
        resolve(this.deps.uws.us_socket_local_port(socket as unknown as us_socket));
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
