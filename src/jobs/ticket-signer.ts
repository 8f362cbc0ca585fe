// The signed payload printed as a ticket's QR code: `AT1.<base64url JSON claims>.<base64url MAC>`, the
// MAC an HMAC-SHA256 (first 128 bits) of the first two parts. A gate scanner holding the secret can
// check a ticket offline; whether it is still valid (not voided by a cancellation) is the order's
// business, looked up by its code.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a ticket's QR payload says. */
export interface TicketClaims {
  /** The ticket code. */
  code: string;
  eventId: string;
  orderId: string;
  seatId?: string;
  areaId?: string;
}

const PREFIX = 'AT1';
/** MAC bytes kept: 128 bits is far beyond guessing, and keeps the QR code small. */
const MAC_BYTES = 16;

/** Signs and checks ticket QR payloads with one secret. */
export class TicketSigner {
  private readonly key: Buffer;

  /** Without a secret, a random one: payloads then verify only until the process restarts (dev mode). */
  constructor(secret: string | undefined) {
    this.key = secret ? Buffer.from(`aisle-ticket:${secret}`) : randomBytes(32);
  }

  sign(claims: TicketClaims): string {
    const { code, eventId, orderId, seatId, areaId } = claims;
    const body = Buffer.from(JSON.stringify(seatId !== undefined ? { code, eventId, orderId, seatId } : { code, eventId, orderId, areaId })).toString('base64url');
    return `${PREFIX}.${body}.${this.mac(`${PREFIX}.${body}`).toString('base64url')}`;
  }

  /** The claims of a payload this signer made, or null. */
  verify(payload: string): TicketClaims | null {
    const [prefix, body, mac, ...rest] = payload.split('.');
    if (prefix !== PREFIX || !body || !mac || rest.length > 0) return null;
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.mac(`${PREFIX}.${body}`))) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString()) as TicketClaims;
    } catch {
      return null;
    }
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest().subarray(0, MAC_BYTES);
  }
}
