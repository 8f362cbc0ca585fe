// Time as the actor sees it. Injected so tests and simulations drive expiry and ticks by hand.

/** A scheduled callback that can be cancelled. */
export interface TimerHandle {
  cancel(): void;
}

/** The actor's source of time and timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `delayMs` (clamped at 0). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Runs `fn` after the current I/O turn (absent: setImmediate); a simulation orders these itself. */
  defer?(fn: () => void): void;
  /** Milliseconds for measuring durations (absent: performance.now). */
  elapsed?(): number;
}

/** Runs `fn` after this I/O turn, through the clock when it schedules such turns itself. */
export function deferOn(clock: Clock, fn: () => void): void {
  if (clock.defer) clock.defer(fn);
  else setImmediate(fn);
}

/** A duration-measuring reading of the clock (performance.now unless the clock says otherwise). */
export function elapsedOn(clock: Clock): number {
  return clock.elapsed ? clock.elapsed() : performance.now();
}

/** Resolves after `ms` on `clock`. */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}

/** The real clock: Date.now and setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    // A pending hold expiry must not keep a draining process alive.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A clock that only moves when told to; timers fire in time order during `advance`. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; fn: () => void; live: boolean }[] = [];
  private seq = 0;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer = { at: this.current + Math.max(0, delayMs), seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.live && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      due.live = false;
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.timers = this.timers.filter((t) => t.live);
    this.current = target;
  }
}
