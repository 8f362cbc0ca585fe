// The `X-Aisle-Signature` header of docs/protocol.md (Webhooks): `t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">`. Receivers check it with `verifyWebhookSignature`, this module's other half.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header's name. */
export const SIGNATURE_HEADER = 'x-aisle-signature';

/** How far a signature's `t` may be from the receiver's clock (s): five minutes, as is common for replay windows. */
export const DEFAULT_TOLERANCE_S = 300;

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The header value for `body` signed at `t` (unix seconds). */
export function signWebhook(secret: string, body: string, t: number): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * True when `header` carries a v1 signature of `body` by `secret`, made within `toleranceS` of
 * `nowS` (unix seconds). Several v1 values are allowed (a secret being rotated).
 */
export function verifyWebhookSignature(
  header: string | undefined,
  body: string,
  secret: string,
  nowS: number,
  toleranceS = DEFAULT_TOLERANCE_S,
): boolean {
  if (!header) return false;
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (t === null || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
}
