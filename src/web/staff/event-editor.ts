// Editing an event from the dashboard (admin): name, start, sales window, hold TTL and per-user limit,
// sent as one PATCH with only the fields that changed. Live viewers get the change as a diff.
import { byId } from '../common/dom';
import type { PanelContext } from './panel';
import { eventPath, fromLocalInput, report, toLocalInput } from './panel';

/** The editable fields as GET /api/events/:id answers them. */
export interface EditableEvent {
  name: string;
  /** As GET and PATCH answer it (not edited here). */
  status: string;
  startsAt: string;
  salesOpenAt: string | null;
  salesCloseAt: string | null;
  holdTtlSeconds: number;
  maxSeatsPerUser: number;
}

const STATUS = 'edit-result';

/** The edit form (`#edit-form`) for the selected event. */
export class EventEditor {
  private eventId: string | null = null;
  private shown: EditableEvent | null = null;

  constructor(private readonly context: PanelContext, private readonly onSaved: (event: EditableEvent) => void) {
    byId<HTMLFormElement>('edit-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void context.act(() => this.save());
    });
  }

  /** Fills the form with `event`'s current values. */
  show(eventId: string, event: EditableEvent): void {
    this.eventId = eventId;
    this.shown = event;
    input('edit-name').value = event.name;
    input('edit-starts').value = toLocalInput(event.startsAt);
    input('edit-open').value = toLocalInput(event.salesOpenAt);
    input('edit-close').value = toLocalInput(event.salesCloseAt);
    input('edit-ttl').value = String(event.holdTtlSeconds);
    input('edit-limit').value = String(event.maxSeatsPerUser);
    report(STATUS, '');
  }

  private async save(): Promise<void> {
    if (!this.eventId || !this.shown) return;
    const was = this.shown;
    const now: EditableEvent = {
      name: input('edit-name').value.trim(),
      status: was.status,
      startsAt: fromLocalInput(input('edit-starts').value) ?? was.startsAt,
      salesOpenAt: fromLocalInput(input('edit-open').value),
      salesCloseAt: fromLocalInput(input('edit-close').value),
      holdTtlSeconds: Number(input('edit-ttl').value),
      maxSeatsPerUser: Number(input('edit-limit').value),
    };
    const patch: Partial<EditableEvent> = {};
    if (now.name !== was.name) patch.name = now.name;
    // Inputs have minute precision: a time is changed only when its minute is.
    if (toLocalInput(now.startsAt) !== toLocalInput(was.startsAt)) patch.startsAt = now.startsAt;
    if (toLocalInput(now.salesOpenAt) !== toLocalInput(was.salesOpenAt)) patch.salesOpenAt = now.salesOpenAt;
    if (toLocalInput(now.salesCloseAt) !== toLocalInput(was.salesCloseAt)) patch.salesCloseAt = now.salesCloseAt;
    if (now.holdTtlSeconds !== was.holdTtlSeconds) patch.holdTtlSeconds = now.holdTtlSeconds;
    if (now.maxSeatsPerUser !== was.maxSeatsPerUser) patch.maxSeatsPerUser = now.maxSeatsPerUser;
    if (Object.keys(patch).length === 0) {
      report(STATUS, 'Nothing changed.');
      return;
    }
    const saved = await this.context.api<EditableEvent>('PATCH', eventPath(this.eventId), patch);
    this.show(this.eventId, saved);
    report(STATUS, `Saved: ${Object.keys(patch).join(', ')}.`);
    this.onSaved(saved);
  }
}

function input(id: string): HTMLInputElement {
  return byId<HTMLInputElement>(id);
}
