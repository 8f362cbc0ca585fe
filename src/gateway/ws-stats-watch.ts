// Staff's `watch`: the first `stats` is the reply, then one stats push per watched event a second,
// encoded once per encoding through the event's stats topic (watchers are counted per event). `checkedIn`
// comes from CheckInCounts: memory on each push, a read of the counter row only for the first reply.
import type { Logger } from 'pino';
import type { Codec } from '../../protocol';
import type { EventService } from '../actor/event-service';
import { hasRole } from './auth';
import type { CheckInCounts } from './check-in-counts';
import type { TopicFeed } from './topic-feed';
import { statsTopic } from './topic-feed';
import type { Connection, Rid, Socket } from './ws-connection';
import { withRid } from './ws-connection';
import type { WsReplies } from './ws-replies';

/** What stats watching needs. */
export interface StatsWatchDeps {
  service: EventService;
  feed: TopicFeed;
  log: Logger;
  replies: WsReplies;
  /** Viewers of an event over the cluster (see ViewerCounter); none: this node's. */
  viewers?: (eventId: string) => Promise<number>;
  checkIns?: CheckInCounts;
}

/** The events staff watch on this node, and their once-a-second stats pushes. */
export class StatsWatch {
  private readonly watched = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  /** Watches through `deps`. */
  constructor(private readonly deps: StatsWatchDeps) {}

  /** Starts the once-a-second pushes. */
  start(): void {
    this.timer = setInterval(() => void this.pushStats(), 1000);
    this.timer.unref();
  }

  /** Stops the pushes. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Handles `watch`: staff only; answers with the current stats and subscribes to the pushes. */
  async watch(ws: Socket, conn: Connection, codec: Codec, eventId: string, rid: Rid): Promise<void> {
    const { replies } = this.deps;
    if (!hasRole(conn.role, 'staff')) {
      replies.fail(ws, codec, 'watch', rid, { code: conn.userId ? 'forbidden' : 'unauthorized', message: 'staff only' });
      return;
    }
    try {
      const [outcome, checkedIn] = await Promise.all([this.deps.service.stats(eventId), this.deps.checkIns?.read(eventId)]);
      if (conn.closed) return;
      if (!outcome.ok) {
        replies.fail(ws, codec, 'watch', rid, outcome.error);
        return;
      }
      const viewers = await this.viewers(eventId);
      if (conn.closed) return;
      replies.cork(ws, () => {
        const message = { type: 'stats' as const, eventId, ...outcome.value, viewers };
        replies.reply(ws, codec, withRid(checkedIn === undefined ? message : { ...message, checkedIn }, rid));
        ws.subscribe(statsTopic(eventId, conn.encoding ?? 'json'));
      });
      if (!conn.watching?.has(eventId)) {
        (conn.watching ??= new Set()).add(eventId);
        this.watched.set(eventId, (this.watched.get(eventId) ?? 0) + 1);
      }
      replies.count('watch', 'ok');
    } catch (error) {
      replies.internal(ws, codec, 'watch', rid, error, eventId);
    }
  }

  /** Ends every watch of a connection that may no longer watch (its token expired, or it is no staff now). */
  unwatchAll(ws: Socket, conn: Connection): void {
    for (const eventId of conn.watching ?? []) {
      ws.unsubscribe(statsTopic(eventId, conn.encoding ?? 'json'));
      this.unwatch(eventId);
    }
    conn.watching = null;
  }

  /** One watcher of the event went away. */
  unwatch(eventId: string): void {
    const left = (this.watched.get(eventId) ?? 1) - 1;
    if (left <= 0) this.watched.delete(eventId);
    else this.watched.set(eventId, left);
  }

  private viewers(eventId: string): Promise<number> {
    return this.deps.viewers ? this.deps.viewers(eventId) : Promise.resolve(this.deps.feed.viewers(eventId));
  }

  /** Once a second: one stats message per watched event, encoded once per encoding. */
  private async pushStats(): Promise<void> {
    for (const eventId of this.watched.keys()) {
      try {
        const outcome = await this.deps.service.stats(eventId);
        if (!outcome.ok) continue;
        const message = { type: 'stats' as const, eventId, ...outcome.value, viewers: await this.viewers(eventId) };
        const checkedIn = this.deps.checkIns?.current(eventId);
        if (checkedIn !== undefined) Object.assign(message, { checkedIn });
        this.deps.feed.publish((enc) => statsTopic(eventId, enc), message);
      } catch (error) {
        this.deps.log.error({ err: error, eventId }, 'stats push failed');
      }
    }
  }
}
