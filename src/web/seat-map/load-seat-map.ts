// How the seat-map page gets what its first paint needs, side by side: the event's details, the map
// (preloaded by `/events/:id`, laid out in typed arrays as soon as it is in) and the live view (after
// the waiting room when the event has one). First paint waits for the slowest only. Without a waiting
// room the page also preloads the live snapshot over HTTP and draws from it, so first paint does not
// wait for the socket to open (the renderer's one thread is busy laying out the map meanwhile, and the
// socket's open and handshake wait for it); the subscription takes over from that snapshot.
import { AisleClient } from '../../../protocol/sdk/aisle-client';
import type { LiveView } from '../../../protocol/sdk/live-view';
import type { CompactMapBody } from '../../../protocol/map-body';
import { MAP_PRELOAD_ID } from '../../../protocol/sdk/map-loader';
import { SNAPSHOT_PRELOAD_ID, loadSnapshot } from '../../../protocol/sdk/snapshot-loader';
import { byId } from '../common/dom';
import { fetchMapBody } from '../common/map-source';
import { MARKS } from '../common/marks';
import { api, wsUrl } from '../common/session';
import { VenueMap } from '../common/venue-map';
import type { EventInfo } from './choose-event';
import { legendItems } from './legend';
import type { WaitingRoomScreen } from './waiting-room';

/** What the page draws first, and the event's details (which may come later). */
export interface LoadedSeatMap {
  body: CompactMapBody;
  map: VenueMap;
  client: AisleClient;
  view: LiveView;
  described: Promise<EventInfo>;
}

/** Shows whether the client is connected (also while the user waits in line). */
function showConnection(client: AisleClient): AisleClient {
  const connection = byId('connection');
  const show = (state: 'open' | 'reconnecting' | 'connecting'): void => {
    connection.textContent = state === 'open' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
    connection.dataset.state = state;
  };
  client.on('close', () => show('reconnecting'));
  client.on('open', () => show('open'));
  show(client.state === 'open' ? 'open' : 'connecting');
  return client;
}

/** What `/events/:id` says of its event in the page: the preloaded map's version, whether the event has a waiting room, and whether its snapshot is preloaded. */
function pageHints(): { mapVersion?: string; queue?: string; snapshot: boolean } {
  const link = document.getElementById(MAP_PRELOAD_ID);
  const match = /\/map\/v\/([^/?]+)/.exec(link?.getAttribute('href') ?? '');
  return { mapVersion: match ? decodeURIComponent(match[1]) : undefined, queue: link?.dataset.queue, snapshot: document.getElementById(SNAPSHOT_PRELOAD_ID) !== null };
}

/**
 * The live view drawn first from the preloaded snapshot, the socket opening meanwhile (its failures,
 * and a refused subscription, are `onError`'s). Without that snapshot it waits for the subscription's.
 */
function seededView(eventId: string, token: string | null, onError: (error: unknown) => void): Promise<{ client: AisleClient; view: LiveView }> {
  const client = showConnection(new AisleClient({ url: wsUrl(), token }));
  client.on('error', onError);
  void client.once('open').then(() => performance.mark(MARKS.socket));
  return loadSnapshot(eventId)
    .then(
      (seed) => {
        performance.mark(MARKS.snapshot);
        return client.subscribe(eventId, { seed });
      },
      () => client.subscribe(eventId),
    )
    .then((view) => ({ client, view }));
}

/** Loads the event's map and live view for `token`'s user; with the event's waiting room on, the user waits in `room` first. */
export async function loadSeatMap(eventId: string, token: string | null, room: WaitingRoomScreen, onError: (error: unknown) => void): Promise<LoadedSeatMap> {
  const hints = pageHints();
  const connected = hints.snapshot ? null : AisleClient.connect({ url: wsUrl(), token }).then((client) => {
    performance.mark(MARKS.socket);
    return showConnection(client);
  });
  const described = api<EventInfo>('GET', `/api/events/${encodeURIComponent(eventId)}`, null).then((info) => {
    performance.mark(MARKS.info);
    document.title = `${info.name} · Aisle`;
    byId('event-name').textContent = info.name;
    byId('event-status').textContent = info.status.replace('_', ' ');
    return info;
  });
  // The page says when the event has no waiting room: then the subscription goes out as soon as the
  // socket is open, without waiting for the event's details. (A line switched on since is found by the
  // first hold, refused `queue_required`, which sends the user to it.) With the room on, the user waits
  // in line first, with no live view (no diffs) until admitted.
  const live = connected === null ? seededView(eventId, token, onError) : connected.then(async (client) => {
    if (hints.queue !== 'off') {
      const info = await described;
      if (info.queue?.mode === 'on') await room.enter(client, info.queue.openAt);
    }
    const view = await client.subscribe(eventId);
    performance.mark(MARKS.snapshot);
    return { client, view };
  });
  // The map of the version the page was served with (preloaded meanwhile); else, or when that version
  // is gone (the layout was edited since), the one the event's details name. It is parsed and laid out
  // at once, while the socket opens and authenticates: waiting for the socket first, or yielding to it
  // between parse and layout, made first paint later (render-profile, 12 loads each, 2026-12-05:
  // median 805 and 773 ms against 759 ms; bench/results/first-paint-variants.md).
  const afterInfo = (): Promise<CompactMapBody> => described.then((info) => fetchMapBody(eventId, info.mapVersion, null));
  const preloaded = hints.mapVersion;
  const mapped = (preloaded === undefined ? afterInfo() : fetchMapBody(eventId, preloaded, null).catch(afterInfo)).then((body) => {
    performance.mark(MARKS.map);
    // The legend goes in before the canvas takes its size: filled later, it could wrap the toolbar,
    // shrink the canvas and make the first frame a wasted one.
    byId('legend').replaceChildren(...legendItems(body.categories));
    const map = new VenueMap(body);
    performance.mark(MARKS.layout);
    return { body, map };
  });
  const [{ body, map }, { client, view }] = await Promise.all([mapped, live]);
  return { body, map, client, view, described };
}
