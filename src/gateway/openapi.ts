// The OpenAPI 3.1 description of the HTTP API (served at GET /api/openapi.json), generated from the
// route table as registered and each route's entry in ROUTE_DOCS (TypeBox schemas of protocol/).
// Pure: the same routes and docs give the same document.
import { Kind } from '@sinclair/typebox';
import { ErrorReplySchema } from '../../protocol';
import type { OtherReply, RouteDoc } from './http-route-docs';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

/** One registered route: its method as uWS names it and its path pattern (`:name` parameters). */
export interface RouteEntry {
  method: 'get' | 'post' | 'patch' | 'del';
  pattern: string;
}

/** The key of a route in ROUTE_DOCS: `GET /api/events/:id`. */
export function routeKey(route: RouteEntry): string {
  return `${route.method === 'del' ? 'DELETE' : route.method.toUpperCase()} ${route.pattern}`;
}

/** The OpenAPI path of a pattern: `/api/events/:id` → `/api/events/{id}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:([A-Za-z][A-Za-z0-9_]*)/g, '{$1}');
}

const DESCRIPTION = [
  'JSON bodies and replies. Every failure is `{error: {code, message}}` with the HTTP status of its code',
  '(docs/protocol.md, "Error codes"). Callers identify with `Authorization: Bearer <JWT>`; routes of a role',
  'answer 401 without a valid token and 403 to a lower role. Every GET also answers HEAD. The WebSocket',
  'API is described by /api/asyncapi.json.',
].join(' ');

const ERROR_REPLY = {
  description: 'a failure: the status of its error code',
  content: { 'application/json': { schema: jsonSchemaOf(ErrorReplySchema, '2020-12') } },
};

function isOther(reply: RouteDoc['replies'][number]): reply is OtherReply {
  return !(Kind in reply);
}

function operation(route: RouteEntry, doc: RouteDoc | undefined): JsonSchema {
  const parameters: JsonSchema[] = [...route.pattern.matchAll(/:([A-Za-z][A-Za-z0-9_]*)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  for (const [name, description] of Object.entries(doc?.query ?? {})) {
    parameters.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, reply] of Object.entries(doc?.replies ?? { 200: { contentType: 'application/json', description: 'undocumented' } })) {
    responses[status] = isOther(reply)
      ? { description: reply.description, content: { [reply.contentType]: {} } }
      : { description: reply.description ?? `HTTP ${status}`, content: { 'application/json': { schema: jsonSchemaOf(reply, '2020-12') } } };
  }
  responses.default = ERROR_REPLY;
  const role = doc?.role ?? 'any';
  return {
    summary: doc?.summary ?? 'Undocumented route',
    description: `Who may call it: ${role}.`,
    // `any`: a token is optional (staff see more); other roles need one.
    security: role === 'any' ? [{}, { bearer: [] }] : [{ bearer: [] }],
    ...(parameters.length > 0 && { parameters }),
    ...(doc?.body && {
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(doc.body, '2020-12') } } },
    }),
    responses,
  };
}

/** The OpenAPI document of `routes`; `version` is the contract's version. */
export function openApiDocument(routes: readonly RouteEntry[], docs: Readonly<Record<string, RouteDoc>>, version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of [...routes].sort((a, b) => a.pattern.localeCompare(b.pattern))) {
    const path = (paths[openApiPath(route.pattern)] ??= {});
    path[route.method === 'del' ? 'delete' : route.method] = operation(route, docs[routeKey(route)]);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Aisle realtime seat reservation: HTTP API', version, description: DESCRIPTION },
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
