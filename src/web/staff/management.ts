// The management part of the dashboard for the selected event: edit it, see and release holds, the
// sales summary and CSV, the audit trail; and the dead letters of every event. main.ts calls `show`
// when an event is selected and `onStats` with each stats push.
import type { StatsMessage } from '../../../protocol/server-messages';
import { byId } from '../common/dom';
import { AuditPanel } from './audit-panel';
import { DeadLettersPanel } from './dead-letters-panel';
import type { EditableEvent } from './event-editor';
import { EventEditor } from './event-editor';
import { HoldsPanel } from './holds-panel';
import type { PanelContext } from './panel';
import { eventPath } from './panel';
import { ReportsPanel } from './reports-panel';

/** The panels, shown for one event at a time. */
export class Management {
  private readonly editor: EventEditor;
  private readonly holds: HoldsPanel;
  private readonly reports: ReportsPanel;
  private readonly audit: AuditPanel;
  private readonly dead: DeadLettersPanel;
  private selected: string | null = null;
  private last: { held: number; staffHeld: number; sold: number } | null = null;

  constructor(private readonly context: PanelContext, onSaved: (eventId: string, event: EditableEvent) => void) {
    this.editor = new EventEditor(context, (event) => {
      if (this.selected) onSaved(this.selected, event);
      void context.act(() => this.audit.refresh());
    });
    this.holds = new HoldsPanel(context);
    this.reports = new ReportsPanel(context);
    this.audit = new AuditPanel(context);
    this.dead = new DeadLettersPanel(context);
    // Staff actions made elsewhere on the page (pause, block, cancel, release, export) reach the trail.
    byId('detail').addEventListener('click', (e) => {
      if (e.target instanceof HTMLButtonElement && !e.target.closest('#audit-card')) {
        setTimeout(() => void context.act(() => this.audit.refresh()), 500);
      }
    });
  }

  /** Shows `eventId`'s panels; `known` is its latest stats, so a change after this load refreshes them. */
  async show(eventId: string, known?: StatsMessage): Promise<void> {
    this.selected = eventId;
    this.last = known ? { held: known.held, staffHeld: known.staffHeld, sold: known.sold } : null;
    byId('manage').hidden = false;
    const event = await this.context.api<EditableEvent>('GET', eventPath(eventId));
    if (eventId !== this.selected) return;
    this.editor.show(eventId, event);
    await Promise.all([this.holds.show(eventId), this.reports.show(eventId), this.audit.show(eventId), this.dead.refresh()]);
  }

  /** New holds or sales of the selected event: the holds list and summary as they are now. */
  onStats(stats: StatsMessage): void {
    if (stats.eventId !== this.selected) return;
    const before = this.last;
    this.last = { held: stats.held, staffHeld: stats.staffHeld, sold: stats.sold };
    if (!before) return;
    if (before.held !== stats.held || before.staffHeld !== stats.staffHeld || before.sold !== stats.sold) void this.context.act(() => this.holds.refresh());
    if (before.sold !== stats.sold) void this.context.act(() => this.reports.refresh());
  }
}
