// The user's holds as this client knows them, with their expiry: warnings at fixed amounts of time left,
// then `expired`, from the server's push or, if the push was missed while disconnected, from the clock.
import type { AreaCounts, HeldMessage, ReleasedMessage } from '../server-messages';

/** One hold of the user. */
export interface Hold {
  eventId: string;
  holdId: string;
  seats: string[];
  areas: AreaCounts;
  /** Epoch ms on the server's clock. */
  expiresAt: number;
}

/** A hold is about to expire. */
export interface HoldExpiring {
  hold: Hold;
  /** Milliseconds left, on the server's clock. */
  msLeft: number;
}

/** A hold is gone without being bought or released by this client. */
export interface HoldExpired {
  eventId: string;
  holdId: string;
  /** `push`: the server said so; `clock`: the expiry time passed with no word (e.g. while offline); `rejected`: the server no longer knows it. */
  source: 'push' | 'clock' | 'rejected';
}

/** Timer functions, injectable so tests can drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the book reports expiry. */
export interface HoldBookSink {
  expiring(event: HoldExpiring): void;
  expired(event: HoldExpired): void;
}

/** Warnings at 1 minute, 30 s and 10 s left: time to extend or pay. */
export const DEFAULT_EXPIRY_WARNINGS_MS: readonly number[] = [60_000, 30_000, 10_000];
/** How long past its expiry a hold is kept waiting for the server's `expired` push before the clock decides. */
const CLOCK_GRACE_MS = 2_000;

/** The user's holds, keyed by holdId. */
export class HoldBook {
  private readonly holds = new Map<string, { hold: Hold; timers: unknown[] }>();

  constructor(
    private readonly now: () => number,
    private readonly sink: HoldBookSink,
    private readonly warningsMs: readonly number[] = DEFAULT_EXPIRY_WARNINGS_MS,
    private readonly timers: Timers = globalThis,
  ) {}

  /** Every known hold. */
  all(): Hold[] {
    return [...this.holds.values()].map((entry) => entry.hold);
  }

  /** One hold, if known. */
  get(holdId: string): Hold | undefined {
    return this.holds.get(holdId)?.hold;
  }

  /** Milliseconds until `holdId` expires (0 when past, or unknown). */
  timeLeft(holdId: string): number {
    const hold = this.get(holdId);
    return hold ? Math.max(0, hold.expiresAt - this.now()) : 0;
  }

  /** Records a `held` reply (the whole hold, new or grown or extended). */
  held(message: HeldMessage): Hold {
    const hold: Hold = {
      eventId: message.eventId,
      holdId: message.holdId,
      seats: [...message.seats],
      areas: { ...message.areas },
      expiresAt: message.expiresAt,
    };
    this.forget(hold.holdId);
    this.holds.set(hold.holdId, { hold, timers: this.arm(hold) });
    return hold;
  }

  /** Records a `released` reply; the hold is forgotten once nothing is left in it. */
  released(message: ReleasedMessage): void {
    const entry = this.holds.get(message.holdId);
    if (!entry) return;
    const gone = new Set(message.seats);
    const hold = entry.hold;
    hold.seats = hold.seats.filter((seat) => !gone.has(seat));
    for (const [areaId, count] of Object.entries(message.areas)) {
      const left = (hold.areas[areaId] ?? 0) - count;
      if (left > 0) hold.areas[areaId] = left;
      else delete hold.areas[areaId];
    }
    if (hold.seats.length === 0 && Object.keys(hold.areas).length === 0) this.forget(hold.holdId);
  }

  /** The hold was bought: forget it without an `expired`. */
  bought(holdId: string): void {
    this.forget(holdId);
  }

  /** The hold is gone (push, clock or a hold_not_found/hold_expired answer): forget it and say so once. */
  expire(holdId: string, source: HoldExpired['source']): void {
    const entry = this.holds.get(holdId);
    if (!entry) return;
    this.forget(holdId);
    this.sink.expired({ eventId: entry.hold.eventId, holdId, source });
  }

  /** Stops every timer (client closed). */
  clear(): void {
    for (const holdId of [...this.holds.keys()]) this.forget(holdId);
  }

  private forget(holdId: string): void {
    const entry = this.holds.get(holdId);
    if (!entry) return;
    for (const timer of entry.timers) this.timers.clearTimeout(timer);
    this.holds.delete(holdId);
  }

  private arm(hold: Hold): unknown[] {
    const left = hold.expiresAt - this.now();
    const timers: unknown[] = [];
    for (const warning of this.warningsMs) {
      if (warning >= left) continue;
      timers.push(
        this.timers.setTimeout(() => {
          if (this.get(hold.holdId) === hold) this.sink.expiring({ hold, msLeft: this.timeLeft(hold.holdId) });
        }, left - warning),
      );
    }
    timers.push(this.timers.setTimeout(() => this.expire(hold.holdId, 'clock'), Math.max(0, left) + CLOCK_GRACE_MS));
    return timers;
  }
}
