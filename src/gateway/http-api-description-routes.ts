// `GET /api/openapi.json` and `GET /api/asyncapi.json`: the API descriptions, generated once at start
// (src/gateway/openapi.ts, asyncapi.ts), public and cacheable, revalidated by ETag.
import { createHash } from 'node:crypto';
import { asyncApiDocument } from './asyncapi';
import { ifNoneMatchNames } from './entity-tags';
import type { Reply, Request } from './http';
import { ROUTE_DOCS } from './http-route-docs';
import type { Routes } from './http-routes';
import { openApiDocument, type RouteEntry } from './openapi';

/** The version of the contract the documents describe (docs/protocol.md: v1 and the v1.1 additions). */
export const API_VERSION = '1.1';

interface Served {
  body: string;
  etag: string;
}

function served(document: unknown): Served {
  const body = JSON.stringify(document);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

function reply(document: Served, request: Request): Reply {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300', etag: document.etag };
  if (ifNoneMatchNames(request.headers['if-none-match'], document.etag)) return { status: 304, headers };
  return { status: 200, body: document.body, headers };
}

/**
 * Registers the two routes; the OpenAPI document is built from `table` when `seal` is called, after
 * every other route is registered (so it lists them all, these two included).
 */
export function registerApiDescriptionRoutes({ get }: Routes, table: readonly RouteEntry[]): { seal(): void } {
  let openapi: Served | null = null;
  const asyncapi = served(asyncApiDocument(API_VERSION));
  get('/api/openapi.json', (request) => {
    if (!openapi) throw new Error('the OpenAPI document is built once every route is registered');
    return reply(openapi, request);
  });
  get('/api/asyncapi.json', (request) => reply(asyncapi, request));
  return {
    seal: () => {
      openapi = served(openApiDocument(table, ROUTE_DOCS, API_VERSION));
    },
  };
}
