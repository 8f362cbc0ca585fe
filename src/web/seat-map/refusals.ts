// Plain words for the refusals that come from the venue's rules rather than from other buyers: a pick or
// a release that would strand a single seat (`orphan_seat`, naming the seats it would strand), and
// wheelchair places and their companion seats kept back for the people who need them.
import { AisleError } from '../../../protocol/error-codes';
import { seatName } from '../common/seat-words';
import type { VenueMap } from '../common/venue-map';

function names(map: VenueMap, seatIds: readonly string[]): string {
  return seatIds
    .map((id) => {
      const index = map.indexOf(id);
      return index >= 0 ? seatName(map.seat(index)) : id;
    })
    .join('; ');
}

/** A sentence for a refusal by the venue's rules, or null when `error` is something else. */
export function explainRefusal(error: unknown, map: VenueMap, releasing: boolean): string | null {
  if (!(error instanceof AisleError)) return null;
  const seats = error.details?.seats ?? [];
  if (error.code === 'orphan_seat' && seats.length > 0) {
    const one = seats.length === 1;
    const what = releasing ? 'Releasing that' : 'That choice';
    return (
      `${what} would leave ${names(map, seats)} on ${one ? 'its' : 'their'} own: ${one ? 'a single empty seat' : 'single empty seats'} ` +
      `that nobody could sit in with a friend, so the venue does not allow it. ` +
      (releasing
        ? 'Release the seats beside it too, or keep this one.'
        : `Add ${one ? 'that seat' : 'those seats'} to your choice, or pick seats that leave at least two free next to them.`)
    );
  }
  if (error.code === 'seat_unavailable' && seats.length > 0) {
    const indexes = seats.map((id) => map.indexOf(id));
    const keptBack = indexes.every((i) => i >= 0 && (map.accessible[i] === 1 || map.companion[i] === 1));
    if (!keptBack) return null;
    return (
      `${names(map, seats)}: kept for now for wheelchair users and the people coming with them. ` +
      'To book a companion seat, hold the wheelchair place beside it in the same booking, or tick ' +
      '"Wheelchair accessible" under Best available. These seats go on general sale later.'
    );
  }
  return null;
}
