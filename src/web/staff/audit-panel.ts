// The audit trail of the selected event, newest first, a page at a time ("Older entries").
import { byId, h } from '../common/dom';
import type { PanelContext } from './panel';
import { eventPath, when } from './panel';

interface AuditRow {
  id: string;
  at: string;
  actor: { userId: string; role: string };
  action: string;
  eventId: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

const PAGE = 20;

/** The audit table (`#audit`). */
export class AuditPanel {
  private eventId: string | null = null;
  private next: string | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly context: PanelContext) {
    byId('refresh-audit').addEventListener('click', () => void context.act(() => this.refresh()));
    byId('older-audit').addEventListener('click', () => void context.act(() => this.page(false)));
  }

  show(eventId: string): Promise<void> {
    this.eventId = eventId;
    return this.refresh();
  }

  /** Shows the newest page again. */
  refresh(): Promise<void> {
    return this.page(true);
  }

  private page(fresh: boolean): Promise<void> {
    const next = this.chain.then(() => this.load(fresh));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async load(fresh: boolean): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (!fresh && this.next) query.set('before', this.next);
    const page = await this.context.api<{ entries: AuditRow[]; next: string | null }>('GET', eventPath(eventId, `/audit?${query}`));
    if (eventId !== this.eventId) return;
    if (fresh) byId('audit').replaceChildren();
    this.next = page.next;
    byId('older-audit').hidden = page.next === null;
    byId('audit').append(
      ...page.entries.map((entry) =>
        h('tr', { 'data-audit-id': entry.id, 'data-action': entry.action },
          h('td', {}, when(entry.at)),
          h('td', {}, `${entry.actor.userId} (${entry.actor.role})`),
          h('td', {}, entry.action),
          h('td', {}, entry.target ?? ''),
          h('td', { class: 'details' }, Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : ''),
        ),
      ),
    );
  }
}
