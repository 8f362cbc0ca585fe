// Reconnect delays: exponential with "equal jitter" (half fixed, half random), so thousands of clients
// dropped by one server restart do not all come back in the same millisecond, yet none waits for long.

/** How reconnect delays grow. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Growth per failed attempt. */
  factor: number;
}

/** 250 ms doubles to a 10 s ceiling: a quick first retry for a blip, ~6 attempts to reach the ceiling. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2 };

/** The delay before retry number `attempt` (0-based): between half and all of the capped exponential. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, attempt));
  return Math.round(capped / 2 + (random() * capped) / 2);
}
