// How a page gets its token and talks HTTP: `?token=` on the URL (kept for the tab, removed from the
// address bar), else the tab's stored token, else a dev-mode token when the server hands them out.
import { AisleError, isErrorCode } from '../../../protocol/error-codes';

const STORAGE_KEY = 'aisle.token';

/** The page's token, or null for a guest. */
export async function obtainToken(role: 'customer' | 'staff'): Promise<string | null> {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(`${STORAGE_KEY}.${role}`, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  const stored = sessionStorage.getItem(`${STORAGE_KEY}.${role}`);
  if (stored) return stored;
  // Dev mode only: the route is a 404 when AUTH_SECRET is set.
  const sub = `${role === 'staff' ? 'staff' : 'guest'}-${Math.random().toString(36).slice(2, 8)}`;
  const response = await fetch(`/api/dev/token?role=${role}&sub=${sub}`).catch(() => null);
  if (!response?.ok) return null;
  const body = (await response.json()) as { token?: string };
  if (!body.token) return null;
  sessionStorage.setItem(`${STORAGE_KEY}.${role}`, body.token);
  return body.token;
}

/** Stores a token typed into the sign-in form and reloads. */
export function signIn(role: 'customer' | 'staff', token: string): void {
  sessionStorage.setItem(`${STORAGE_KEY}.${role}`, token.trim());
  location.reload();
}

/** Forgets the tab's token for `role` and reloads. */
export function signOut(role: 'customer' | 'staff'): void {
  sessionStorage.removeItem(`${STORAGE_KEY}.${role}`);
  location.reload();
}

/** The WebSocket URL of this page's server. */
export function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** A JSON HTTP call; failures reject with an AisleError carrying the server's code. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (cause) {
    throw new AisleError('unavailable', 'the server could not be reached', undefined, { cause });
  }
  const payload = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: string } } | null;
  if (!response.ok) {
    const code = isErrorCode(payload?.error?.code) ? payload.error.code : 'internal';
    throw new AisleError(code, payload?.error?.message ?? response.statusText);
  }
  return payload as T;
}
