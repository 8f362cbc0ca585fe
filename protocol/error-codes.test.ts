import { describe, expect, it } from 'vitest';
import { AisleError, ERROR_CODES, httpStatusOf, isErrorCode } from './error-codes';

describe('error codes', () => {
  it('lists the fourteen v1 codes, then those of v1.1', () => {
    expect(ERROR_CODES).toEqual([
      'bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'seat_unavailable', 'hold_not_found',
      'hold_expired', 'limit_exceeded', 'sales_closed', 'rate_limited', 'moved', 'unavailable', 'internal',
      'orphan_seat', 'queue_required',
    ]);
  });

  it.each([
    ['bad_request', 400], ['unauthorized', 401], ['forbidden', 403], ['not_found', 404], ['conflict', 409],
    ['seat_unavailable', 409], ['hold_not_found', 404], ['hold_expired', 410], ['limit_exceeded', 409],
    ['sales_closed', 409], ['rate_limited', 429], ['moved', 503], ['unavailable', 503], ['internal', 500],
    ['orphan_seat', 409], ['queue_required', 409],
  ] as const)('maps %s to HTTP %i', (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it('recognises codes and nothing else', () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const other of ['nope', '', 'toString', '__proto__', 400, null, undefined]) {
      expect(isErrorCode(other)).toBe(false);
    }
  });
});

describe('AisleError', () => {
  it('carries a code, a message and details', () => {
    const error = new AisleError('seat_unavailable', 'taken', { seats: ['a-1-1'] });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AisleError');
    expect(error.code).toBe('seat_unavailable');
    expect(error.message).toBe('taken');
    expect(error.details).toEqual({ seats: ['a-1-1'] });
  });

  it('has no details property when none are given, and keeps a cause', () => {
    const cause = new Error('low level');
    const error = new AisleError('unavailable', 'database down', undefined, { cause });
    expect('details' in error).toBe(false);
    expect(error.cause).toBe(cause);
  });
});
