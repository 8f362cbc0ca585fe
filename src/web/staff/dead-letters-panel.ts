// Webhook deliveries that failed for good, newest first, with "Send again" per letter and for all.
import { byId, h } from '../common/dom';
import type { PanelContext } from './panel';
import { report, when } from './panel';

interface DeadLetterRow {
  id: string;
  eventId: string;
  type: string;
  createdAt: string;
  deadAt: string;
  lastError: string | null;
}

const STATUS = 'dead-result';

/** The dead letters table (`#dead-letters`), across events. */
export class DeadLettersPanel {
  constructor(private readonly context: PanelContext) {
    byId('refresh-dead').addEventListener('click', () => void context.act(() => this.refresh()));
    byId('resend-all').addEventListener('click', () =>
      void context.act(async () => {
        const result = await context.api<{ requeued: string[] }>('POST', '/api/webhooks/dead/resend', {});
        report(STATUS, `${result.requeued.length} deliver${result.requeued.length === 1 ? 'y' : 'ies'} queued again.`);
        await this.refresh();
      }),
    );
  }

  async refresh(): Promise<void> {
    const { deadLetters } = await this.context.api<{ deadLetters: DeadLetterRow[] }>('GET', '/api/webhooks/dead?limit=50');
    byId('dead-letters').replaceChildren(...deadLetters.map((letter) => this.row(letter)));
    byId('dead-empty').hidden = deadLetters.length > 0;
    byId('resend-all').hidden = deadLetters.length === 0;
  }

  private row(letter: DeadLetterRow): HTMLElement {
    const resend = h('button', { type: 'button', 'aria-label': `Send ${letter.id} again` }, 'Send again');
    resend.addEventListener('click', () =>
      void this.context.act(async () => {
        await this.context.api('POST', `/api/webhooks/dead/${encodeURIComponent(letter.id)}/resend`, {});
        report(STATUS, `Delivery ${letter.id} (${letter.type}) queued again.`);
        await this.refresh();
      }),
    );
    return h('tr', { 'data-dead-id': letter.id },
      h('td', {}, letter.id),
      h('td', {}, letter.eventId),
      h('td', {}, letter.type),
      h('td', {}, when(letter.deadAt)),
      h('td', { class: 'details' }, letter.lastError ?? ''),
      h('td', {}, resend),
    );
  }
}
