// Ticket codes: 128 random bits, so a code cannot be guessed from another one, written in Crockford
// base32 (no I, L, O, U) so it can be read out or typed at the gate.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random bits per code: enough that codes are unguessable and never collide in practice. */
const CODE_BYTES = 16;

/** A fresh unguessable ticket code (26 characters). */
export function newTicketCode(): string {
  const bytes = randomBytes(CODE_BYTES);
  let code = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      code += ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) code += ALPHABET[(buffer << (5 - bits)) & 31];
  return code;
}
