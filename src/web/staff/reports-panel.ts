// The selected event's sales summary per category and the orders CSV as a download. The CSV route
// needs the staff token in a header, so the page fetches it and saves the bytes under the server's name.
import { byId, h, money } from '../common/dom';
import { AisleError } from '../../../protocol/error-codes';
import type { SalesSummary } from '../../../protocol/staff-replies';
import type { PanelContext } from './panel';
import { eventPath, report } from './panel';

const STATUS = 'reports-result';

/** The summary table (`#summary`) and the CSV button. */
export class ReportsPanel {
  private eventId: string | null = null;

  constructor(private readonly context: PanelContext) {
    byId('refresh-summary').addEventListener('click', () => void context.act(() => this.refresh()));
    byId('download-csv').addEventListener('click', () => void context.act(() => this.download()));
  }

  show(eventId: string): Promise<void> {
    this.eventId = eventId;
    report(STATUS, '');
    return this.refresh();
  }

  async refresh(): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const summary = await this.context.api<SalesSummary>('GET', eventPath(eventId, '/summary'));
    if (eventId !== this.eventId) return;
    byId('summary-totals').textContent =
      `${summary.orders} orders (${summary.cancelledOrders} cancelled), ${summary.tickets} tickets, revenue ${money(summary.revenue)}`;
    byId('summary').replaceChildren(
      ...summary.categories.map((c) =>
        h('tr', { 'data-category': c.category },
          h('td', {}, c.name),
          h('td', {}, money(c.price)),
          h('td', {}, String(c.sold)),
          h('td', {}, String(c.cancelled)),
          h('td', {}, money(c.revenue)),
        ),
      ),
    );
  }

  private async download(): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const response = await fetch(eventPath(eventId, '/orders.csv'), { headers: { authorization: `Bearer ${this.context.token}` } });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new AisleError(response.status === 403 ? 'forbidden' : 'internal', body?.error?.message ?? response.statusText);
    }
    const blob = await response.blob();
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: `${eventId}-orders.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    report(STATUS, `Downloaded ${eventId}-orders.csv (${blob.size.toLocaleString()} bytes).`);
  }
}
