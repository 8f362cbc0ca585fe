// The client's places in waiting rooms: `join` takes (or finds again) the user's one place in an event's
// waiting room, and after a reconnect the client joins again by itself, which finds the same place (the
// server keeps one place per user and event), so the caller sees its position go on, or its admission.
import type { AdmittedMessage, LeftMessage, QueueClosedMessage, QueuedMessage, QueuePositionMessage } from '../queue-messages';
import type { PendingRequests } from './pending-requests';

/** What a waiting room tells the client, as AisleClient events. */
export interface WaitingRoomEvents {
  /** The place moved (or was found again after a reconnect). */
  queue: QueuePositionMessage;
  /** The user may hold until `expiresAt`. */
  admitted: Omit<AdmittedMessage, 'rid'>;
  /** Nothing left to sell (`sold_out`: the place is kept as a waitlist) or sales closed (`closed`). */
  queue_closed: QueueClosedMessage;
}

/** The waiting rooms one client is in. */
export class WaitingRooms {
  private readonly joined = new Set<string>();

  constructor(
    private readonly requests: PendingRequests,
    private readonly emit: <K extends keyof WaitingRoomEvents>(type: K, event: WaitingRoomEvents[K]) => void,
  ) {}

  /** Takes or finds the user's place; the reply is `queued` (with the place) or `admitted`. */
  async join(eventId: string): Promise<QueuedMessage | AdmittedMessage> {
    this.joined.add(eventId);
    try {
      return await this.requests.request({ type: 'join', eventId }, ['queued', 'admitted'], { resend: true });
    } catch (error) {
      this.joined.delete(eventId);
      throw error;
    }
  }

  /** Gives the place (or the admission) up. */
  async leave(eventId: string): Promise<LeftMessage> {
    this.joined.delete(eventId);
    return this.requests.request({ type: 'leave', eventId }, 'left', { resend: true });
  }

  /** Events whose room the client is in. */
  rooms(): string[] {
    return [...this.joined];
  }

  /** After a reconnect: joins every room again and reports the place (or the admission) found. */
  rejoin(onError: (error: unknown) => void): void {
    for (const eventId of this.joined) {
      this.requests.request({ type: 'join', eventId }, ['queued', 'admitted']).then((reply) => {
        if (reply.type === 'admitted') this.emit('admitted', { type: 'admitted', eventId, expiresAt: reply.expiresAt });
        else this.emit('queue', { type: 'queue', eventId, position: reply.position, ahead: reply.ahead, etaSeconds: reply.etaSeconds, ...(reply.lottery ? { lottery: true } : {}) });
      }, onError);
    }
  }

  /** A waiting-room push; false when the message is not one. */
  push(message: { type: string; eventId?: string }): boolean {
    switch (message.type) {
      case 'queue':
        this.emit('queue', message as QueuePositionMessage);
        return true;
      case 'admitted':
        this.emit('admitted', message as AdmittedMessage);
        return true;
      case 'queue_closed':
        // Sales closed: the place is gone, nothing to find again after a reconnect.
        if ((message as QueueClosedMessage).reason === 'closed') this.joined.delete(message.eventId!);
        this.emit('queue_closed', message as QueueClosedMessage);
        return true;
      default:
        return false;
    }
  }
}
