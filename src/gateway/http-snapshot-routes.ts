// `GET /api/events/:id/snapshot`: an event's live availability over HTTP, the very snapshot a `subscribe`
// gets (without `rid`): packed (2-bit statuses, raw DEFLATE) in MessagePack unless asked otherwise. The
// seat-map page preloads it beside the map and draws its first frame from it while its socket is still
// opening; the subscription's snapshot takes over (the same state, unless a diff came in between). The
// bytes are the WebSocket's shared frames (snapshot-frames.ts): one encoding per published state,
// however many ask. A second in shared caches: at an on-sale a CDN can answer the crowd.
import type { Encoding, SnapshotPacking } from '../../protocol';
import { ifNoneMatchNames } from './entity-tags';
import type { Request } from './http';
import { HttpError } from './http';
import type { Routes } from './http-routes';
import { eventIdParam, unwrap } from './http-routes';
import type { SnapshotFrames } from './snapshot-frames';

/** Shared caches may keep a snapshot this long (the live view corrects it within the diff interval). */
const CACHE = 'public, max-age=1';
const CONTENT_TYPE: Record<Encoding, string> = { msgpack: 'application/msgpack', json: 'application/json; charset=utf-8' };

/** Registers the snapshot route; `frames` are shared with the WebSocket's subscribers. */
export function registerSnapshotRoutes({ get, deps }: Routes, frames: SnapshotFrames): void {
  get('/api/events/:id/snapshot', async (request) => {
    const eventId = eventIdParam(request);
    const packing = packingParam(request);
    const encoding = formatParam(request);
    const view = unwrap(await deps.service.snapshot(eventId));
    // Read synchronously, before the state can move on (as for a subscribe).
    const etag = `"${view.epoch}.${view.seq}-${packing}"`;
    const headers = { etag, 'cache-control': CACHE, 'content-type': CONTENT_TYPE[encoding] };
    if (ifNoneMatchNames(request.headers['if-none-match'], etag)) return { status: 304, headers };
    return { status: 200, body: frames.frame(eventId, view, encoding, packing), headers };
  });
}

/** `?packing=bytes` for one byte per seat; default (and `packed`) the packed form. */
function packingParam(request: Request): SnapshotPacking {
  const packing = request.query.get('packing');
  if (packing === null || packing === '' || packing === 'packed') return 'packed';
  if (packing === 'bytes') return 'bytes';
  throw new HttpError('bad_request', 'packing must be packed or bytes');
}

/** `?format=json` for JSON (a packed status is then base64); default MessagePack. */
function formatParam(request: Request): Encoding {
  const format = request.query.get('format');
  if (format === null || format === '' || format === 'msgpack') return 'msgpack';
  if (format === 'json') return 'json';
  throw new HttpError('bad_request', 'format must be msgpack or json');
}
