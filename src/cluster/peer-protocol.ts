// How nodes forward requests to an event's owner: one WebSocket per pair of nodes, MessagePack
// frames, requests multiplexed by id. The operations are exactly those of the EventService port.
import { createHmac } from 'node:crypto';
import type { EventService } from '../actor/event-service';

/** The path of the internal endpoint (same port as the public API). */
export const PEER_PATH = '/internal/peer';

/** An EventService operation that can be forwarded. */
export type PeerOp = keyof EventService;

/** Operations that change nothing, or are idempotent, so a request lost in transit may be sent again. */
export const RETRY_SAFE_OPS: ReadonlySet<PeerOp> = new Set<PeerOp>(['snapshot', 'stats', 'liveInfo', 'setSales', 'buy']);

/** A forwarded request. `args` are the EventService method's arguments after `eventId`. */
export interface PeerRequest {
  id: number;
  op: PeerOp;
  eventId: string;
  args: unknown[];
}

/** The owner's answer: the method's Outcome. */
export interface PeerReply {
  id: number;
  outcome: unknown;
}

/** The credential a node shows the internal endpoint: derived from the cluster's shared AUTH_SECRET. */
export function peerCredential(secret: string): string {
  return createHmac('sha256', secret).update('aisle-peer-v1').digest('base64url');
}
