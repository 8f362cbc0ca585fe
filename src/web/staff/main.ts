// The staff dashboard (`/staff`, staff token): every event with live counts, revenue, sales per minute and
// viewers from `watch`; for the selected event a sales chart, a live heatmap of the map (click seats to
// select them), and the controls of the HTTP API: pause or resume sales, block or unblock seats, cancel
// an order. The management panels (edit, holds, reports, audit, dead letters) are in management.ts.
import { AisleError } from '../../../protocol/error-codes';
import { AisleClient } from '../../../protocol/sdk/aisle-client';
import type { LiveView } from '../../../protocol/sdk/live-view';
import type { SalesStats, StatsMessage } from '../../../protocol/server-messages';
import { SeatCanvas } from '../common/seat-canvas';
import { byId, h, money } from '../common/dom';
import { describeError } from '../common/messages';
import { api, obtainToken, signIn, wsUrl } from '../common/session';
import type { MapBody } from '../common/venue-map';
import { VenueMap } from '../common/venue-map';
import { Management } from './management';
import { panelContext } from './panel';
import { SalesChart } from './sales-chart';

interface EventSummary {
  id: string;
  name: string;
  status: string;
  startsAt: string;
}

interface OrderRow {
  orderId: string;
  userId: string;
  seats: string[];
  areas: Record<string, number>;
  total: number;
  status: string;
  createdAt: string;
}

/** Heatmap colours by status (available, held, sold, blocked), then "selected". */
const HEAT_COLOURS = ['#81c995', '#fbbc04', '#d93025', '#5f6368', '#1a73e8'];
const STAT_LABELS: Array<[keyof SalesStats, string]> = [
  ['available', 'Available'],
  ['held', 'Held'],
  ['staffHeld', 'Staff holds'],
  ['sold', 'Sold'],
  ['blocked', 'Blocked'],
  ['revenue', 'Revenue'],
  ['seatsSoldLastMinute', 'Seats sold / min'],
  ['ordersLastMinute', 'Orders / min'],
  ['revenueLastMinute', 'Revenue / min'],
  ['viewers', 'Viewers online'],
];

const errorBox = byId('error');

/** The line under an event card's title: id, status, start. */
function cardHint(event: { id: string; status: string; startsAt: string }): string {
  return `${event.id} · ${event.status.replace('_', ' ')} · ${new Date(event.startsAt).toLocaleString()}`;
}

function showError(error: unknown): void {
  errorBox.textContent = describeError(error);
  errorBox.hidden = false;
}

/** The dashboard's state: one client, the cards, and the selected event's detail. */
class Dashboard {
  private readonly cards = new Map<string, HTMLElement>();
  private readonly chart = new SalesChart(byId<HTMLCanvasElement>('sales-chart'));
  private selected: string | null = null;
  private view: LiveView | null = null;
  private stopView: (() => void) | null = null;
  private salesOpen = true;
  private ordersAfter: string | null = null;
  private readonly picked = new Set<string>();
  private lastSold: number | null = null;
  private readonly latest = new Map<string, StatsMessage>();
  private ordersChain: Promise<void> = Promise.resolve();
  private readonly management: Management;

  constructor(
    private readonly client: AisleClient,
    private readonly token: string,
  ) {
    this.management = new Management(panelContext(token, (action) => this.act(action)), (eventId, saved) => {
      if (eventId === this.selected) byId('detail-h').textContent = saved.name;
      const card = this.cards.get(eventId);
      const title = card?.querySelector('h3 button');
      if (title) title.textContent = saved.name;
      const hint = card?.querySelector('.hint');
      if (hint) hint.textContent = cardHint({ id: eventId, ...saved });
    });
    client.on('stats', (stats) => this.onStats(stats));
    byId('toggle-sales').addEventListener('click', () => void this.act(() => this.toggleSales()));
    byId('block').addEventListener('click', () => void this.act(() => this.block(true)));
    byId('unblock').addEventListener('click', () => void this.act(() => this.block(false)));
    byId('more-orders').addEventListener('click', () => void this.act(() => this.loadOrders(false)));
  }

  async start(): Promise<void> {
    const events = await api<EventSummary[]>('GET', '/api/events', this.token);
    byId('events').replaceChildren(...events.map((event) => this.card(event)));
    await Promise.all(events.map((event) => this.client.watch(event.id).catch((error: unknown) => showError(error))));
    if (events.length > 0) await this.select(events[0].id);
  }

