// Where the pages get the map from: the SDK's compact, versioned map (runs of seats, laid out in typed
// arrays by VenueMap), or (with `?map=v1` in the page's URL, for the render bench's baseline and for
// comparison) the v1 JSON with one object per seat, compacted here so the page draws it the same way.
import { loadCompactMap } from '../../../protocol/sdk/map-loader';
import { compactMap } from '../../../protocol/map-body';
import type { CompactMapBody, MapBody } from '../../../protocol/map-body';
import { api } from './session';

/** The event's map as the page draws it. */
export async function fetchMapBody(eventId: string, mapVersion: string | undefined, token: string | null): Promise<CompactMapBody> {
  if (new URLSearchParams(location.search).get('map') === 'v1') {
    return compactMap(await api<MapBody>('GET', `/api/events/${encodeURIComponent(eventId)}/map`, token));
  }
  return loadCompactMap(eventId, { mapVersion });
}
