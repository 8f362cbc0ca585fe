// The seat-map page (`/` and `/events/:id`): the event's map on a canvas, live from diffs through the SDK,
// with click-to-hold, best available, standing areas, a hold countdown with extend, a price tier per seat
// and place where a category offers tiers, and buy. Every change
// to the user's own seats is announced in a live region; the accessible seat list mirrors the canvas.
// After a reload the user's live holds are found again (`holds`), and "My tickets" lists what they bought.
import type { Hold } from '../../../protocol/sdk/hold-book';
import { SeatCanvas } from '../common/seat-canvas';
import { STATUS_WORDS, seatName } from '../common/seat-words';
import { byId, clock, grouped, h, money } from '../common/dom';
import { describeError } from '../common/messages';
import { obtainToken, signIn } from '../common/session';
import { MARKS } from '../common/marks';
import { VenuePainter } from '../common/venue-painter';
import { HoldPanel } from './hold-panel';
import { MyTickets } from './my-tickets';
import { explainRefusal } from './refusals';
import { CATEGORY_COLOURS, publicColours } from './palette';
import { chooseEvent } from './choose-event';
import { SeatList } from './seat-list';
import { TierPicker } from './tier-picker';
import { WaitingRoomScreen } from './waiting-room';
import { loadSeatMap } from './load-seat-map';

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

