// The seat map's legend: category colours with prices, the states, and the marks of wheelchair places and
// companion seats. Colours go through the CSSOM: the CSP refuses style attributes.
import type { MapCategory } from '../../../protocol/map-body';
import { h, money } from '../common/dom';
import { CATEGORY_COLOURS, STATUS_COLOURS } from './palette';

function swatch(colour: string): HTMLElement {
  const element = h('span', { class: 'swatch' });
  element.style.background = colour;
  return element;
}

/** The legend's list items. */
export function legendItems(categories: readonly MapCategory[]): HTMLElement[] {
  const states = { yours: STATUS_COLOURS.mine, held: STATUS_COLOURS.held, sold: STATUS_COLOURS.sold, 'not on sale': STATUS_COLOURS.blocked };
  return [
    ...categories.map((c, i) => h('li', {}, swatch(CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]), `${c.name} ${money(c.price)}`)),
    ...Object.entries(states).map(([name, colour]) => h('li', {}, swatch(colour), name)),
    h('li', {}, h('span', { class: 'mark', 'aria-hidden': 'true' }, '♿'), ' wheelchair place'),
    h('li', {}, h('span', { class: 'mark', 'aria-hidden': 'true' }, '○'), ' companion seat (beside a wheelchair place)'),
  ];
}
