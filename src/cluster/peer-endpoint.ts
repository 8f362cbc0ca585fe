// The internal endpoint other nodes forward to. It answers from this node's own actors only, never
// forwarding again: a node that is not the owner answers `moved` and the sender re-routes.
import { timingSafeEqual } from 'node:crypto';
import type { TemplatedApp, WebSocket } from '../gateway/native-uws';
import type { Logger } from 'pino';
import { Decoder, Encoder } from '@msgpack/msgpack';
import type { EventService } from '../actor/event-service';
import type { PeerArgs, PeerOp, PeerReply, PeerRequest } from './peer-protocol';
import { PEER_PATH, answerForwarded, isPeerOp, peerCredential } from './peer-protocol';

/** Largest forwarded frame: a hold of 100 seats with ids is a few KB; a snapshot reply is bigger but outbound. */
const MAX_PEER_FRAME = 1024 * 1024;

interface PeerSocket {
  closed: boolean;
}

/** Serves forwarded requests on `PEER_PATH` for nodes that show the cluster credential. */
export function registerPeerEndpoint(app: TemplatedApp, local: EventService, secret: string, log: Logger): void {
  const expected = Buffer.from(peerCredential(secret));
  const encoder = new Encoder({ ignoreUndefined: true });
  const decoder = new Decoder();
  const reply = (ws: WebSocket<PeerSocket>, message: PeerReply): void => {
    if (ws.getUserData().closed) return;
    ws.cork(() => ws.send(encoder.encode(message), true));
  };
  app.ws<PeerSocket>(PEER_PATH, {
    maxPayloadLength: MAX_PEER_FRAME,
    maxBackpressure: 64 * 1024 * 1024,
    idleTimeout: 0,
    upgrade: (res, req, context) => {
      const shown = Buffer.from(req.getHeader('x-aisle-peer'));
      if (shown.length !== expected.length || !timingSafeEqual(shown, expected)) {
        res.writeStatus('401 Unauthorized').end();
        return;
      }
      res.upgrade<PeerSocket>(
        { closed: false },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    message: (ws, data) => {
      let decoded: unknown;
      try {
        decoded = decoder.decode(new Uint8Array(data));
      } catch {
        log.warn('undecodable peer frame');
        return;
      }
      // Any value decodes (nil, a number, an array): only a well-formed request reaches the service.
      const request = decoded as Partial<PeerRequest> | null;
      if (typeof request !== 'object' || request === null || Array.isArray(request) || !Number.isSafeInteger(request.id)) {
        log.warn('malformed peer frame');
        return;
      }
      if (!isPeerOp(request.op) || !Array.isArray(request.args) || typeof request.eventId !== 'string') {
        reply(ws, { id: request.id!, outcome: { ok: false, error: { code: 'bad_request', message: 'bad peer request' } } });
        return;
      }
      const { id, op, eventId } = request as PeerRequest;
      // MessagePack has no undefined: an omitted optional argument arrives as nil. The sender typed the
      // arguments (PeerArgs); what arrives is trusted as far as the peer credential goes.
      const args = (request.args as unknown[]).map((arg) => (arg === null ? undefined : arg)) as PeerArgs<PeerOp>;
      void answerForwarded(local, op, eventId, args, (error) => log.error({ err: error, op, eventId }, 'forwarded request failed')).then(
        (outcome) => reply(ws, { id, outcome }),
      );
    },
    close: (ws) => {
      ws.getUserData().closed = true;
    },
  });
}
