// The seat-map page (`/` and `/events/:id`): the event's map on a canvas, live from diffs through the SDK,
// with click-to-hold, best available, standing areas, a hold countdown with extend, and buy. Every change
// to the user's own seats is announced in a live region; the accessible seat list mirrors the canvas.
import { AisleClient } from '../../../protocol/sdk/aisle-client';
import type { Hold } from '../../../protocol/sdk/hold-book';
import { SeatCanvas } from '../common/seat-canvas';
import { STATUS_WORDS, seatName } from '../common/seat-words';
import { byId, clock, h, money } from '../common/dom';
import { describeError } from '../common/messages';
import { api, obtainToken, signIn, wsUrl } from '../common/session';
import type { MapBody } from '../common/venue-map';
import { VenueMap } from '../common/venue-map';
import { HoldPanel } from './hold-panel';
import { CATEGORY_COLOURS, STATUS_COLOURS, publicColours } from './palette';
import { SeatList } from './seat-list';

interface EventSummary {
  id: string;
  name: string;
  status: string;
}

interface EventInfo extends EventSummary {
  startsAt: string;
  seats: number;
}

/** The test and bench hook: seat states as the page knows them, and its drawing figures. */
interface PageHook {
  ready: boolean;
  seatStatus(id: string): string | null;
  /** Client coordinates of a seat on the canvas. */
  seatPoint(id: string): { x: number; y: number } | null;
  frameTimes(): number[];
  firstPaintAt(): number | null;
  diffsApplied(): number;
  /** Seat changes applied from diffs. */
  seatChangesApplied(): number;
}

declare global {
  interface Window {
    __aisle?: PageHook;
  }
}

const errorBox = byId('error');
const announcer = byId('announcer');

