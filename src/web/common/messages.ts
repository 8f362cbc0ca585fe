// What each protocol error code means to a person at a seat map or a staff desk.
import type { ErrorCode } from '../../../protocol/error-codes';
import { AisleError } from '../../../protocol/error-codes';

const MESSAGES: Record<ErrorCode, string> = {
  bad_request: 'That request was not understood. Please reload the page and try again.',
  unauthorized: 'Please sign in to hold or buy seats.',
  forbidden: 'Your account is not allowed to do that.',
  not_found: 'That seat, area or event does not exist.',
  conflict: 'That conflicts with something that already happened (it may have been done already).',
  seat_unavailable: 'Sorry, someone else just took that. Please pick other seats.',
  hold_not_found: 'Your hold is no longer there: it expired or was released.',
  hold_expired: 'Your hold expired before checkout. Please choose your seats again.',
  limit_exceeded: 'You have reached the limit for this event (seats per person, or extensions).',
  sales_closed: 'Sales for this event are closed right now.',
  rate_limited: 'Too many requests at once. Please wait a moment.',
  moved: 'The event moved to another server. Please try again.',
  unavailable: 'We could not reach the ticketing service. Nothing was changed; please try again.',
  internal: 'Something went wrong on our side. Please try again.',
  queue_required: 'This sale has a waiting room: please join it first.',
  orphan_seat:
    'That would leave a single empty seat that nobody could buy. Please include it, or leave at least two seats free beside your pick.',
};

/**
 * The client lost the reply to something it had sent (the connection dropped, or no answer in time): it
 * may have happened. Buying the same hold again asks with the same key, so it cannot buy twice.
 */
const OUTCOME_UNKNOWN =
  'We lost contact with the ticketing service before it answered, so it may or may not have gone through. Please try again: a purchase you repeat cannot be charged twice, and if it went through you will see your order.';

/** A sentence for a failure; seat ids named by the server are listed. */
export function describeError(error: unknown): string {
  if (error instanceof AisleError) {
    if (error.details?.maybeApplied === true) return OUTCOME_UNKNOWN;
    const seats = error.details?.seats;
    const text = MESSAGES[error.code] ?? MESSAGES.internal;
    return seats && seats.length > 0 ? `${text} (${seats.join(', ')})` : text;
  }
  return MESSAGES.internal;
}

/** Every code's sentence (tests check that none is missing). */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode, string>> = MESSAGES;
