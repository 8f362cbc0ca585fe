// Shared pieces of end-to-end tests: tokens signed like production ones, HTTP calls, event bodies.
import { Auth } from '../../src/gateway/auth';
import type { Identity } from '../../src/gateway/auth';

/** The AUTH_SECRET every test server gets. */
export const TEST_SECRET = 'aisle-test-secret-do-not-use-in-production';
const auth = Auth.create(TEST_SECRET);

/** A token for `userId` with `role`, signed with TEST_SECRET. */
export function token(userId: string, role: Identity['role'] = 'customer'): Promise<string> {
  return auth.sign({ userId, role });
}

/** Methods a request of which may be sent twice. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** An HTTP call returning status and parsed JSON (or null). */
export async function http(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const send = (): Promise<Response> => fetch(base + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  let res: Response;
  try {
    res = await send();
  } catch (error) {
    // fetch reuses idle keep-alive connections; the server closes one after 10 s idle, and a test whose
    // event loop was busy (a long synchronous check on a loaded machine) can pick it up after that and
    // see it closed before any answer. A request that may be repeated is sent once more on a new one.
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code !== 'UND_ERR_SOCKET' || !IDEMPOTENT.has(method)) throw error;
    res = await send();
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** A small event: `rows` rows of `seatsPerRow` in one section, plus a GA area of `capacity`. */
export function smallEvent(id: string, rows = 5, seatsPerRow = 20, capacity = 50, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `Test ${id}`,
    startsAt: '2030-01-01T20:00:00Z',
    holdTtlSeconds: 600,
    maxSeatsPerUser: 10,
    categories: [
      { id: 'std', name: 'Standard', price: 5000 },
      { id: 'ga', name: 'Floor', price: 3000 },
    ],
    sections: [{ id: 's', category: 'std', rows, seatsPerRow }],
    areas: [{ id: 'floor', name: 'Floor', capacity, category: 'ga' }],
    ...extra,
  };
}