function showError(error: unknown, text = describeError(error)): void {
  errorBox.textContent = text;
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

async function main(): Promise<void> {
  performance.mark(MARKS.script);
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

  // The map, the event and the live view load side by side (load-seat-map.ts).
  const room = new WaitingRoomScreen({ eventId, announce });
  const { body, map, client, view, described } = await loadSeatMap(eventId, token, room, (error) => showError(error));
  const categoryById = new Map(body.categories.map((c) => [c.id, c]));
  const areaById = new Map(body.areas.map((a) => [a.id, a]));

  const mine = new Uint8Array(map.count);
  const canvas = new SeatCanvas(byId<HTMLCanvasElement>('map'), map, publicColours(map, () => view.status, mine));
  const categoryIndex = new Map(body.categories.map((c, i) => [c.id, i]));
  const painter = new VenuePainter(map, {
    areaAvailable: (areaId) => view.areas[areaId],
    areaColour: (area) => CATEGORY_COLOURS[(categoryIndex.get(area.category) ?? 0) % CATEGORY_COLOURS.length],
  });
  canvas.decorations = painter;
  byId('map').setAttribute(
    'aria-label',
    `Seat map of ${grouped(map.count)} seats. Arrow keys pan, plus and minus zoom. Use the seat list to choose seats by keyboard.`,
  );
  const priceOf = (index: number): number => body.categories[map.category[index]]?.price ?? 0;
  // The keyboard seat list and the standing areas' counts are filled once the map is on screen.
  let seatList: SeatList | null = null;
  const areaCounts = new Map<string, HTMLElement>();
  let seatChanges = 0;
  view.on('change', (change) => {
    seatChanges += change.indexes.length;
    canvas.invalidate(change.full ? undefined : change.indexes);
    seatList?.refresh(change.full ? undefined : change.indexes);
    // Standing areas show their places left on the map: redraw it when they change.
    if (change.areas.length > 0 && !change.full) canvas.invalidate();
    for (const areaId of change.areas) {
      const element = areaCounts.get(areaId);
      if (element) element.textContent = String(view.areas[areaId] ?? 0);
    }
  });

  const info = await described;
  const tiers = new TierPicker(map, { feePerTicket: info.feePerTicket ?? 0, currency: info.currency ?? null }, () => panel.showTotal());
  const panel = new HoldPanel({
    timeLeft: (holdId) => client.holds.timeLeft(holdId),
    seatLabel: (seatId) => {
      const index = map.indexOf(seatId);
      return index >= 0 ? seatName(map.seat(index)) : seatId;
    },
    tiers,
    areaName: (areaId) => areaById.get(areaId)?.name ?? areaId,
    release: (seatId) => void run(() => release({ seats: [seatId] }), true),
    releaseArea: (areaId, count) => void run(() => release({ areas: { [areaId]: count } }), true),
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
    seatList?.refresh(changed);
    panel.show(hold);
  };

  /** Runs a user action, showing its failure as a message (a refusal by the venue's rules in its own words). */
  const run = async (action: () => Promise<void>, releasing = false): Promise<void> => {
    clearError();
    try {
      await action();
    } catch (error) {
      // The admission ran out, or the line was switched on meanwhile: back to the line.
      if ((error as { code?: string }).code === 'queue_required') return void room.enter(client);
      const text = explainRefusal(error, map, releasing) ?? describeError(error);
      showError(error, text);
      announce(text);
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

  const toggle = async (index: number): Promise<void> => {
    if (mine[index] === 1) return run(() => release({ seats: [map.seat(index).id] }), true);
    return run(async () => {
      const seat = map.seat(index);
      if (view.status[index] !== 0) {
        announce(`${seatName(seat)} is ${STATUS_WORDS[view.status[index]]}.`);
        return;
      }
      await hold((holdId) => client.hold(eventId, [seat.id], { holdId }));
    });
  };

  canvas.onSeatClick = (index) => {
    seatList?.reveal(index);
    void toggle(index);
  };
  const tooltip = byId('tooltip');
  canvas.onSeatHover = (index, x, y) => {
    tooltip.hidden = index < 0;
    if (index < 0) return;
    const seat = map.seat(index);
    const access = seat.accessible ? ' · wheelchair place' : map.companion[index] ? ' · companion seat' : '';
    tooltip.textContent = `${seatName(seat)}${access} · ${money(priceOf(index))} · ${mine[index] ? 'yours' : STATUS_WORDS[view.status[index]]}`;
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
  };
  canvas.onEmptyHover = (x, y, clientX, clientY) => {
    const area = painter.areaAt(x, y);
    tooltip.hidden = area === null;
    if (!area) return;
    const price = money(categoryById.get(area.category)?.price ?? 0);
    tooltip.textContent = `${area.name} · ${price} · ${grouped(view.areas[area.id] ?? 0)} places left`;
    tooltip.style.left = `${clientX + 12}px`;
    tooltip.style.top = `${clientY + 12}px`;
  };
  byId('zoom-in').addEventListener('click', () => canvas.zoomBy(1.5));
  byId('zoom-out').addEventListener('click', () => canvas.zoomBy(1 / 1.5));
  byId('zoom-fit').addEventListener('click', () => canvas.fit());

  // First paint before the side panel: the map with live availability is what people wait for. A tab
  // in the background draws no frames, so this waits a moment at most.
  await Promise.race([canvas.painted, new Promise((resolve) => setTimeout(resolve, 250))]);
  seatList = new SeatList(byId('seat-list'), {
    map,
    status: () => view.status,
    isMine: (index) => mine[index] === 1,
    priceOf: (index) => money(priceOf(index)),
    categoryName: (index) => body.categories[map.category[index]]?.name ?? '',
    toggle: (index) => void toggle(index),
  });

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
        const order = await client.buy(eventId, current.holdId, { tiers: tiers.choice(current) });
        tiers.clear();
        setHold(null);
        room.bought();
        const places = Object.values(order.areas).reduce((n, c) => n + c, 0);
        const what = `${order.seats.length} seat${order.seats.length === 1 ? '' : 's'}${places > 0 ? ` and ${places} standing` : ''}`;
        orderBox.textContent = `Order ${order.orderId} confirmed: ${what}, total ${money(order.total)}.`;
        orderBox.dataset.orderId = order.orderId;
        orderBox.hidden = false;
        announce(orderBox.textContent);
        void tickets.refresh();
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

  const tickets = new MyTickets({
    eventId,
    token,
    seatLabel: (seatId) => {
      const index = map.indexOf(seatId);
      return index >= 0 ? seatName(map.seat(index)) : seatId;
    },
    areaName: (areaId) => areaById.get(areaId)?.name ?? areaId,
  });
  void tickets.refresh();

  // A reload, a new tab or a reconnect: the user's live holds are found again and shown as theirs.
  const findMine = async (): Promise<void> => {
    if (!token || panel.current) return;
    const found = await client.findHolds(eventId);
    const latest = found.sort((a, b) => b.expiresAt - a.expiresAt)[0];
    if (!latest || panel.current) return;
    setHold(latest);
    announce(`Welcome back. ${heldAnnouncement(latest)}`);
  };
  await findMine().catch((error: unknown) => showError(error));
  client.on('open', () => void findMine().catch(() => undefined));

  // Ready (for tests and the bench) once the view is live: the first frame may come from the preloaded
  // snapshot, before the subscription's own.
  await view.whenCurrent();
  performance.mark(MARKS.live);
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
