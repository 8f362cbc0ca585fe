// The seat-map page's performance marks, in the order a page load passes them: where the time to first
// paint goes. The render bench (bench/render.ts) reads them from the page; a browser's performance panel
// shows them too. Each is the time since navigation start of the moment named.

/** Mark names of one page load. */
export const MARKS = {
  /** The page's script starts running (HTML, scripts fetched and compiled). */
  script: 'aisle-script',
  /** The WebSocket is open and authenticated (the subscription can go out). */
  socket: 'aisle-socket-open',
  /** The event's details arrived (they name the map's version). */
  info: 'aisle-event-info',
  /** The compact map arrived and is parsed (fetch, decompression, JSON). */
  map: 'aisle-map-loaded',
  /** The availability arrived: the preloaded snapshot over HTTP (or, without one, the subscription's), inflated and unpacked. */
  snapshot: 'aisle-snapshot',
  /** The map is laid out in typed arrays with its spatial index (as soon as the map is in; the live view may still be on its way). */
  layout: 'aisle-map-laid-out',
  /** First paint: the venue with its availability drawn and on screen, its seats clickable. */
  firstPaint: 'aisle-map-first-paint',
  /** The subscription's snapshot is in: diffs apply from here (after first paint when it was drawn from the preloaded snapshot). */
  live: 'aisle-live',
} as const;
