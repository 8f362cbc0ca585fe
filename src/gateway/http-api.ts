// The HTTP API of docs/protocol.md: events, staff controls, orders, health, metrics and the dev token.
// The routes live by resource in http-event-routes.ts, http-order-routes.ts and http-ops-routes.ts;
// this module wires them with the shared error logging, caller check and definition cache, and keeps
// the table of what it registered for the OpenAPI document (http-api-description-routes.ts).
import { hasRole } from './auth';
import type { Identity, Role } from './auth';
import { DefinitionCache } from './definition-cache';
import type { Handler, Request } from './http';
import { HttpError, route } from './http';
import { registerApiDescriptionRoutes } from './http-api-description-routes';
import { registerDeadLetterRoutes } from './http-dead-letter-routes';
import { registerEventRoutes } from './http-event-routes';
import { registerMapRoutes } from './http-map-routes';
import { registerOpsRoutes } from './http-ops-routes';
import { registerOrderRoutes } from './http-order-routes';
import { registerSnapshotRoutes } from './http-snapshot-routes';
import { registerTicketRoutes } from './http-ticket-routes';
import type { HttpApiDeps, Routes } from './http-routes';
import { registerStaffRoutes } from './http-staff-routes';
import type { RouteEntry } from './openapi';
import { auditRecorder } from './staff-audit';
import { SnapshotFrames } from './snapshot-frames';

export type { HttpApiDeps, JobsView, Readiness, StaffView } from './http-routes';

/** Registers every HTTP route on the app. */
export function registerHttpApi(deps: HttpApiDeps): void {
  const { app, auth, log } = deps;
  const onError = (error: unknown, request: Request): void => {
    deps.metrics.errors.inc({ context: 'http' });
    log.error({ err: error, requestId: request.id, method: request.method, url: request.url, eventId: eventIdOf(request.url) }, 'http request failed');
  };
  const caller = async (request: Request, needed: Role): Promise<Identity | null> => {
    const header = request.headers.authorization;
    const identity = header?.startsWith('Bearer ') ? await auth.verify(header.slice(7)) : null;
    if (needed === 'guest') return identity;
    if (!identity) throw new HttpError('unauthorized', 'a valid bearer token is required');
    if (!hasRole(identity.role, needed)) throw new HttpError('forbidden', `${needed} role required`);
    return identity;
  };
  // The route table as registered: what the OpenAPI document lists.
  const table: RouteEntry[] = [];
  const routes: Routes = {
    deps,
    get: (pattern: string, handler: Handler): void => {
      table.push({ method: 'get', pattern });
      route(app, 'get', pattern, handler, onError);
    },
    post: (pattern: string, handler: Handler, maxBody?: number, needed?: Role): void => {
      table.push({ method: 'post', pattern });
      route(app, 'post', pattern, handler, onError, maxBody, needed && ((request) => caller(request, needed)));
    },
    patch: (pattern: string, handler: Handler, maxBody?: number, needed?: Role): void => {
      table.push({ method: 'patch', pattern });
      route(app, 'patch', pattern, handler, onError, maxBody, needed && ((request) => caller(request, needed)));
    },
    del: (pattern: string, handler: Handler): void => {
      table.push({ method: 'del', pattern });
      route(app, 'del', pattern, handler, onError);
    },
    audit: auditRecorder(deps.staff?.audit, log),
    caller,
    definitions: deps.definitions ?? new DefinitionCache(deps.store),
  };

  const descriptions = registerApiDescriptionRoutes(routes, table);
  registerOpsRoutes(routes);
  registerEventRoutes(routes);
  registerMapRoutes(routes);
  registerSnapshotRoutes(routes, deps.snapshots ?? new SnapshotFrames());
  registerOrderRoutes(routes);
  registerStaffRoutes(routes);
  registerDeadLetterRoutes(routes);
  registerTicketRoutes(routes);
  descriptions.seal();

  app.any('/*', (res) => {
    res.cork(() => {
      res.writeStatus('404 Not Found').writeHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
    });
  });
}

/** The event a URL names (`/api/events/:id…`), for log lines. */
function eventIdOf(url: string): string | undefined {
  return /^\/api\/events\/([^/]+)/.exec(url)?.[1];
}
