// The one error-code table shared by the server, the SDK and every backend (docs/protocol.md, "Error codes").

/** Every stable error code of the contract, in the contract's order. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'seat_unavailable',
  'hold_not_found',
  'hold_expired',
  'limit_exceeded',
  'sales_closed',
  'rate_limited',
  'moved',
  'unavailable',
  'internal',
  'orphan_seat',
  'queue_required',
] as const;

/** One of the contract's stable error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

// `limit_exceeded` is 409, not 422: the request is well formed, it only conflicts with what the user
// already holds or bought (the same request succeeds after a release), like seat_unavailable and
// sales_closed. `moved` is 503 because it is a retry-now condition, like `unavailable`.
const HTTP_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  seat_unavailable: 409,
  hold_not_found: 404,
  hold_expired: 410,
  limit_exceeded: 409,
  sales_closed: 409,
  rate_limited: 429,
  moved: 503,
  unavailable: 503,
  internal: 500,
  orphan_seat: 409,
  queue_required: 409,
} as const satisfies Record<ErrorCode, number>;

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

/** Whether `value` is one of the contract's error codes (e.g. when reading an `error` reply). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** The HTTP status an error code answers with. */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** Extra facts an error carries to the client, e.g. `seats`: the unknown or taken seat ids. */
export interface AisleErrorDetails {
  readonly seats?: readonly string[];
  readonly [key: string]: unknown;
}

/** The one error type for every expected failure: a stable `code`, a short message, optional details. */
export class AisleError extends Error {
  /** The contract's error code; clients branch on this, never on the message. */
  readonly code: ErrorCode;
  /** Facts to send along with the error, e.g. `{seats}` for seat_unavailable. */
  declare readonly details?: AisleErrorDetails;

  constructor(code: ErrorCode, message: string, details?: AisleErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AisleError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}
