// Errors as the SDK hands them to callers: always an AisleError with a protocol code.
import type { ErrorCode } from '../error-codes';
import { AisleError, isErrorCode } from '../error-codes';
import type { ErrorMessage } from '../server-messages';

/** The AisleError of an `error` message; a code this SDK does not know becomes `internal`. */
export function toError(message: ErrorMessage): AisleError {
  const code: ErrorCode = isErrorCode(message.code) ? message.code : 'internal';
  const { type: _type, rid: _rid, code: _code, message: text, ...details } = message;
  return new AisleError(code, text, details);
}

/** Anything thrown, as an AisleError (`internal` unless it already is one). */
export function asAisleError(error: unknown): AisleError {
  return error instanceof AisleError ? error : new AisleError('internal', String(error));
}

/** Calls `doFetch`; a request that never reaches the server (network down, DNS, refused) is `unavailable`. */
export async function fetchFromServer(doFetch: typeof fetch, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await doFetch(url, init);
  } catch (cause) {
    throw new AisleError('unavailable', 'the server could not be reached', undefined, { cause });
  }
}

/**
 * The AisleError of a failed HTTP response, from its body's `{ error: { code, message } }` when it has one.
 * A body that is not the server's (a proxy's HTML page, nothing, a code this SDK does not know) gives
 * `internal` and says which request failed with which status.
 */
export function httpError(status: number, body: unknown, what: string): AisleError {
  const error = body !== null && typeof body === 'object' ? (body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  const code: ErrorCode = typeof error?.code === 'string' && isErrorCode(error.code) ? error.code : 'internal';
  const message = typeof error?.message === 'string' ? error.message : `${what} request failed with ${status}`;
  return new AisleError(code, message);
}
