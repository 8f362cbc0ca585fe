// Waiting for a condition in tests, with a deadline instead of a fixed sleep: checks now, then every
// few milliseconds, and fails with what it was waiting for.

/** Resolves as soon as `check` is true; rejects after `timeoutMs` naming `what`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
