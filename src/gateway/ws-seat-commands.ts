// The seat commands of `/ws` (hold, release, extend, buy) and the `holds` query: customers only, handed
// to the event service, each answered with its outcome in the frame's encoding.
import type { ClientMessage, Codec, HoldsRequest } from '../../protocol';
import type { EventService, OutcomeSoon } from '../actor/event-service';
import { hasRole } from './auth';
import type { Connection, Socket } from './ws-connection';
import type { WsReplies } from './ws-replies';

/** A client message that changes seats. */
export type SeatCommand = Extract<ClientMessage, { type: 'hold' | 'release' | 'extend' | 'buy' }>;

/** The reply to each seat command that succeeds. */
const REPLY_TYPE = { hold: 'held', release: 'released', extend: 'held', buy: 'order' } as const satisfies Record<SeatCommand['type'], string>;

/** The requests the per-user rate limit applies to: those that change seats. */
export function isSeatCommand(message: ClientMessage): message is SeatCommand {
  return message.type === 'hold' || message.type === 'release' || message.type === 'extend' || message.type === 'buy';
}

/**
 * Runs one seat command and answers it: at once when the event's actor decided at once (no promise on
 * the way), else when its outcome arrives; the promise returned then settles after the answer.
 */
export function runSeatCommand(
  ws: Socket,
  conn: Connection,
  codec: Codec,
  message: SeatCommand,
  service: EventService,
  replies: WsReplies,
): Promise<void> | undefined {
  const userId = conn.userId;
  if (!userId || !hasRole(conn.role, 'customer')) {
    replies.fail(ws, codec, message.type, message.rid, { code: 'unauthorized', message: 'sign in to hold or buy seats' });
    return undefined;
  }
  const { eventId, rid } = message;
  let outcome: OutcomeSoon<object>;
  try {
    switch (message.type) {
      case 'hold': {
        const request =
          message.seats !== undefined
            ? { kind: 'seats' as const, seats: message.seats }
            : message.best !== undefined
              ? { kind: 'best' as const, best: message.best }
              : { kind: 'area' as const, areaId: message.area!.id, count: message.area!.count };
        const keyed = message.holdKey === undefined ? request : { ...request, holdKey: message.holdKey };
        outcome = service.hold(eventId, userId, keyed, message.holdId);
        break;
      }
      case 'release':
        outcome = service.release(eventId, userId, message.holdId, message.seats, message.areas);
        break;
      case 'extend':
        outcome = service.extend(eventId, userId, message.holdId);
        break;
      case 'buy':
        outcome = service.buy(eventId, userId, message.holdId, message.idempotencyKey, message.tiers);
        break;
    }
  } catch (error) {
    replies.internal(ws, codec, message.type, rid, error, eventId);
    return undefined;
  }
  const replyType = REPLY_TYPE[message.type];
  if (!(outcome instanceof Promise)) {
    replies.answerEvent(ws, codec, message.type, rid, outcome, replyType, eventId);
    return undefined;
  }
  return outcome.then(
    (later) => replies.answerEvent(ws, codec, message.type, rid, later, replyType, eventId),
    (error: unknown) => replies.internal(ws, codec, message.type, rid, error, eventId),
  );
}

/** Answers `holds`: the user's live holds in the event (customers only, like the seat commands). */
export async function runHoldsQuery(
  ws: Socket,
  conn: Connection,
  codec: Codec,
  message: HoldsRequest,
  service: EventService,
  replies: WsReplies,
): Promise<void> {
  const { userId } = conn;
  const { eventId, rid } = message;
  if (!userId || !hasRole(conn.role, 'customer')) {
    replies.fail(ws, codec, 'holds', rid, { code: 'unauthorized', message: 'sign in to see your holds' });
    return;
  }
  try {
    const outcome = await service.holds(eventId, userId);
    replies.answer(ws, codec, 'holds', rid, outcome, (holds) => ({ type: 'holds', eventId, holds }));
  } catch (error) {
    replies.internal(ws, codec, 'holds', rid, error, eventId);
  }
}
