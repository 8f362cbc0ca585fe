// A gateway edge process (started by EdgeSupervisor, never by hand): it holds WebSocket viewers on
// the node's public port beside the other edges (SO_REUSEPORT), keeps replicas of the events they
// watch from the diffs the primary relays, forwards every command to the primary's actors, and
// proxies plain HTTP to the primary. Several edges send one diff on every core at once.
import type { us_listen_socket } from '../gateway/native-uws';
import pino from 'pino';
import { Auth } from '../gateway/auth';
import { registerHttpProxy } from '../gateway/http-proxy';
import { loadNativeUws } from '../gateway/native-uws';
import { TopicFeed } from '../gateway/topic-feed';
import { WsGateway } from '../gateway/ws-gateway';
import { Metrics } from '../observability/metrics';
import { EdgeLink } from './edge-link';
import type { EdgeInit, FromEdge, ToEdge } from './edge-protocol';
import { ReplicaHub } from './replica-hub';

const send = (message: FromEdge): void => {
  if (process.connected) process.send!(message);
};

function serve(init: EdgeInit, link: EdgeLink): { stopListening(): void; close(): void } {
  const log = pino({ level: init.logLevel, base: { nodeId: init.nodeId, edge: init.index } });
  const uws = loadNativeUws();
  const app = uws.App();
  const feed = new TopicFeed(app);
  const replicas = new ReplicaHub({ bus: link, ownerSnapshot: (eventId) => link.primarySnapshot(eventId), local: feed, log });
  const gateway = new WsGateway({
    app,
    feed,
    service: link.service(replicas),
    auth: Auth.create(init.authSecret),
    metrics: new Metrics(),
    log,
    limits: init.wsLimits,
    userLimiter: link,
    trustProxy: init.trustProxy,
  });
  gateway.attach();
  registerHttpProxy(app, { host: '127.0.0.1', port: init.internalPort }, log);
  let listenSocket: us_listen_socket | null = null;
  app.listen(init.host, init.port, (socket) => {
    if (!socket) {
      send({ type: 'failed', message: `cannot listen on ${init.host}:${init.port}` });
      return;
    }
    listenSocket = socket;
    send({ type: 'listening', port: uws.us_socket_local_port(socket as unknown as Parameters<typeof uws.us_socket_local_port>[0]) });
  });
  return {
    stopListening: () => {
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      listenSocket = null;
    },
    close: () => {
      gateway.closeAll();
      replicas.close();
      void link.close();
    },
  };
}

const link = new EdgeLink(send);
let edge: { stopListening(): void; close(): void } | null = null;
process.on('message', (message: ToEdge) => {
  if (link.receive(message)) return;
  if (message.type === 'init') {
    try {
      edge = serve(message, link);
    } catch (error) {
      send({ type: 'failed', message: String(error instanceof Error ? error.message : error) });
    }
  } else if (message.type === 'stop-listening') {
    edge?.stopListening();
  } else if (message.type === 'close') {
    edge?.stopListening();
    edge?.close();
    // Let the close frames go out before the process ends.
    setTimeout(() => process.exit(0), 200).unref();
  }
});
// The primary is gone: so are the actors this edge served.
process.on('disconnect', () => process.exit(0));
// SIGINT/SIGTERM reach the whole process group from a terminal: the primary drains and closes the edges.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
