// Unguessable ids for holds and orders: a hold id is a capability (whoever knows it is checked
// against the user, but guessing must not even be a start). 128 random bits, base64url.
import { randomFillSync } from 'node:crypto';
import type { IdSource } from './event-actor';

/** Random bytes fetched per refill: one syscall serves 256 ids. */
const POOL_BYTES = 4096;
const ID_BYTES = 16;

/** Ids from a pooled CSPRNG buffer. */
export class RandomIds implements IdSource {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private offset = POOL_BYTES;

  private next(prefix: string): string {
    if (this.offset + ID_BYTES > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const id = this.pool.toString('base64url', this.offset, this.offset + ID_BYTES);
    this.offset += ID_BYTES;
    return prefix + id;
  }

  holdId(): string {
    return this.next('h_');
  }

  orderId(): string {
    return this.next('o_');
  }
}
