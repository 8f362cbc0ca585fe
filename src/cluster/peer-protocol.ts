// How nodes forward requests to an event's owner: one WebSocket per pair of nodes, MessagePack
// frames, requests multiplexed by id. The operations are exactly those of the EventService port.
import { createHmac } from 'node:crypto';
import type { EventService } from '../actor/event-service';
import { failureOf } from '../gateway/failure-of';

/** The path of the internal endpoint (same port as the public API). */
export const PEER_PATH = '/internal/peer';

/** An EventService operation that can be forwarded. */
export type PeerOp = keyof EventService;

/** Operations that change nothing, or are idempotent, so a request lost in transit may be sent again. */
export const RETRY_SAFE_OPS: ReadonlySet<PeerOp> = new Set<PeerOp>(['holds', 'staffHolds', 'snapshot', 'stats', 'liveInfo', 'setSales', 'buy']);

/** The arguments of operation `Op` after `eventId`, as a tuple: what a forwarded request carries. */
export type PeerArgs<Op extends PeerOp> = EventService[Op] extends (eventId: string, ...args: infer A) => unknown ? A : never;

/** What operation `Op` answers: the EventService method's Outcome. */
export type PeerOutcome<Op extends PeerOp> = Awaited<ReturnType<EventService[Op]>>;

/** A forwarded request of operation `Op` (any operation when not given), its `args` typed per operation. */
export type PeerRequest<Op extends PeerOp = PeerOp> = {
  [O in Op]: { id: number; op: O; eventId: string; args: PeerArgs<O> };
}[Op];

/** The owner's answer: the method's Outcome. */
export interface PeerReply<Op extends PeerOp = PeerOp> {
  id: number;
  outcome: PeerOutcome<Op>;
}

/** Every operation that may be forwarded (a new EventService method must be added here to compile). */
export const PEER_OPS: Readonly<Record<PeerOp, true>> = {
  hold: true,
  release: true,
  extend: true,
  holds: true,
  buy: true,
  snapshot: true,
  stats: true,
  liveInfo: true,
  setSales: true,
  block: true,
  cancelOrder: true,
  updateEvent: true,
  staffHolds: true,
  forceRelease: true,
  placeStaffHold: true,
  releaseStaffHold: true,
  join: true,
  leave: true,
  queueInfo: true,
};

/**
 * Calls operation `op` of `service` with its typed arguments. TypeScript cannot follow `service[op]`
 * for a generic `op`, so this is the one place that states it: method `op` takes PeerArgs<Op>.
 */
export function callOp<Op extends PeerOp>(service: EventService, op: Op, eventId: string, args: PeerArgs<Op>): Promise<PeerOutcome<Op>> {
  const method = service[op] as unknown as (eventId: string, ...rest: PeerArgs<Op>) => Promise<PeerOutcome<Op>>;
  return method.call(service, eventId, ...args);
}

/**
 * What the owner answers a forwarded request: the operation's outcome; when it threw, what the gateway
 * would answer the same error (the database away while activating the event: `unavailable`, nothing
 * done), else `internal` (`onThrown` hears such an error, for the log).
 */
export function answerForwarded<Op extends PeerOp>(
  local: EventService,
  op: Op,
  eventId: string,
  args: PeerArgs<Op>,
  onThrown: (error: unknown) => void,
): Promise<PeerOutcome<Op>> {
  return Promise.resolve()
    .then(() => callOp(local, op, eventId, args))
    .catch((error: unknown) => {
      const known = failureOf(error);
      if (known) return { ok: false, error: known } as PeerOutcome<Op>;
      onThrown(error);
      return { ok: false, error: { code: 'internal', message: 'internal error' } } as PeerOutcome<Op>;
    });
}

/** Whether `op`, read off the wire, names a forwardable operation. */
export function isPeerOp(op: unknown): op is PeerOp {
  return typeof op === 'string' && Object.hasOwn(PEER_OPS, op);
}

/** The credential a node shows the internal endpoint: derived from the cluster's shared AUTH_SECRET. */
export function peerCredential(secret: string): string {
  return createHmac('sha256', secret).update('aisle-peer-v1').digest('base64url');
}
