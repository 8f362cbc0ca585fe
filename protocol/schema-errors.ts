// Short, path-naming messages for schema violations ("seats[2]: must be at most 128 characters").
// Formatting is local: TypeBox's SetErrorFunction is process-global and other modules may rely on it.
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { MAX_ECHO_LENGTH } from './limits';

/** `text` cut to MAX_ECHO_LENGTH characters and JSON-quoted, safe to echo in an error message. */
export function quote(text: string): string {
  if (text.length <= MAX_ECHO_LENGTH) return JSON.stringify(text);
  let cut = text.slice(0, MAX_ECHO_LENGTH);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1); // do not split a surrogate pair
  return JSON.stringify(`${cut}…`);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const INDEX = /^(?:0|[1-9]\d*)$/;

/** Converts a JSON pointer (`/sections/0/rows`) to a field path (`sections[0].rows`). */
export function fieldPath(pointer: string): string {
  if (pointer === '') return '';
  let path = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (INDEX.test(segment)) path += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= MAX_ECHO_LENGTH) {
      path += path === '' ? segment : `.${segment}`;
    } else path += `[${quote(segment)}]`;
  }
  return path;
}

/** Prefixes `message` with a field path, when there is one. */
export function atPath(path: string, message: string): string {
  return path === '' ? message : `${path}: ${message}`;
}

function items(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

function describe(error: ValueError): string {
  const s = error.schema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'required';
    case ValueErrorType.String:
      return 'expected a string';
    case ValueErrorType.StringMinLength:
      return s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return s.patternMessage ?? `must match ${s.pattern}`;
    case ValueErrorType.StringFormat:
      return s.formatMessage ?? `must be a ${s.format}`;
    case ValueErrorType.Number:
      return 'expected a finite number';
    case ValueErrorType.Integer:
      return 'expected an integer';
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${s.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${s.maximum}`;
    case ValueErrorType.Boolean:
      return 'expected true or false';
    case ValueErrorType.Literal:
      return `expected ${JSON.stringify(s.const)}`;
    case ValueErrorType.Array:
      return 'expected an array';
    case ValueErrorType.ArrayMinItems:
      return s.minItems === 1 ? 'must not be empty' : `must have at least ${items(s.minItems)}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${items(s.maxItems)}`;
    case ValueErrorType.Object:
      return 'expected an object';
    case ValueErrorType.ObjectMinProperties:
      return s.minProperties === 1 ? 'must not be empty' : `must have at least ${s.minProperties} entries`;
    case ValueErrorType.ObjectMaxProperties:
      return `must have at most ${s.maxProperties} entries`;
    case ValueErrorType.ObjectAdditionalProperties:
      return s.keyMessage ?? 'unexpected property';
    case ValueErrorType.Never:
    case ValueErrorType.Union:
      return s.errorMessage ?? (error.type === ValueErrorType.Never ? 'not allowed' : 'no alternative matches');
    default:
      return error.message;
  }
}

/** The message for one schema violation: its field path and what is wrong, e.g. `best.count: required`. */
export function describeValueError(error: ValueError): string {
  return atPath(fieldPath(error.path), describe(error));
}
