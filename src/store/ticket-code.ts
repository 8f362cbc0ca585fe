// Ticket codes are derived, not stored: a code names its order and its seat (or standing place) and
// carries an HMAC of both under TICKET_SECRET. A gate holding the secret checks a code without any
// lookup index, then reads the order by its primary key to see whether the ticket is still valid
// (a cancelled order voids its tickets). Nothing is written per ticket at purchase time.
//
// Format (URL-safe: it travels in `GET /api/tickets/:code`):
//   t1.<orderId>.<place>.<mac>
//   place: `s<base64url seat id>` for a seat, `a<index>~<base64url area id>` for the index-th place
//          (from 0) of a standing area in that order
//   mac:   base64url of the first 128 bits of HMAC-SHA256(secret, "t1\0<orderId>\0<place>")
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Which place of an order a ticket admits to: a seat, or the `index`-th place (from 0) of a standing area. */
export type TicketPlace = { kind: 'seat'; seatId: string } | { kind: 'area'; areaId: string; index: number };

/** What a verified code says: the order (its primary key) and the place. */
export interface TicketClaim {
  orderId: string;
  place: TicketPlace;
}

const VERSION = 't1';
/** MAC bytes kept: 128 bits cannot be guessed, and keeps the code (and its QR) short. */
const MAC_BYTES = 16;
/** base64url length of MAC_BYTES. */
const MAC_CHARS = Math.ceil((MAC_BYTES * 4) / 3);
/** Order ids the server mints are base64url (`o_` + 22 chars); tests use short readable ones. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Longest code verify() looks at: a seat id of the largest definition fits well inside. */
export const MAX_TICKET_CODE_LENGTH = 1024;
/** Standing areas hold at most int32 places (definition.ts). */
const MAX_AREA_INDEX = 2_147_483_646;

function placeToken(place: TicketPlace): string {
  return place.kind === 'seat'
    ? `s${Buffer.from(place.seatId).toString('base64url')}`
    : `a${place.index}~${Buffer.from(place.areaId).toString('base64url')}`;
}

/** The place a token names, or null; only canonical tokens parse (one code per ticket). */
function parsePlace(token: string): TicketPlace | null {
  if (token.startsWith('s')) {
    const encoded = token.slice(1);
    if (encoded.length === 0 || !BASE64URL.test(encoded)) return null;
    const seatId = Buffer.from(encoded, 'base64url').toString();
    return placeToken({ kind: 'seat', seatId }) === token ? { kind: 'seat', seatId } : null;
  }
  const match = /^a(0|[1-9][0-9]{0,9})~([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const index = Number(match[1]);
  if (index > MAX_AREA_INDEX) return null;
  const place: TicketPlace = { kind: 'area', areaId: Buffer.from(match[2], 'base64url').toString(), index };
  return placeToken(place) === token ? place : null;
}

/** Makes and checks ticket codes with one secret. */
export class TicketCodes {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length === 0) throw new Error('a ticket secret must not be empty');
    this.#secret = secret;
  }

  /** The code of one ticket: `place` of order `orderId`. */
  code(orderId: string, place: TicketPlace): string {
    if (!ORDER_ID.test(orderId)) throw new Error(`order id ${JSON.stringify(orderId)} cannot be put in a ticket code`);
    const token = placeToken(place);
    return `${VERSION}.${orderId}.${token}.${this.#mac(orderId, token).toString('base64url')}`;
  }

  /** What a code made with this secret says, or null for anything else (edited, foreign, junk). */
  verify(code: string): TicketClaim | null {
    if (code.length > MAX_TICKET_CODE_LENGTH) return null;
    const parts = code.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return null;
    const [, orderId, token, mac] = parts;
    if (!ORDER_ID.test(orderId) || mac.length !== MAC_CHARS || !BASE64URL.test(mac)) return null;
    const place = parsePlace(token);
    if (!place) return null;
    const given = Buffer.from(mac, 'base64url');
    // The last character carries 4 spare bits: only the canonical spelling counts (one code per ticket).
    if (given.length !== MAC_BYTES || given.toString('base64url') !== mac) return null;
    if (!timingSafeEqual(given, this.#mac(orderId, token))) return null;
    return { orderId, place };
  }

  #mac(orderId: string, token: string): Buffer {
    return createHmac('sha256', this.#secret).update(`${VERSION}\0${orderId}\0${token}`).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * Dev mode only (no TICKET_SECRET, no AUTH_SECRET): a secret derived from where the data lives, so
 * codes stay the same across restarts of one dev database. Anyone who knows the path can forge codes:
 * the server says so at start, and production refuses to run without a secret.
 */
export function devTicketSecret(dataLocation: string): string {
  return createHash('sha256').update(`aisle-dev-ticket-secret\0${dataLocation}`).digest('base64url');
}

