// The waiting-room requests of `/ws` (join, leave): customers only, handed to the event service and
// answered in the frame's encoding. The pushes that follow travel on the user's topic (topic-feed.ts).
import type { ClientMessage, Codec } from '../../protocol';
import type { EventService } from '../actor/event-service';
import { hasRole } from './auth';
import type { Connection, Socket } from './ws-connection';
import type { WsReplies } from './ws-replies';

/** A waiting-room request. */
export type QueueCommand = Extract<ClientMessage, { type: 'join' | 'leave' }>;

/** Runs one waiting-room request and answers it. */
export async function runQueueCommand(
  ws: Socket,
  conn: Connection,
  codec: Codec,
  message: QueueCommand,
  service: EventService,
  replies: WsReplies,
): Promise<void> {
  const userId = conn.userId;
  if (!userId || !hasRole(conn.role, 'customer')) {
    replies.fail(ws, codec, message.type, message.rid, { code: 'unauthorized', message: 'sign in to join the waiting room' });
    return;
  }
  const { eventId, rid } = message;
  try {
    if (message.type === 'join') {
      const outcome = await service.join(eventId, userId);
      replies.answer(ws, codec, 'join', rid, outcome, (v) =>
        v.kind === 'admitted'
          ? { type: 'admitted', eventId, expiresAt: v.expiresAt }
          : { type: 'queued', eventId, position: v.position, ahead: v.ahead, etaSeconds: v.etaSeconds, ...(v.lottery ? { lottery: true } : {}) },
      );
      return;
    }
    const outcome = await service.leave(eventId, userId);
    replies.answer(ws, codec, 'leave', rid, outcome, () => ({ type: 'left', eventId }));
  } catch (error) {
    replies.internal(ws, codec, message.type, rid, error, eventId);
  }
}
