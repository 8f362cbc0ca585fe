// The keyboard and screen-reader way to choose seats: pick a section and a row, then move along the row's
// seat buttons with the arrow keys (one tab stop for the whole row) and press Enter or Space to hold or
// release. Each button names the seat, its price and its state, and carries `data-seat-status` so the
// state is in the DOM, not only in canvas pixels.
import { h } from '../common/dom';
import { STATUS_WORDS, seatName, stateWords } from '../common/seat-words';
import type { VenueMap } from '../common/venue-map';

/** What the list needs from the page. */
export interface SeatListHost {
  map: VenueMap;
  status(): Uint8Array;
  isMine(index: number): boolean;
  priceOf(index: number): string;
  categoryName(index: number): string;
  toggle(index: number): void;
}

/** See the file comment. */
export class SeatList {
  private readonly sectionSelect: HTMLSelectElement;
  private readonly rowSelect: HTMLSelectElement;
  private readonly group: HTMLElement;
  private buttons = new Map<number, HTMLButtonElement>();
  private focusIndex = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: SeatListHost,
  ) {
    this.sectionSelect = h('select', { id: 'list-section' });
    this.rowSelect = h('select', { id: 'list-row' });
    this.group = h('div', { id: 'row-seats', class: 'row-seats', role: 'toolbar', 'aria-orientation': 'horizontal' });
    for (const section of host.map.rowsBySection.keys()) this.sectionSelect.append(h('option', { value: section }, `Section ${section}`));
    root.replaceChildren(
      h('div', { class: 'pickers' },
        h('label', {}, 'Section ', this.sectionSelect),
        h('label', {}, 'Row ', this.rowSelect),
      ),
      this.group,
      h('p', { class: 'hint' }, 'Arrow keys move along the row; Enter or Space holds or releases a seat.'),
    );
    this.sectionSelect.addEventListener('change', () => this.showSection(this.sectionSelect.value));
    this.rowSelect.addEventListener('change', () => this.showRow(this.sectionSelect.value, this.rowSelect.value));
    this.group.addEventListener('keydown', (e) => this.onKey(e));
    const first = host.map.rowsBySection.keys().next();
    if (!first.done) this.showSection(first.value);
  }

  /** Shows the row of seat `index` (e.g. after a click on the map). */
  reveal(index: number): void {
    const seat = this.host.map.seat(index);
    if (this.sectionSelect.value !== seat.section) {
      this.sectionSelect.value = seat.section;
      this.fillRows(seat.section);
    }
    if (this.rowSelect.value !== seat.row) {
      this.rowSelect.value = seat.row;
      this.showRow(seat.section, seat.row);
    }
    this.focusIndex = Math.max(0, [...this.buttons.keys()].indexOf(index));
    this.updateTabStops();
  }

  /** Refreshes the buttons of these seats (or all shown). */
  refresh(indexes?: readonly number[]): void {
    if (!indexes) {
      for (const [index, button] of this.buttons) this.paint(index, button);
      return;
    }
    for (const index of indexes) {
      const button = this.buttons.get(index);
      if (button) this.paint(index, button);
    }
  }

  private showSection(section: string): void {
    this.fillRows(section);
    this.showRow(section, this.rowSelect.value);
  }

  private fillRows(section: string): void {
    const rows = this.host.map.rowsBySection.get(section);
    this.rowSelect.replaceChildren(...[...(rows?.keys() ?? [])].map((row) => h('option', { value: row }, `Row ${row}`)));
  }

  private showRow(section: string, row: string): void {
    const seats = this.host.map.rowSeats(section, row);
    this.group.setAttribute('aria-label', `Seats in section ${section}, row ${row}`);
    this.buttons = new Map();
    const buttons = seats.map((index) => {
      const seat = this.host.map.seat(index);
      const button = h('button', { type: 'button', class: 'seat', 'data-seat-id': seat.id, tabindex: -1 }, String(seat.number));
      button.addEventListener('click', () => {
        this.focusIndex = [...this.buttons.keys()].indexOf(index);
        this.updateTabStops();
        this.host.toggle(index);
      });
      this.buttons.set(index, button);
      this.paint(index, button);
      return button;
    });
    this.group.replaceChildren(...buttons);
    this.focusIndex = 0;
    this.updateTabStops();
  }

  private paint(index: number, button: HTMLButtonElement): void {
    const code = this.host.status()[index] ?? 0;
    const mine = this.host.isMine(index);
    const seat = this.host.map.seat(index);
    const status = STATUS_WORDS[code] ?? 'blocked';
    button.dataset.seatStatus = status;
    button.dataset.mine = String(mine);
    button.setAttribute('aria-pressed', String(mine));
    button.setAttribute('aria-disabled', String(code !== 0 && !mine));
    const accessible = seat.accessible ? ', wheelchair accessible' : seat.companion ? ', companion seat beside a wheelchair place' : '';
    button.setAttribute(
      'aria-label',
      `${seatName(seat)}, ${this.host.categoryName(index)} ${this.host.priceOf(index)}${accessible}, ${stateWords(code, mine)}`,
    );
  }

  private onKey(e: KeyboardEvent): void {
    const count = this.buttons.size;
    if (count === 0) return;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    let next = this.focusIndex;
    if (e.key in moves) next = Math.min(count - 1, Math.max(0, this.focusIndex + moves[e.key]));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = count - 1;
    else return;
    e.preventDefault();
    this.focusIndex = next;
    this.updateTabStops();
    [...this.buttons.values()][next]?.focus();
  }

  private updateTabStops(): void {
    let i = 0;
    for (const button of this.buttons.values()) button.tabIndex = i++ === this.focusIndex ? 0 : -1;
  }
}