  private card(event: EventSummary): HTMLElement {
    const list = h('dl', {});
    for (const [key, label] of STAT_LABELS) list.append(h('dt', {}, label), h('dd', { 'data-stat': key }, '–'));
    list.append(h('dt', {}, 'Checked in'), h('dd', { 'data-stat': 'checkedIn' }, '–'));
    const open = h('button', { type: 'button', class: 'link' }, event.name);
    const card = h('article', { class: 'card event-card', 'data-event-id': event.id, 'aria-current': 'false' },
      h('h3', {}, open),
      h('p', { class: 'hint' }, cardHint(event)),
      list,
    );
    open.addEventListener('click', () => void this.act(() => this.select(event.id)));
    this.cards.set(event.id, card);
    return card;
  }

  private onStats(stats: StatsMessage): void {
    this.latest.set(stats.eventId, stats);
    this.management.onStats(stats);
    const card = this.cards.get(stats.eventId);
    if (card) {
      for (const [key] of STAT_LABELS) {
        const cell = card.querySelector<HTMLElement>(`[data-stat="${key}"]`);
        if (cell) cell.textContent = key === 'revenue' || key === 'revenueLastMinute' ? money(stats[key]) : stats[key].toLocaleString();
      }
      const checkedIn = card.querySelector<HTMLElement>('[data-stat="checkedIn"]');
      if (checkedIn && stats.checkedIn !== undefined) checkedIn.textContent = stats.checkedIn.toLocaleString();
    }
    if (stats.eventId !== this.selected) return;
    this.chart.add(stats.seatsSoldLastMinute, stats.ordersLastMinute);
    // New sales or cancellations: show the orders as they are now.
    const changed = this.lastSold !== null && stats.sold !== this.lastSold;
    this.lastSold = stats.sold;
    if (changed) void this.act(() => this.loadOrders(true));
  }

  private async select(eventId: string): Promise<void> {
    if (this.selected === eventId) return;
    this.selected = eventId;
    for (const [id, card] of this.cards) card.setAttribute('aria-current', String(id === eventId));
    this.chart.reset();
    // Orders are loaded below; a sale counted after this point makes them reload.
    this.lastSold = this.latest.get(eventId)?.sold ?? null;
    this.picked.clear();
    byId<HTMLTextAreaElement>('block-seats').value = '';
    byId<HTMLInputElement>('staff-hold-seats').value = '';
    if (this.view) {
      this.stopView?.();
      await this.client.unsubscribe(this.view.eventId).catch(() => undefined);
    }
    const [info, body] = await Promise.all([
      api<{ name: string; status: string }>('GET', `/api/events/${encodeURIComponent(eventId)}`, this.token),
      api<MapBody>('GET', `/api/events/${encodeURIComponent(eventId)}/map`, this.token),
    ]);
    byId('detail-h').textContent = info.name;
    byId('detail').hidden = false;
    this.showSales(info.status !== 'paused');
    const map = VenueMap.fromBody(body);
    const view = await this.client.subscribe(eventId);
    this.view = view;
    const selectedSlot = HEAT_COLOURS.length - 1;
    const picked = new Uint8Array(map.count);
    const heatmap = new SeatCanvas(byId<HTMLCanvasElement>('heatmap'), map, {
      colours: HEAT_COLOURS,
      slotOf: (i) => (picked[i] ? selectedSlot : view.status[i]),
    });
    heatmap.onSeatClick = (index) => {
      const id = map.seat(index).id;
      picked[index] = picked[index] ? 0 : 1;
      if (picked[index]) this.picked.add(id);
      else this.picked.delete(id);
      byId<HTMLTextAreaElement>('block-seats').value = [...this.picked].join(' ');
      byId<HTMLInputElement>('staff-hold-seats').value = [...this.picked].join(' ');
      heatmap.invalidate([index]);
    };
    const summarize = (): void => {
      const c = view.counts();
      byId('heatmap').setAttribute('aria-label', `Seats: ${c.available} available, ${c.held} held, ${c.sold} sold, ${c.blocked} blocked`);
    };
    this.stopView = view.on('change', (change) => {
      heatmap.invalidate(change.full ? undefined : change.indexes);
      summarize();
    });
    summarize();
    await Promise.all([this.loadOrders(true), this.management.show(eventId, this.latest.get(eventId))]);
  }

