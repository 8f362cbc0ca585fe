// Seat colours of the public map: available seats in their category's colour, everything else by status,
// the user's own seats in a colour of their own. Colours keep 3:1 contrast against white.
import { SEAT_STATUS } from '../../../protocol/seat-status';
import type { SeatColours } from '../common/seat-canvas';
import type { VenueMap } from '../common/venue-map';

/** Category colours, in category order (repeating). */
export const CATEGORY_COLOURS = ['#1e8e3e', '#8430ce', '#e8710a', '#12b5cb', '#c5221f', '#5f6368', '#b06000'];
/** Status colours, shown in the legend. */
export const STATUS_COLOURS = { mine: '#1a73e8', held: '#bdc1c6', sold: '#3c4043', blocked: '#f28b82' } as const;

/** The colour function of the public map. `mine` flags the user's own held seats. */
export function publicColours(map: VenueMap, status: () => Uint8Array, mine: Uint8Array): SeatColours {
  const categories = map.body.categories.length;
  const base = Array.from({ length: Math.max(1, categories) }, (_, i) => CATEGORY_COLOURS[i % CATEGORY_COLOURS.length]);
  const colours = [...base, STATUS_COLOURS.mine, STATUS_COLOURS.held, STATUS_COLOURS.sold, STATUS_COLOURS.blocked];
  const mineSlot = base.length;
  return {
    colours,
    slotOf(index: number): number {
      const code = status()[index];
      if (mine[index] === 1) return mineSlot;
      if (code === SEAT_STATUS.available) return map.category[index];
      return mineSlot + code; // held 1, sold 2, blocked 3 follow "mine"
    },
  };
}
