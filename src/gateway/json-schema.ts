// TypeBox schemas as plain JSON Schema for the API descriptions (src/gateway/openapi.ts, asyncapi.ts):
// TypeBox's own keywords are dropped (its Symbol markers, the `*Message` error texts), its non-JSON
// kinds given their wire form, and tuples spelled for the dialect of the document.
import type { TSchema } from '@sinclair/typebox';
import { DATE_TIME_FORMAT } from '../../protocol';

/** A JSON Schema as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** `2020-12`: OpenAPI 3.1 (tuples as prefixItems); `draft-07`: AsyncAPI 3's default schema format. */
export type Dialect = '2020-12' | 'draft-07';

/** Keywords TypeBox or the protocol add for their own error texts: not JSON Schema. */
const DROPPED = new Set(['errorMessage', 'patternMessage', 'keyMessage', 'formatMessage']);

/** `schema` as plain JSON Schema of `dialect`. */
export function jsonSchemaOf(schema: TSchema, dialect: Dialect): JsonSchema {
  return convert(schema, dialect) as JsonSchema;
}

function convert(value: unknown, dialect: Dialect): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item, dialect));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  if (source.type === 'Uint8Array') {
    // Bytes travel as msgpack `bin` in binary frames and as text in JSON frames (the description says which).
    return { type: 'string', ...(source.description !== undefined && { description: source.description }) };
  }
  const out: Record<string, unknown> = {};
  // Object.keys leaves TypeBox's Symbol-keyed markers (Kind, OptionalKind) behind.
  for (const key of Object.keys(source)) {
    if (DROPPED.has(key)) continue;
    out[key] = key === 'const' || key === 'default' || key === 'examples' ? source[key] : convert(source[key], dialect);
  }
  if (out.format === DATE_TIME_FORMAT) out.format = 'date-time';
  if (dialect === '2020-12' && out.type === 'array' && Array.isArray(out.items)) {
    out.prefixItems = out.items;
    out.items = false;
    delete out.additionalItems;
  }
  return out;
}
