// The small constructors of `Outcome`s the actor and its parts answer with.
import type { Failure, Outcome } from './event-service';

/** A success. */
export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** A failure with a protocol code, a message and (optionally) the seats concerned. */
export const fail = <T>(code: Failure['code'], message: string, seats?: string[]): Outcome<T> => ({
  ok: false,
  error: seats ? { code, message, seats } : { code, message },
});

/** A refusal that fits any Outcome. */
export type Refused = { ok: false; error: Failure };

/** Wraps a failure as a refusal. */
export const refused = (error: Failure): Refused => ({ ok: false, error });
