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
