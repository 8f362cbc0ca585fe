// `viewers` over the whole cluster: each node writes how many connections on it watch each event (its
// WebSocket subscribers, and its gateway edges'), once a second, where every node can read them, with a
// short expiry so a node that dies stops counting within seconds. A staff `stats` message sums them.
// Without a cluster (no tally) the count is this node's.
import type { Logger } from 'pino';

/** Where the nodes' counts meet (Redis in a cluster: src/cluster/redis-viewer-tally.ts). */
export interface ViewerTally {
  /** This node's viewers now: `counts` for the events it has viewers of; `gone` had some and have none. */
  report(counts: ReadonlyMap<string, number>, gone: readonly string[]): Promise<void>;
  /** The viewers of `eventId` summed over the other live nodes' last reports. */
  others(eventId: string): Promise<number>;
  close(): Promise<void>;
}

/** How often this node reports its counts. */
export const VIEWER_REPORT_MS = 1000;

/** This node's viewers, reported to the tally; the cluster-wide count read back for `stats`. */
export class ViewerCounter {
  /** Events this node has had viewers of since they were last reported at zero. */
  private readonly viewed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private reporting = false;
  private warnedAt = 0;

  constructor(
    private readonly local: (eventId: string) => number,
    private readonly tally: ViewerTally | null,
    private readonly log: Logger,
  ) {}

  /** A connection on this node (or its edges) subscribed to `eventId`. */
  noteViewed(eventId: string): void {
    this.viewed.add(eventId);
  }

  start(): void {
    if (!this.tally || this.timer) return;
    this.timer = setInterval(() => void this.report(), VIEWER_REPORT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tally?.close();
  }

  /** Viewers of `eventId` on every node; this node's alone when there is no tally or it cannot be read. */
  async total(eventId: string): Promise<number> {
    if (!this.tally) return this.local(eventId);
    let others = 0;
    try {
      others = await this.tally.others(eventId);
    } catch (error) {
      this.warn(error);
    }
    // This node's own count is read now, not from its last report.
    return this.local(eventId) + others;
  }

  /** Writes this node's counts (one report at a time; a slow one makes the next wait a tick). */
  async report(): Promise<void> {
    if (!this.tally || this.reporting) return;
    this.reporting = true;
    try {
      const counts = new Map<string, number>();
      const gone: string[] = [];
      for (const eventId of this.viewed) {
        const n = this.local(eventId);
        if (n > 0) counts.set(eventId, n);
        else gone.push(eventId);
      }
      await this.tally.report(counts, gone);
      for (const eventId of gone) if (this.local(eventId) === 0) this.viewed.delete(eventId);
    } catch (error) {
      this.warn(error);
    } finally {
      this.reporting = false;
    }
  }

  private warn(error: unknown): void {
    if (Date.now() - this.warnedAt < 10_000) return;
    this.warnedAt = Date.now();
    this.log.warn({ err: error }, 'cluster viewer counts unavailable: stats show this node\'s viewers');
  }
}
