// Which thrown errors become protocol replies. An error carrying a protocol code (StoreUnavailableError,
// InvalidCursorError, …) is answered with that code; anything else is internal, logged and never shown.
import type { ErrorCode } from '../../protocol';
import { isErrorCode } from '../../protocol';

/** Said for `unavailable`: the cause (hosts, ports) stays in the log. */
const UNAVAILABLE_MESSAGE = 'a backend is unavailable; nothing was changed, retry shortly';

/** The reply for a thrown error that carries a protocol code, or null for an internal error. */
export function failureOf(error: unknown): { code: ErrorCode; message: string } | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string' || !isErrorCode(code) || code === 'internal') return null;
  return { code, message: code === 'unavailable' ? UNAVAILABLE_MESSAGE : error.message };
}
