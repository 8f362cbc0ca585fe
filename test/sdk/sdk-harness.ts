// Shared by the SDK test files: one real server process (1 ms diff tick, per-user rate limit lifted) on
// a database of the file's own, SDK clients closed afterwards, and helpers to create events, churn
// seats and read the server's own snapshot.
import { afterAll, beforeAll, expect } from 'vitest';
import { AisleClient } from '../../protocol/sdk';
import type { AisleClientOptions, LiveView } from '../../protocol/sdk';
import { createTestDatabase } from '../support/database';
import type { TestDatabase } from '../support/database';
import { TEST_SECRET, http, smallEvent, token } from '../support/fixtures';
import { startServer } from '../support/server-process';
import type { ServerProcess } from '../support/server-process';
import { TestClient } from '../support/ws-client';
import { TestSocket } from './test-socket';

let db: TestDatabase;
let admin: string;
const clients: AisleClient[] = [];

/** The server under test; a test may replace it (a restart on the same port). */
export const harness: { server: ServerProcess } = { server: undefined as unknown as ServerProcess };

// A 1 ms tick turns nearly every command into its own diff: many diffs quickly. The churning drivers
// exceed the default per-user rate limit on purpose, so it is lifted.
export const serverEnv = (): Record<string, string> => ({
  DATABASE_URL: db.url,
  AUTH_SECRET: TEST_SECRET,
  DIFF_TICK_MS: '1',
  USER_RATE_PER_SECOND: '1000000',
  USER_RATE_BURST: '1000000',
});

/** Registers the hooks that start the server (and a database of the file's own) and stop it. */
export function useSdkServer(): void {
beforeAll(async () => {
  db = await createTestDatabase();
  harness.server = await startServer(serverEnv());
  admin = await token('root', 'admin');
});

afterAll(async () => {
  for (const c of clients) c.close();
  await harness.server?.stop();
  await db?.drop();
});
}

export async function createEvent(id: string, rows: number, seatsPerRow: number, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await http(harness.server.url, 'POST', '/api/events', { token: admin, body: smallEvent(id, rows, seatsPerRow, 50, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export async function sdk(userId: string | null, options: Partial<AisleClientOptions> = {}): Promise<AisleClient> {
  const client = await AisleClient.connect({
    url: harness.server.wsUrl,
    token: userId ? await token(userId) : null,
    WebSocket: TestSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  clients.push(client);
  return client;
}

/** Resolves when `predicate` holds, checking on each change of `view`, or fails after `timeoutMs`. */
export function until(view: LiveView, predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const off = view.on('change', () => {
      if (!predicate()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** A fresh snapshot of `eventId` from an independent connection. */
export async function serverSnapshot(eventId: string): Promise<{ seq: number; epoch: number; status: Uint8Array; areas: Record<string, number> }> {
  const probe = await TestClient.connect(harness.server.wsUrl, 'msgpack');
  try {
    const snapshot = await probe.request({ type: 'subscribe', eventId });
    return snapshot as unknown as { seq: number; epoch: number; status: Uint8Array; areas: Record<string, number> };
  } finally {
    probe.close();
  }
}

/**
 * Holds and releases single seats round-robin until `stop()`: nearly every 1 ms tick carries a diff.
 * It drives one connection faster than the server's per-connection rate allows, so it behaves as a
 * client must: a `rate_limited` command is sent again after a pause. A release that is lost would leak
 * its hold until the user reaches the seat limit and every hold is refused (no diffs at all), so every
 * release must succeed.
 */
export async function churn(eventId: string, userId: string, seats: number, stop: () => boolean): Promise<number> {
  const driver = await TestClient.connect(harness.server.wsUrl, 'msgpack', await token(userId));
  const holds: string[] = [];
  let commands = 0;
  const send = async (command: Record<string, unknown>): Promise<Record<string, unknown>> => {
    for (let pause = 1; ; pause = Math.min(pause * 2, 64)) {
      const reply = await driver.request(command);
      commands++;
      if (reply.type !== 'error' || reply.code !== 'rate_limited') return reply;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  try {
    for (let i = 0; !stop(); i++) {
      const seat = `s-${1 + Math.floor((i % seats) / 20)}-${1 + (i % 20)}`;
      // Every seventh command takes a standing place instead, so area counts change too.
      const held = await send(i % 7 === 0 ? { type: 'hold', eventId, area: { id: 'floor', count: 1 } } : { type: 'hold', eventId, seats: [seat] });
      if (held.type === 'held') holds.push(held.holdId as string);
      else if (held.code === 'limit_exceeded') throw new Error(`${userId} reached the seat limit: a hold leaked (${JSON.stringify(held)})`);
      if (holds.length > 40) {
        const released = await send({ type: 'release', eventId, holdId: holds.shift() });
        if (released.type !== 'released') throw new Error(`${userId} could not release a hold: ${JSON.stringify(released)}`);
      }
    }
  } finally {
    driver.close();
  }
  return commands;
}
