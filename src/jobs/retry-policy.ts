// One retry policy for webhook deliveries, whether BullMQ or the in-process runner carries them out:
// `attempts` in all, exponential backoff from `delayMs` with BullMQ's own formula and jitter, so the
// two modes retry alike.

/** How often and how patiently a delivery is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the message is a dead letter. */
  attempts: number;
  /** Backoff after the first failure (ms); each later one doubles. */
  delayMs: number;
  /** 0..1: the share of each backoff that is randomised (spreads retries after an outage). */
  jitter: number;
}

/**
 * The wait after failed attempt number `attemptsMade` (1 = the first attempt failed), as BullMQ's
 * built-in `exponential` strategy computes it: 2^(attemptsMade-1) × delay, the top `jitter` share random.
 */
export function backoffMs(policy: RetryPolicy, attemptsMade: number, random: () => number = Math.random): number {
  const max = Math.round(2 ** (attemptsMade - 1) * policy.delayMs);
  if (policy.jitter <= 0) return max;
  return Math.floor(random() * max * policy.jitter + max * (1 - policy.jitter));
}

/** True when the failure of attempt number `attemptsMade` leaves no attempt. */
export function isLastAttempt(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade >= policy.attempts;
}
