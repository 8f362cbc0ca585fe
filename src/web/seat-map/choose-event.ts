// Which event the seat-map page shows: `/events/:id` names it; on `/`, the first event on sale. The list of
// events fills the page's navigation meanwhile.
import { byId, h } from '../common/dom';
import { api } from '../common/session';

export interface EventSummary {
  id: string;
  name: string;
  status: string;
}

export interface EventInfo extends EventSummary {
  startsAt: string;
  seats: number;
  /** Names the map's layout version: its compact form is then fetched from a URL cacheable for a year. */
  mapVersion?: string;
  /** Added to every ticket's price, and the currency prices are in (for the total shown before buying). */
  feePerTicket?: number;
  currency?: string | null;
  /** Whether the event has a waiting room (then the page joins its line before the seat map). */
  queue?: { mode: 'off' | 'on'; openAt: string | null };
}

/** The event of `/events/:id` at once; on `/`, the first event on sale. The list fills the nav meanwhile. */
export async function chooseEvent(): Promise<string | null> {
  const listed = api<EventSummary[]>('GET', '/api/events', null).then((events) => {
    byId('event-nav').replaceChildren(
      ...events.slice(0, 20).map((e) => h('a', { href: `/events/${encodeURIComponent(e.id)}` }, e.name)),
    );
    return events;
  });
  const match = /^\/events\/([^/]+)$/.exec(location.pathname);
  if (match) {
    listed.catch(() => undefined); // the nav is a nicety; the page works without it
    return decodeURIComponent(match[1]);
  }
  const events = await listed;
  return (events.find((e) => e.status === 'on_sale') ?? events[0])?.id ?? null;
}
