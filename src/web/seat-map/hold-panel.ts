// The user's hold: its seats and places, a countdown to its expiry, and extend, release and buy.
import type { Hold } from '../../../protocol/sdk/hold-book';
import { byId, clock, h, money } from '../common/dom';

/** What the panel needs from the page. */
export interface HoldPanelHost {
  timeLeft(holdId: string): number;
  seatLabel(seatId: string): string;
  priceOfSeat(seatId: string): number;
  priceOfArea(areaId: string): number;
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
    let sum = 0;
    const items = current.seats.map((seatId) => {
      sum += this.host.priceOfSeat(seatId);
      const release = h('button', { type: 'button', class: 'link', 'aria-label': `Release ${this.host.seatLabel(seatId)}` }, 'Release');
      release.addEventListener('click', () => this.host.release(seatId));
      return h('li', { 'data-hold-seat': seatId }, `${this.host.seatLabel(seatId)} `, release);
    });
    for (const [areaId, count] of Object.entries(current.areas)) {
      sum += this.host.priceOfArea(areaId) * count;
      const release = h('button', { type: 'button', class: 'link', 'aria-label': `Release ${count} in ${this.host.areaName(areaId)}` }, 'Release');
      release.addEventListener('click', () => this.host.releaseArea(areaId, count));
      items.push(h('li', { 'data-hold-area': areaId }, `${count} × ${this.host.areaName(areaId)} `, release));
    }
    this.list.replaceChildren(...items);
    this.total.textContent = money(sum);
    this.countdown.dateTime = new Date(current.expiresAt).toISOString();
    const tick = (): void => {
      const left = this.host.timeLeft(current.holdId);
      this.countdown.textContent = clock(left);
      this.countdown.classList.toggle('urgent', left < 60_000);
    };
    tick();
    this.timer = setInterval(tick, 1000);
  }
}
