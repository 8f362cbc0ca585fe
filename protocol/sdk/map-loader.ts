// Loads an event's map the cheap way: the compact form from the versioned URL (cacheable for a year by
// the browser and any CDN: the version changes when the layout or a price does), expanded to the v1 seat
// list. The event's `mapVersion` comes from `GET /api/events/:id`; without one the unversioned URL is
// used (revalidated by ETag). `loadCompactMap` keeps the runs, for SeatLayout (protocol/map-layout.ts)
// to lay out in typed arrays without an object per seat. Compression is the HTTP client's business
// (browsers and Node's fetch decode br and gzip).
import { expandCompactMap } from '../map-body';
import type { CompactMapBody, MapBody } from '../map-body';
import { fetchFromServer, httpError } from './reply-errors';

/** How to load a map. */
export interface MapLoadOptions {
  /** The server's origin, e.g. `https://tickets.example` ('' in a page: same origin). */
  baseUrl?: string;
  /** From `GET /api/events/:id`, if already known. */
  mapVersion?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** The element id of a page's `<link rel="preload">` of its event's compact map (the server's pages carry one). */
export const MAP_PRELOAD_ID = 'aisle-map';

/** The URL of an event's compact map. */
export function compactMapUrl(eventId: string, mapVersion?: string, baseUrl = ''): string {
  const id = encodeURIComponent(eventId);
  return mapVersion ? `${baseUrl}/api/events/${id}/map/v/${encodeURIComponent(mapVersion)}?form=compact` : `${baseUrl}/api/events/${id}/map?form=compact`;
}

/** Fetches the event's compact map as sent (runs, not seats); errors as AisleError with the server's code. */
export async function loadCompactMap(eventId: string, options: MapLoadOptions = {}): Promise<CompactMapBody> {
  const doFetch = options.fetch ?? fetch;
  const response = await fetchFromServer(doFetch, compactMapUrl(eventId, options.mapVersion, options.baseUrl ?? ''));
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || body === null || typeof body !== 'object' || !('form' in body)) throw httpError(response.status, body, 'map');
  return body as CompactMapBody;
}

/** Fetches the event's compact map and expands it to the v1 seat list (one object per seat). */
export async function loadMap(eventId: string, options: MapLoadOptions = {}): Promise<MapBody> {
  return expandCompactMap(await loadCompactMap(eventId, options));
}