  private showSales(open: boolean): void {
    this.salesOpen = open;
    byId('sales-state').textContent = open ? 'open' : 'paused';
    byId('toggle-sales').textContent = open ? 'Pause sales' : 'Resume sales';
  }

  private async toggleSales(): Promise<void> {
    if (!this.selected) return;
    await api('POST', `/api/events/${encodeURIComponent(this.selected)}/sales`, this.token, { open: !this.salesOpen });
    this.showSales(!this.salesOpen);
    byId('control-result').textContent = this.salesOpen ? 'Sales resumed.' : 'Sales paused.';
  }

  private async block(blocked: boolean): Promise<void> {
    if (!this.selected) return;
    const seats = byId<HTMLTextAreaElement>('block-seats').value.split(/[\s,]+/).filter(Boolean);
    if (seats.length === 0) {
      byId('control-result').textContent = 'Name at least one seat.';
      return;
    }
    await api('POST', `/api/events/${encodeURIComponent(this.selected)}/block`, this.token, { seats, blocked });
    byId('control-result').textContent = `${seats.length} seat${seats.length === 1 ? '' : 's'} ${blocked ? 'blocked' : 'unblocked'}.`;
  }

  /** Loads orders one page at a time, in order: two refreshes never interleave their rows. */
  private loadOrders(fresh: boolean): Promise<void> {
    const next = this.ordersChain.then(() => this.fetchOrders(fresh));
    this.ordersChain = next.catch(() => undefined);
    return next;
  }

  private async fetchOrders(fresh: boolean): Promise<void> {
    if (!this.selected) return;
    if (fresh) {
      this.ordersAfter = null;
      byId('orders').replaceChildren();
    }
    const query = this.ordersAfter ? `?after=${encodeURIComponent(this.ordersAfter)}` : '';
    const page = await api<{ orders: OrderRow[]; next: string | null }>(
      'GET',
      `/api/events/${encodeURIComponent(this.selected)}/orders${query}`,
      this.token,
    );
    this.ordersAfter = page.next;
    byId('more-orders').hidden = page.next === null;
    byId('orders').append(...page.orders.map((order) => this.orderRow(order)));
  }

  private orderRow(order: OrderRow): HTMLElement {
    const places = Object.entries(order.areas).map(([area, count]) => `${count}× ${area}`);
    const status = h('td', {}, order.status);
    const cancel = h('button', { type: 'button', 'aria-label': `Cancel order ${order.orderId}` }, 'Cancel');
    cancel.hidden = order.status === 'cancelled';
    cancel.addEventListener('click', () =>
      void this.act(async () => {
        if (!confirm(`Cancel order ${order.orderId}? Its seats go back on sale.`)) return;
        await api('POST', `/api/orders/${encodeURIComponent(order.orderId)}/cancel`, this.token);
        status.textContent = 'cancelled';
        cancel.hidden = true;
        byId('control-result').textContent = `Order ${order.orderId} cancelled.`;
      }),
    );
    return h('tr', { 'data-order-id': order.orderId },
      h('td', {}, order.orderId),
      h('td', {}, order.userId),
      h('td', {}, [...order.seats, ...places].join(', ')),
      h('td', {}, money(order.total)),
      status,
      h('td', {}, cancel),
    );
  }

  private async act(action: () => Promise<void>): Promise<void> {
    errorBox.hidden = true;
    try {
      await action();
    } catch (error) {
      showError(error);
    }
  }
}

async function main(): Promise<void> {
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn('staff', byId<HTMLInputElement>('signin-token').value);
  });
  const token = await obtainToken('staff');
  if (!token) {
    byId('signin').hidden = false;
    byId('connection').textContent = 'Signed out';
    return;
  }
  const connection = byId('connection');
  const client = await AisleClient.connect({ url: wsUrl(), token });
  if (client.user?.role === 'customer') {
    client.close();
    byId('signin').hidden = false;
    showError(new AisleError('forbidden', 'staff only'));
    return;
  }
  const setState = (text: string, state: string): void => {
    connection.textContent = text;
    connection.dataset.state = state;
  };
  client.on('close', () => setState('Reconnecting…', 'reconnecting'));
  client.on('open', () => setState('Live', 'open'));
  setState('Live', 'open');
  await new Dashboard(client, token).start();
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => showError(error));
