// Pushes through uWS topics, one per event (diffs, stats) and encoding, so each push is encoded once
// per encoding in use, whatever the number of recipients; pushes to one user (expiries, waiting-room
// positions) go straight to that user's sockets (user-sockets.ts), encoded once per encoding too.
import type { TemplatedApp } from './native-uws';
import type { Codec, Encoding, QueuePush } from '../../protocol';
import { jsonCodec, msgpackCodec } from '../../protocol';
import type { DiffPush, EventFeed } from '../actor/event-service';
import { SnapshotFrames } from './snapshot-frames';
import { UserSockets } from './user-sockets';
import type { Socket } from './ws-connection';

/** Both encodings, in the order pushes are encoded. */
export const ENCODINGS: readonly Encoding[] = ['json', 'msgpack'];
/** The codec of each encoding. */
export const CODECS: Record<Encoding, Codec> = { json: jsonCodec, msgpack: msgpackCodec };
/** Topic of an event's diffs. */
export const diffTopic = (eventId: string, enc: Encoding): string => `d:${eventId}:${enc}`;
/** Topic of an event's stats pushes. */
export const statsTopic = (eventId: string, enc: Encoding): string => `s:${eventId}:${enc}`;

/** The local EventFeed: publishes to this node's WebSocket subscribers. */
export class TopicFeed implements EventFeed {
  /** This node's encoded snapshots, dropped by each diff of their event (the state moved on). */
  readonly snapshots = new SnapshotFrames();
  /** The sockets that get each user's pushes: those of the user that chose an encoding. */
  readonly users = new UserSockets<Socket>();

  constructor(private readonly app: TemplatedApp) {}

  diff(eventId: string, diff: DiffPush): void {
    this.snapshots.invalidate(eventId);
    this.publish((enc) => diffTopic(eventId, enc), { type: 'diff', eventId, ...diff });
  }

  expired(userId: string, eventId: string, holdId: string): void {
    this.toUser(userId, { type: 'expired', eventId, holdId });
  }

  queue(userId: string, message: QueuePush): void {
    this.toUser(userId, message);
  }

  /** Sends `message` to each open socket of `userId`, encoded at most once per encoding. */
  private toUser(userId: string, message: object): void {
    const frames: Partial<Record<Encoding, Uint8Array | string>> = {};
    this.users.forEach(userId, (ws) => {
      const conn = ws.getUserData();
      if (conn.closed) return;
      // Only sockets that chose an encoding are among a user's sockets.
      const encoding = conn.encoding ?? 'json';
      const frame = (frames[encoding] ??= CODECS[encoding].encode(message));
      ws.cork(() => ws.send(frame, encoding === 'msgpack'));
    });
  }

  /** Publishes `message` to the topic of each encoding that has subscribers. */
  publish(topicOf: (enc: Encoding) => string, message: object): void {
    for (const enc of ENCODINGS) {
      const topic = topicOf(enc);
      if (this.app.numSubscribers(topic) === 0) continue;
      this.app.publish(topic, CODECS[enc].encode(message), enc === 'msgpack');
    }
  }

  /** Subscribers of an event's diffs on this node. */
  viewers(eventId: string): number {
    return this.app.numSubscribers(diffTopic(eventId, 'json')) + this.app.numSubscribers(diffTopic(eventId, 'msgpack'));
  }
}
