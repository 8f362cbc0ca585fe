// The map routes: `GET /api/events/:id/map` (revalidated by ETag, a minute in shared caches) and
// `GET /api/events/:id/map/v/:version` (the same bytes, cacheable for a year: the version names the
// layout and prices). `?form=compact` gives the compact form; br and gzip per Accept-Encoding.
import type { Reply, Request } from './http';
import { HttpError } from './http';
import type { Routes } from './http-routes';
import { eventIdParam } from './http-routes';
import type { MapForm } from './map-representations';

/** Registers the map routes. */
export function registerMapRoutes({ get, definitions }: Routes): void {
  const mapReply = async (request: Request, version: string | null): Promise<Reply> => {
    const map = await definitions.map(eventIdParam(request));
    if (version !== null && version !== map.version) {
      throw new HttpError('not_found', `map version ${version.slice(0, 64)} is not the current one: ask GET /api/events/:id for mapVersion`);
    }
    return map.reply(mapForm(request), {
      acceptEncoding: request.headers['accept-encoding'],
      ifNoneMatch: request.headers['if-none-match'],
      versioned: version !== null,
    });
  };
  get('/api/events/:id/map', (request) => mapReply(request, null));
  get('/api/events/:id/map/v/:version', (request) => mapReply(request, request.params[1]));
}

/** `?form=compact` asks for the compact map; no form (or `v1`) is the v1 JSON. */
function mapForm(request: Request): MapForm {
  const form = request.query.get('form');
  if (form === null || form === '' || form === 'v1') return 'v1';
  if (form === 'compact') return 'compact';
  throw new HttpError('bad_request', 'form must be v1 or compact');
}
