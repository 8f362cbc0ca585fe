// Runs a step again and again: at once while it reports more work, on a nudge (new rows were just
// committed in this process), else every `pollMs` (rows committed by other nodes), backing off after
// errors. One step at a time.
import type { Clock, TimerHandle } from '../actor/clock';

/** Longest pause after repeated failures (ms): a database outage is retried at least this often. */
const MAX_ERROR_BACKOFF_MS = 5_000;

/** A loop around `step`, which resolves true when it should run again at once. */
export class PollLoop {
  private running = false;
  private nudged = false;
  private wake: (() => void) | null = null;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly step: () => Promise<boolean>,
    private readonly clock: Clock,
    private readonly pollMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Runs the step soon, without waiting for the poll interval. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops after the step in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.nudged = false;
      let more = false;
      try {
        more = await this.step();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.onError(error);
      }
      if (!this.running) break;
      if (failures === 0 && (more || this.nudged)) continue;
      const wait = failures === 0 ? this.pollMs : Math.min(MAX_ERROR_BACKOFF_MS, this.pollMs * 2 ** failures);
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: TimerHandle | null = null;
      const wake = (): void => {
        timer?.cancel();
        this.wake = null;
        resolve();
      };
      this.wake = wake;
      timer = this.clock.setTimer(ms, wake);
    });
  }
}
