// Holds of the selected event (who holds what, until when, extended how often) with a force release
// per hold; the owner is pushed `expired` by the server. Staff holds (house seats, comps) are listed with
// their note, never expire, and are made here too: seats (typed, or clicked on the map) and standing
// places (`area:count`) under a note saying why.
import type { HoldView } from '../../../protocol/staff-replies';
import { byId, h } from '../common/dom';
import type { PanelContext } from './panel';
import { eventPath, report, when } from './panel';


const STATUS = 'holds-result';

/** `floor:2, balcony:1` → {floor: 2, balcony: 1}; throws on a token that is not `area:count`. */
function parsePlaces(text: string): Record<string, number> {
  const areas: Record<string, number> = {};
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^(.+):(\d+)$/.exec(token);
    if (!match) throw new Error(`"${token}" is not area:count (e.g. floor:2)`);
    areas[match[1]] = (areas[match[1]] ?? 0) + Number(match[2]);
  }
  return areas;
}

/** The holds table (`#holds`) and the staff hold form (`#staff-hold-form`). */
export class HoldsPanel {
  private eventId: string | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly context: PanelContext) {
    byId('refresh-holds').addEventListener('click', () => void context.act(() => this.refresh()));
    byId<HTMLFormElement>('staff-hold-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void context.act(() => this.placeStaffHold());
    });
  }

  show(eventId: string): Promise<void> {
    this.eventId = eventId;
    report(STATUS, '');
    return this.refresh();
  }

  /** Reads the list again; refreshes run one after another. */
  refresh(): Promise<void> {
    const next = this.chain.then(() => this.load());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async placeStaffHold(): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const seatsInput = byId<HTMLInputElement>('staff-hold-seats');
    const placesInput = byId<HTMLInputElement>('staff-hold-places');
    const noteInput = byId<HTMLInputElement>('staff-hold-note');
    const seats = seatsInput.value.split(/[\s,]+/).filter(Boolean);
    let areas: Record<string, number>;
    try {
      areas = parsePlaces(placesInput.value);
    } catch (error) {
      report(STATUS, (error as Error).message);
      return;
    }
    if (seats.length === 0 && Object.keys(areas).length === 0) {
      report(STATUS, 'Name at least one seat or standing place.');
      return;
    }
    const hold = await this.context.api<HoldView>('POST', eventPath(eventId, '/staff-holds'), { seats, areas, note: noteInput.value });
    seatsInput.value = '';
    placesInput.value = '';
    noteInput.value = '';
    report(STATUS, `Staff hold ${hold.holdId} made: ${[...hold.seats, ...places(hold)].join(', ')} (${hold.note ?? ''}).`);
    await this.refresh();
  }

  private async load(): Promise<void> {
    const eventId = this.eventId;
    if (!eventId) return;
    const { holds } = await this.context.api<{ holds: HoldView[] }>('GET', eventPath(eventId, '/holds'));
    if (eventId !== this.eventId) return;
    byId('holds').replaceChildren(...holds.map((hold) => this.row(eventId, hold)));
    byId('holds-empty').hidden = holds.length > 0;
  }

  private row(eventId: string, hold: HoldView): HTMLElement {
    const what = [...hold.seats, ...places(hold)].join(', ');
    const release = h('button', { type: 'button', 'aria-label': `Release hold ${hold.holdId}` }, 'Release');
    release.hidden = hold.buying;
    release.addEventListener('click', () =>
      void this.context.act(async () => {
        const question = hold.staff ? `Release the staff hold ${hold.holdId} (${hold.note ?? ''})?` : `Release ${hold.userId}'s hold ${hold.holdId}?`;
        if (!confirm(`${question} Its seats go back on sale.`)) return;
        const path = hold.staff ? '/staff-holds/' : '/holds/';
        await this.context.api('DELETE', eventPath(eventId, `${path}${encodeURIComponent(hold.holdId)}`));
        report(STATUS, `Hold ${hold.holdId} of ${hold.userId} released.`);
        await this.refresh();
      }),
    );
    let expires: HTMLElement;
    if (hold.expiresAt === null) {
      expires = h('td', {}, 'never');
    } else {
      const minutes = Math.max(0, Math.round((hold.expiresAt - Date.now()) / 60_000));
      expires = h('td', { title: when(hold.expiresAt) }, hold.buying ? 'buying' : `${minutes} min`);
    }
    return h('tr', { 'data-hold-id': hold.holdId, 'data-staff': String(hold.staff) },
      h('td', {}, hold.staff ? `${hold.userId} (staff)` : hold.userId),
      h('td', {}, hold.staff ? `${what} · ${hold.note ?? ''}` : what),
      h('td', {}, when(hold.createdAt)),
      expires,
      h('td', {}, String(hold.extensions)),
      h('td', {}, release),
    );
  }
}

/** A hold's standing places as `2× floor`. */
function places(hold: HoldView): string[] {
  return Object.entries(hold.areas).map(([area, count]) => `${count}× ${area}`);
}
