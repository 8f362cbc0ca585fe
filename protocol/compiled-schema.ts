// A TypeBox schema compiled once at module load into a fast checker, a first-error describer and a
// "pick": a copy of a valid value that holds only the schema's own fields (extra fields never travel on).
import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { describeValueError } from './schema-errors';

/** A check the schema cannot express (duplicates, cross references); returns a message or undefined. */
export type Refinement<T> = (value: T) => string | undefined;

/** A schema ready to validate untrusted values. */
export interface CompiledSchema<T extends TSchema> {
  /** The schema this was compiled from. */
  readonly schema: T;
  /** Undefined when `value` is valid, else the first problem as "path: what is wrong". */
  problem(value: unknown): string | undefined;
  /** A copy of a valid value holding only the schema's fields. */
  pick(value: Static<T>): Static<T>;
}

type Picker = (value: never) => unknown;

// Builds the copier for one schema; undefined means "a primitive: keep the value as it is".
function pickerOf(schema: TSchema): Picker | undefined {
  switch (schema[Kind]) {
    case 'Object': {
      const keys = Object.keys(schema.properties as Record<string, TSchema>);
      const pickers = keys.map((key) => pickerOf(schema.properties[key]));
      return (value: Record<string, unknown>) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const field = value[keys[i]];
          if (field === undefined) continue;
          const pick = pickers[i];
          out[keys[i]] = pick === undefined ? field : pick(field as never);
        }
        return out;
      };
    }
    case 'Array': {
      const pick = pickerOf(schema.items as TSchema);
      return (value: unknown[]) => (pick === undefined ? value.slice() : value.map((item) => pick(item as never)));
    }
    case 'Record': {
      // Keys were validated against an id pattern that refuses __proto__, so plain assignment is safe.
      const pick = pickerOf(Object.values(schema.patternProperties as Record<string, TSchema>)[0]);
      return (value: Record<string, unknown>) => {
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(value)) out[key] = pick === undefined ? value[key] : pick(value[key] as never);
        return out;
      };
    }
    case 'Union':
      if ((schema.anyOf as TSchema[]).some((member) => pickerOf(member) !== undefined)) {
        throw new Error('compileSchema: unions of objects or arrays cannot be picked; dispatch to a variant');
      }
      return undefined;
    default:
      return undefined;
  }
}

interface Checker {
  check(value: unknown): boolean;
  firstError(value: unknown): ValueError | undefined;
}

// Code generation is refused under a Content-Security-Policy without 'unsafe-eval' (browsers): fall back
// to TypeBox's interpreter there, which gives the same answers more slowly.
function checkerOf(schema: TSchema): Checker {
  try {
    const compiled = TypeCompiler.Compile(schema);
    return { check: (value) => compiled.Check(value), firstError: (value) => compiled.Errors(value).First() };
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    return { check: (value) => Value.Check(schema, value), firstError: (value) => Value.Errors(schema, value).First() };
  }
}

/** Compiles `schema` (and an optional refinement run on values the schema accepts) once. */
export function compileSchema<T extends TSchema>(schema: T, refine?: Refinement<Static<T>>): CompiledSchema<T> {
  const checker = checkerOf(schema);
  const picker = pickerOf(schema);
  return {
    schema,
    problem(value: unknown): string | undefined {
      if (checker.check(value)) return refine?.(value as Static<T>);
      const error = checker.firstError(value);
      return error === undefined ? 'invalid value' : describeValueError(error);
    },
    pick(value: Static<T>): Static<T> {
      return (picker === undefined ? value : picker(value as never)) as Static<T>;
    },
  };
}

/** The first repeated string of `list` as "path[j]: duplicates path[i]", or undefined. */
export function duplicateProblem(list: readonly string[] | undefined, path: string): string | undefined {
  if (list === undefined || list.length < 2) return undefined;
  const seen = new Map<string, number>();
  for (let j = 0; j < list.length; j++) {
    const first = seen.get(list[j]);
    if (first !== undefined) return `${path}[${j}]: duplicates ${path}[${first}]`;
    seen.set(list[j], j);
  }
  return undefined;
}
