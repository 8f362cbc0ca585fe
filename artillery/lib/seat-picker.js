// How a person clicks seats on the map at an on-sale: the front rows first, the middle of a row before
// its ends, among the seats their (possibly a little stale) view shows as free. Everyone prefers the
// same seats, so pickers collide and some get seat_unavailable: the race an on-sale is.
'use strict';

/** The event's seats in the order people want them, from GET /api/events/:id/map; one fetch per worker. */
const orders = new Map();

function preferenceOrder(map) {
  const widest = new Map();
  for (const seat of map.seats) {
    const key = `${seat.section}/${seat.row}`;
    widest.set(key, Math.max(widest.get(key) ?? 0, seat.number));
  }
  const ranked = map.seats.map((seat, index) => {
    const middle = (widest.get(`${seat.section}/${seat.row}`) + 1) / 2;
    return { id: seat.id, index, row: seat.row, offCentre: Math.abs(seat.number - middle) };
  });
  ranked.sort((a, b) => a.row - b.row || a.offCentre - b.offCentre || a.index - b.index);
  return ranked;
}

/** The preference order of `eventId`'s seats on the server at `base`. */
function seatPreferences(base, eventId) {
  const key = `${base} ${eventId}`;
  if (!orders.has(key)) {
    const order = fetch(`${base}/api/events/${encodeURIComponent(eventId)}/map`).then(async (response) => {
      if (!response.ok) throw new Error(`GET /api/events/${eventId}/map answered ${response.status}`);
      return preferenceOrder(await response.json());
    });
    // A failed fetch is not kept: the next user tries again.
    order.catch(() => orders.delete(key));
    orders.set(key, order);
  }
  return orders.get(key);
}

/** The ids of the `count` most wanted seats that `view` shows as available, or null if there are fewer. */
function pickSeats(preferences, view, count) {
  const seats = [];
  for (const seat of preferences) {
    if (!view.isAvailable(seat.index)) continue;
    seats.push(seat.id);
    if (seats.length === count) return seats;
  }
  return null;
}

module.exports = { seatPreferences, pickSeats };
