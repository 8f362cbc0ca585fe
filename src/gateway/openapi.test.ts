// The OpenAPI generator on its own: paths, parameters, bodies and replies from the route table and
// ROUTE_DOCS; a route without an entry still listed; TypeBox's own keywords never in the output.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from './http-route-docs';
import { jsonSchemaOf } from './json-schema';
import { openApiDocument, openApiPath, routeKey, type RouteEntry } from './openapi';

/** The table ROUTE_DOCS describes, as the HTTP API would register it. */
const TABLE: RouteEntry[] = Object.keys(ROUTE_DOCS).map((key) => {
  const [method, pattern] = key.split(' ');
  return { method: method === 'DELETE' ? 'del' : (method.toLowerCase() as RouteEntry['method']), pattern };
});

describe('openApiDocument', () => {
  const document = openApiDocument(TABLE, ROUTE_DOCS, '1.1') as Record<string, any>;

  it('gives each route its path, method, parameters, body and replies', () => {
    expect(TABLE.map(routeKey)).toEqual(Object.keys(ROUTE_DOCS));
    expect(openApiPath('/api/events/:id/holds/:holdId')).toBe('/api/events/{id}/holds/{holdId}');
    const release = document.paths['/api/events/{id}/holds/{holdId}'].delete;
    expect(release.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:id', 'path:holdId']);
    expect(release.security).toEqual([{ bearer: [] }]);
    const create = document.paths['/api/events'].post;
    expect(create.requestBody.content['application/json'].schema.required).toContain('categories');
    expect(Object.keys(create.responses)).toEqual(['201', 'default']);
    expect(create.responses.default.content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);
    expect(document.paths['/api/events'].get.security).toEqual([{}, { bearer: [] }]);
    expect(document.paths['/metrics'].get.responses['200'].content).toEqual({ 'text/plain': {} });
  });

  it('lists a route that has no entry, as undocumented', () => {
    const more = openApiDocument([...TABLE, { method: 'post', pattern: '/api/things/:thing' }], ROUTE_DOCS, '1.1') as Record<string, any>;
    const op = more.paths['/api/things/{thing}'].post;
    expect(op.summary).toBe('Undocumented route');
    expect(op.parameters[0]).toMatchObject({ name: 'thing', in: 'path', required: true });
  });

  it('writes plain JSON Schema: tuples per dialect, RFC 3339 formats, no TypeBox error texts or kinds', () => {
    const tuple = Type.Tuple([Type.Integer(), Type.String()]);
    expect(jsonSchemaOf(tuple, '2020-12')).toMatchObject({ prefixItems: [{ type: 'integer' }, { type: 'string' }], items: false });
    expect(jsonSchemaOf(tuple, 'draft-07')).toMatchObject({ items: [{ type: 'integer' }, { type: 'string' }], additionalItems: false });
    expect(jsonSchemaOf(Type.Uint8Array({ description: 'bytes' }), 'draft-07')).toEqual({ type: 'string', description: 'bytes' });
    const text = JSON.stringify(document);
    expect(text).toContain('"format":"date-time"');
    expect(text).not.toMatch(/"(errorMessage|patternMessage|keyMessage|formatMessage)"|"Uint8Array"|aisle-date-time/);
  });
});
