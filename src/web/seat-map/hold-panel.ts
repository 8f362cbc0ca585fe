// The user's hold: its seats and places (each with its price tier, where its category offers tiers), a
// countdown to its expiry, the total the server will charge, and extend, release and buy.
import type { Hold } from '../../../protocol/sdk/hold-book';
import { byId, clock, h, money } from '../common/dom';
import type { TierPicker } from './tier-picker';

/** What the panel needs from the page. */
export interface HoldPanelHost {
  timeLeft(holdId: string): number;
  seatLabel(seatId: string): string;
  /** Tier controls and the estimate of the total. */
  tiers: TierPicker;
  areaName(areaId: string): string;
  release(seatId: string): void;
  releaseArea(areaId: string, count: number): void;
}

/** See the file comment. */
export class HoldPanel {
  private hold: Hold | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly empty = byId('hold-empty');
  private readonly details = byId('hold-details');
  private readonly list = byId<HTMLUListElement>('hold-seats');
  private readonly countdown = byId<HTMLTimeElement>('countdown');
  private readonly total = byId('hold-total');

  constructor(private readonly host: HoldPanelHost) {}

  /** The hold shown (null: none). */
  get current(): Hold | null {
    return this.hold;
  }

  /** Shows `hold`, or the empty state. */
  show(hold: Hold | null): void {
    this.hold = hold && (hold.seats.length > 0 || Object.keys(hold.areas).length > 0) ? hold : null;
    this.empty.hidden = this.hold !== null;
    this.details.hidden = this.hold === null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (!this.hold) return;
    const current = this.hold;
    const { tiers } = this.host;
    const items = current.seats.map((seatId) => {
      const label = this.host.seatLabel(seatId);
      const release = h('button', { type: 'button', class: 'link', 'aria-label': `Release ${label}` }, 'Release');
      release.addEventListener('click', () => this.host.release(seatId));
      return h('li', { 'data-hold-seat': seatId }, `${label} `, tiers.seatControl(seatId, label), ' ', release);
    });
    for (const [areaId, count] of Object.entries(current.areas)) {
      const name = this.host.areaName(areaId);
      const release = h('button', { type: 'button', class: 'link', 'aria-label': `Release ${count} in ${name}` }, 'Release');
      release.addEventListener('click', () => this.host.releaseArea(areaId, count));
      items.push(h('li', { 'data-hold-area': areaId }, `${count} × ${name} `, release, tiers.areaControls(areaId, name, count)));
    }
    this.list.replaceChildren(...items);
    this.showTotal();
    this.countdown.dateTime = new Date(current.expiresAt).toISOString();
    const tick = (): void => {
      const left = this.host.timeLeft(current.holdId);
      this.countdown.textContent = clock(left);
      this.countdown.classList.toggle('urgent', left < 60_000);
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }

  /** The total the server will charge for the hold with the tiers picked (an estimate until bought). */
  showTotal(): void {
    if (!this.hold) return;
    const estimate = this.host.tiers.estimate(this.hold);
    if ('problem' in estimate) {
      this.total.textContent = estimate.problem;
      this.total.dataset.total = '';
      return;
    }
    this.total.dataset.total = String(estimate.total);
    this.total.textContent = estimate.fees > 0 ? `${money(estimate.total)} (incl. ${money(estimate.fees)} fees)` : money(estimate.total);
  }
}
