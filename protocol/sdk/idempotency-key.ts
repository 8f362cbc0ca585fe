// Idempotency keys of purchases: 128 random bits, made once per hold by the client.

/** A fresh `buy-<32 hex>` key; from `random` when given (tests), else from the platform's crypto. */
export function newIdempotencyKey(random?: () => number): string {
  const bytes = new Uint8Array(16);
  if (random) {
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  } else {
    // getRandomValues works on plain-http pages too, where crypto.randomUUID does not exist.
    globalThis.crypto.getRandomValues(bytes);
  }
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `buy-${hex}`;
}
