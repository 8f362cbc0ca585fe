// The sentences a person reads for a failure: every code has one, and a request whose outcome the
// client does not know is never described as "nothing was changed".
import { describe, expect, it } from 'vitest';
import { AisleError, ERROR_CODES } from '../../../protocol/error-codes';
import { describeError, ERROR_MESSAGES } from './messages';

describe('describeError', () => {
  it('has a sentence for every error code, listing the seats the server named', () => {
    for (const code of ERROR_CODES) expect(ERROR_MESSAGES[code], code).toMatch(/\w/);
    expect(describeError(new AisleError('seat_unavailable', 'taken', { seats: ['A-1', 'A-2'] }))).toBe(
      `${ERROR_MESSAGES.seat_unavailable} (A-1, A-2)`,
    );
    expect(describeError(new Error('boom'))).toBe(ERROR_MESSAGES.internal);
  });

  it('does not say nothing was changed when the reply was lost after the request went out', () => {
    const fromServer = describeError(new AisleError('unavailable', 'database unavailable'));
    expect(fromServer).toMatch(/Nothing was changed/);
    const unknown = describeError(new AisleError('unavailable', 'no reply to buy within 30000 ms', { maybeApplied: true }));
    expect(unknown).not.toMatch(/Nothing was changed/);
    expect(unknown).toMatch(/may or may not have gone through/);
  });
});