function showError(error: unknown): void {
  errorBox.textContent = describeError(error);
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

/** Says `text` in the live region (cleared first, so the same sentence twice is read twice). */
function announce(text: string): void {
  announcer.textContent = '';
  requestAnimationFrame(() => {
    announcer.textContent = text;
  });
}

/** The event of `/events/:id` at once; on `/`, the first event on sale. The list fills the nav meanwhile. */
async function chooseEvent(): Promise<string | null> {
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

async function main(): Promise<void> {
  const eventId = await chooseEvent();
  if (!eventId) {
    byId('event-name').textContent = 'No events yet';
    return;
  }
  const token = await obtainToken('customer');
  if (!token) byId('signin').hidden = false;
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn('customer', byId<HTMLInputElement>('signin-token').value);
  });

  // The map, the event and the live view load side by side: first paint waits for the slowest only.
  const live = AisleClient.connect({ url: wsUrl(), token }).then(async (client) => ({ client, view: await client.subscribe(eventId) }));
  const [body, info, { client, view }] = await Promise.all([
    api<MapBody>('GET', `/api/events/${encodeURIComponent(eventId)}/map`, null),
    api<EventInfo>('GET', `/api/events/${encodeURIComponent(eventId)}`, null),
    live,
  ]);
  document.title = `${info.name} · Aisle`;
  byId('event-name').textContent = info.name;
  byId('event-status').textContent = info.status.replace('_', ' ');
  const map = new VenueMap(body);
  const categoryById = new Map(body.categories.map((c) => [c.id, c]));
  const areaById = new Map(body.areas.map((a) => [a.id, a]));

  const connection = byId('connection');
  client.on('close', () => {
    connection.textContent = 'Reconnecting…';
    connection.dataset.state = 'reconnecting';
  });
  client.on('open', () => {
    connection.textContent = 'Live';
    connection.dataset.state = 'open';
  });
  connection.textContent = 'Live';
  connection.dataset.state = 'open';

  const mine = new Uint8Array(map.count);
  const canvas = new SeatCanvas(byId<HTMLCanvasElement>('map'), map, publicColours(map, () => view.status, mine));
  byId('map').setAttribute(
    'aria-label',
    `Seat map of ${map.count.toLocaleString()} seats. Arrow keys pan, plus and minus zoom. Use the seat list to choose seats by keyboard.`,
  );
  const priceOf = (index: number): number => categoryById.get(body.seats[index].category)?.price ?? 0;
  const seatList = new SeatList(byId('seat-list'), {
    map,
    status: () => view.status,
    isMine: (index) => mine[index] === 1,
    priceOf: (index) => money(priceOf(index)),
    categoryName: (index) => categoryById.get(body.seats[index].category)?.name ?? '',
    toggle: (index) => void toggle(index),
  });

  const panel = new HoldPanel({
    timeLeft: (holdId) => client.holds.timeLeft(holdId),
    seatLabel: (seatId) => {
      const index = map.indexOf(seatId);
      return index >= 0 ? seatName(map.seat(index)) : seatId;
    },
    priceOfSeat: (seatId) => {
      const index = map.indexOf(seatId);
      return index >= 0 ? priceOf(index) : 0;
    },
    priceOfArea: (areaId) => categoryById.get(areaById.get(areaId)?.category ?? '')?.price ?? 0,
    areaName: (areaId) => areaById.get(areaId)?.name ?? areaId,
    release: (seatId) => void run(() => release({ seats: [seatId] })),
    releaseArea: (areaId, count) => void run(() => release({ areas: { [areaId]: count } })),
  });

  /** Shows `hold` as the user's, marking its seats on the map and in the list. */
  const setHold = (hold: Hold | null): void => {
    const changed: number[] = [];
    const now = new Set((hold?.seats ?? []).map((id) => map.indexOf(id)).filter((i) => i >= 0));
    for (let i = 0; i < mine.length; i++) {
      const flag = now.has(i) ? 1 : 0;
      if (mine[i] !== flag) {
        mine[i] = flag;
        changed.push(i);
      }
    }
    canvas.invalidate(changed);
    seatList.refresh(changed);
    panel.show(hold);
  };

  /** Runs a user action, showing its failure as a message. */
  const run = async (action: () => Promise<void>): Promise<void> => {
    clearError();
    try {
      await action();
    } catch (error) {
      showError(error);
      announce(describeError(error));
    }
  };

  const heldAnnouncement = (hold: Hold): string =>
    `You hold ${hold.seats.length} seat${hold.seats.length === 1 ? '' : 's'}` +
    (Object.keys(hold.areas).length > 0 ? ' and standing places' : '') +
    `, for ${clock(client.holds.timeLeft(hold.holdId))}.`;

  const hold = async (request: (holdId: string | undefined) => Promise<Hold>): Promise<void> => {
    const current = panel.current?.holdId;
    let result: Hold;
    try {
      result = await request(current);
    } catch (error) {
      // The hold expired meanwhile: start a new one rather than fail.
      if (current && (error as { code?: string }).code === 'hold_not_found') result = await request(undefined);
      else throw error;
    }
    setHold(result);
    announce(heldAnnouncement(result));
  };

  const release = async (what: { seats?: string[]; areas?: Record<string, number> }): Promise<void> => {
    const current = panel.current;
    if (!current) return;
    const released = await client.release(eventId, current.holdId, what);
    setHold(client.holds.get(current.holdId) ?? null);
    const names = released.seats.map((id) => seatName(map.seat(map.indexOf(id))));
    announce(`Released ${names.length > 0 ? names.join('; ') : 'standing places'}.`);
  };

  const toggle = (index: number): Promise<void> =>
    run(async () => {
      const seat = map.seat(index);
      if (mine[index] === 1) return release({ seats: [seat.id] });
      if (view.status[index] !== 0) {
        announce(`${seatName(seat)} is ${STATUS_WORDS[view.status[index]]}.`);
        return;
      }
      await hold((holdId) => client.hold(eventId, [seat.id], { holdId }));
    });

  canvas.onSeatClick = (index) => {
    seatList.reveal(index);
    void toggle(index);
  };
  const tooltip = byId('tooltip');
  canvas.onSeatHover = (index, x, y) => {
    tooltip.hidden = index < 0;
    if (index < 0) return;
    const seat = map.seat(index);
    tooltip.textContent = `${seatName(seat)} · ${money(priceOf(index))} · ${mine[index] ? 'yours' : STATUS_WORDS[view.status[index]]}`;
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
  };
  byId('zoom-in').addEventListener('click', () => canvas.zoomBy(1.5));
  byId('zoom-out').addEventListener('click', () => canvas.zoomBy(1 / 1.5));
  byId('zoom-fit').addEventListener('click', () => canvas.fit());

  // Legend. Colours go through the CSSOM: the CSP refuses style attributes.
  const swatch = (colour: string): HTMLElement => {
    const element = h('span', { class: 'swatch' });
    element.style.background = colour;
    return element;
  };
  byId('legend').replaceChildren(
    ...body.categories.map((c, i) => h('li', {}, swatch(CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]), `${c.name} ${money(c.price)}`)),
    ...Object.entries({ yours: STATUS_COLOURS.mine, held: STATUS_COLOURS.held, sold: STATUS_COLOURS.sold, 'not on sale': STATUS_COLOURS.blocked }).map(
      ([name, colour]) => h('li', {}, swatch(colour), name),
    ),
  );

  // Best available
  const bestCategory = byId<HTMLSelectElement>('best-category');
  bestCategory.append(...body.categories.map((c) => h('option', { value: c.id }, `${c.name} (${money(c.price)})`)));
  byId<HTMLFormElement>('best-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const count = Number(byId<HTMLInputElement>('best-count').value);
    const category = bestCategory.value || undefined;
    const accessible = byId<HTMLInputElement>('best-accessible').checked || undefined;
    void run(() => hold((holdId) => client.holdBest(eventId, { count, category, accessible }, { holdId })));
  });

  // Standing areas
  const areaList = byId('areas');
  const areaCounts = new Map<string, HTMLElement>();
  areaList.replaceChildren(
    ...body.areas.map((area) => {
      const available = h('span', { 'data-area-available': area.id }, String(view.areas[area.id] ?? 0));
      areaCounts.set(area.id, available);
      const count = h('input', { type: 'number', min: 1, max: 10, value: 1, 'aria-label': `Places in ${area.name}` });
      const button = h('button', { type: 'button' }, 'Hold');
      button.addEventListener('click', () => void run(() => hold((holdId) => client.holdArea(eventId, area.id, Number(count.value), { holdId }))));
      const price = money(categoryById.get(area.category)?.price ?? 0);
      return h('li', { class: 'area' }, h('span', { class: 'area-name' }, `${area.name} · ${price}`), ' ', available, ' left ', count, button);
    }),
  );
  byId('areas-section').hidden = body.areas.length === 0;

  // Hold actions
  byId('extend').addEventListener('click', () =>
    void run(async () => {
      const current = panel.current;
      if (!current) return;
      const extended = await client.extend(eventId, current.holdId);
      setHold(extended);
      announce(`Hold extended: ${clock(client.holds.timeLeft(extended.holdId))} left.`);
    }),
  );
  byId('release-all').addEventListener('click', () => void run(() => release({})));
  const orderBox = byId('order');
  byId('buy').addEventListener('click', () =>
    void run(async () => {
      const current = panel.current;
      if (!current) return;
      const button = byId<HTMLButtonElement>('buy');
      button.disabled = true;
      try {
        const order = await client.buy(eventId, current.holdId);
        setHold(null);
        const places = Object.values(order.areas).reduce((n, c) => n + c, 0);
        const what = `${order.seats.length} seat${order.seats.length === 1 ? '' : 's'}${places > 0 ? ` and ${places} standing` : ''}`;
        orderBox.textContent = `Order ${order.orderId} confirmed: ${what}, total ${money(order.total)}.`;
        orderBox.dataset.orderId = order.orderId;
        orderBox.hidden = false;
        announce(orderBox.textContent);
      } finally {
        button.disabled = false;
      }
    }),
  );

  client.on('expiring', ({ msLeft }) => announce(`Your hold expires in ${clock(msLeft)}. Extend it or buy now.`));
  client.on('expired', ({ holdId }) => {
    if (panel.current?.holdId !== holdId) return;
    setHold(null);
    errorBox.textContent = 'Your hold expired and the seats were released. Please choose again.';
    errorBox.hidden = false;
    announce(errorBox.textContent);
  });

  let seatChanges = 0;
  view.on('change', (change) => {
    seatChanges += change.indexes.length;
    canvas.invalidate(change.full ? undefined : change.indexes);
    seatList.refresh(change.full ? undefined : change.indexes);
    for (const areaId of change.areas) {
      const element = areaCounts.get(areaId);
      if (element) element.textContent = String(view.areas[areaId] ?? 0);
    }
  });

  window.__aisle = {
    ready: true,
    seatStatus: (id) => {
      const index = map.indexOf(id);
      if (index < 0) return null;
      return mine[index] ? 'mine' : STATUS_WORDS[view.status[index]];
    },
    seatPoint: (id) => {
      const index = map.indexOf(id);
      return index < 0 ? null : canvas.clientPoint(index);
    },
    frameTimes: () => [...canvas.frameTimes],
    firstPaintAt: () => canvas.firstPaintAt,
    diffsApplied: () => view.diffsApplied,
    seatChangesApplied: () => seatChanges,
  };
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  showError(error);
  byId('connection').textContent = 'Offline';
});
