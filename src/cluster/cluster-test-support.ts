// What the cluster contract suites share: waiting for a condition with a deadline (never a fixed
// sleep), fresh event ids, and a harness of several nodes on one backend.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

/** Resolves as soon as `check` is true (checked now, then every `intervalMs`); rejects after `timeoutMs` naming `what`. */
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

/** An event id no other test uses. */
export function randomEventId(): string {
  return `ev-${randomBytes(4).toString('hex')}`;
}

/** A backend as several nodes see it, for one suite. */
export interface NodesHarness<T> {
  /** The backend as one node sees it; every call is another node on the same backend (e.g. its own connection). */
  node(): T;
  /** Frees everything after the suite. */
  dispose(): Promise<void>;
}

/** Makes the harness before the suite's tests and disposes of it after; returns the suite's two nodes. */
export function twoNodes<T>(createHarness: () => Promise<NodesHarness<T>>): () => [T, T] {
  let harness: NodesHarness<T> | undefined;
  let nodes: [T, T] | undefined;
  beforeAll(async () => {
    harness = await createHarness();
    nodes = [harness.node(), harness.node()];
  });
  afterAll(async () => {
    await harness?.dispose();
  });
  return () => {
    if (!nodes) throw new Error('the harness is not ready (use the nodes inside tests)');
    return nodes;
  };
}
