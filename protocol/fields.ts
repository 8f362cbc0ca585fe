// Field schemas shared by the WebSocket messages and the HTTP bodies.
import {
  FormatRegistry,
  Type,
  type ObjectOptions,
  type TInteger,
  type TNumber,
  type TRecord,
  type TSchema,
  type TString,
  type TUnion,
} from '@sinclair/typebox';
import {
  EVENT_ID_PATTERN,
  MAX_COUNT,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_RID_LENGTH,
} from './limits';

// Well-formed UTF-16 without control characters. Postgres text rejects NUL, node-postgres silently turns
// unpaired surrogates into U+FFFD (the stored id would no longer match), and controls corrupt logs.
// TypeBox builds patterns without the `u` flag, so surrogate pairs are spelled out.
const TEXT = '(?:[^\\u0000-\\u001f\\u007f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*';
const TEXT_PATTERN = `^${TEXT}$`;
// Ids end up as keys of maps and, sooner or later, of plain objects: refuse the names that alias
// Object.prototype there.
const ID_PATTERN = `^(?!(?:__proto__|constructor|prototype)$)${TEXT}$`;
const TEXT_MESSAGE = 'must not contain control characters or unpaired surrogates';
const ID_MESSAGE = `${TEXT_MESSAGE}, nor be __proto__, constructor or prototype`;

/** The `format` name of RFC 3339 date-time strings (namespaced: TypeBox's FormatRegistry is global). */
export const DATE_TIME_FORMAT = 'aisle-date-time';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 date-time with a real calendar date (no Feb 30) that Date.parse reads. */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59);
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetOk && Number.isFinite(Date.parse(text))
  );
}

if (!FormatRegistry.Has(DATE_TIME_FORMAT)) FormatRegistry.Set(DATE_TIME_FORMAT, isDateTime);

/** A request id: a string of at most MAX_RID_LENGTH characters or a finite number. */
export const RidSchema: TUnion<[TString, TNumber]> = Type.Union(
  [Type.String({ maxLength: MAX_RID_LENGTH }), Type.Number()],
  { errorMessage: `must be a string of at most ${MAX_RID_LENGTH} characters or a finite number` },
);

/** An event id (docs/protocol.md pattern). */
export const EventIdSchema: TString = Type.String({
  pattern: EVENT_ID_PATTERN,
  patternMessage: `must match ${EVENT_ID_PATTERN}`,
});

/** Builds an id schema (seat, area, hold, category, section) of 1..maxLength characters. */
export function idSchema(maxLength: number = MAX_ID_LENGTH): TString {
  return Type.String({ minLength: 1, maxLength, pattern: ID_PATTERN, patternMessage: ID_MESSAGE });
}

/** A seat, area, hold, category or section id of 1..MAX_ID_LENGTH characters. */
export const IdSchema: TString = idSchema();

/** Free text of 1..maxLength characters (names, labels, keys). */
export function textSchema(maxLength: number = MAX_NAME_LENGTH): TString {
  return Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN, patternMessage: TEXT_MESSAGE });
}

/** An integer in min..max. */
export function intSchema(minimum: number, maximum: number): TInteger {
  return Type.Integer({ minimum, maximum });
}

/** An object keyed by ids (1..MAX_ID_LENGTH characters, same rules as IdSchema) with `value` values. */
export function idRecordSchema<V extends TSchema>(value: V, options: ObjectOptions = {}): TRecord<TString, V> {
  // TypeBox turns a Record's key schema into a pattern and ignores its length bounds and, without
  // additionalProperties: false, lets keys that miss the pattern through unchecked.
  const key = Type.String({ pattern: `^(?=[\\s\\S]{1,${MAX_ID_LENGTH}}$)${ID_PATTERN.slice(1)}` });
  const keyMessage = `is not a valid id (1..${MAX_ID_LENGTH} characters, no control characters)`;
  return Type.Record(key, value, { ...options, additionalProperties: false, keyMessage });
}

/** A count of seats or places in one request: an integer 1..MAX_COUNT. */
export const CountSchema: TInteger = intSchema(1, MAX_COUNT);

/** An RFC 3339 date-time string, e.g. "2025-06-01T19:30:00Z". */
export const DateTimeSchema: TString = Type.String({
  maxLength: 64,
  format: DATE_TIME_FORMAT,
  formatMessage: 'must be an RFC 3339 date-time, e.g. 2025-06-01T19:30:00Z',
});
