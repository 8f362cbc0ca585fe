// The `checkedIn` figure of the staff `stats`: tickets of each event checked in so far. A check-in on this
// node hands over the event's new count (its statement bumps a counter row, see TicketDesk.checkIn), so
// the figure moves at check-in time; the once-a-second pushes read only memory. The counter row is read
// when an event is first asked for, and again at most every `refreshMs` while it is asked for, which
// brings in check-ins made through other nodes. Counts only grow, so the larger figure always wins.
import type { Logger } from 'pino';
import type { TicketDesk } from '../store/ticket-desk';

interface Count {
  value: number;
  readAt: number;
  reading: Promise<number> | null;
}

/** See the file comment. */
export class CheckInCounts {
  private readonly counts = new Map<string, Count>();

  constructor(
    private readonly desk: TicketDesk,
    private readonly log: Logger,
    private readonly refreshMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A check-in on this node: `count` is the event's total with it. */
  saw(eventId: string, count: number): void {
    const entry = this.entry(eventId);
    entry.value = Math.max(entry.value, count);
  }

  /** The figure known now (0 before the first read); starts a read in the background when it is old. */
  current(eventId: string): number {
    const entry = this.entry(eventId);
    if (!entry.reading && this.now() - entry.readAt >= this.refreshMs) void this.read(eventId).catch(() => undefined);
    return entry.value;
  }

  /** Reads the event's count now (the first `stats` of a watch waits for it); one read at a time. */
  read(eventId: string): Promise<number> {
    const entry = this.entry(eventId);
    entry.reading ??= this.desk
      .checkedIn(eventId)
      .then((count) => {
        entry.value = Math.max(entry.value, count);
        return entry.value;
      })
      .catch((error: unknown) => {
        this.log.warn({ err: error, eventId }, 'reading the check-in count failed');
        return entry.value;
      })
      .finally(() => {
        entry.readAt = this.now();
        entry.reading = null;
      });
    return entry.reading;
  }

  private entry(eventId: string): Count {
    let entry = this.counts.get(eventId);
    if (!entry) this.counts.set(eventId, (entry = { value: 0, readAt: -Infinity, reading: null }));
    return entry;
  }
}
