// Seat status codes on the wire, apart from the message schemas so browser code that needs only the
// codes (the SDK, the pages) does not pull in the schema library.

/** Seat status codes on the wire: 0 available, 1 held, 2 sold, 3 blocked. */
export const SEAT_STATUS = { available: 0, held: 1, sold: 2, blocked: 3 } as const;
/** One seat status code. */
export type SeatStatusCode = (typeof SEAT_STATUS)[keyof typeof SEAT_STATUS];
