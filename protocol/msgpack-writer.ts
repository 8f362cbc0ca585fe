// A MessagePack writer for the replies a server sends by the thousand per second (`held`, `released`,
// `pong`, errors): plain objects of ASCII strings, numbers, booleans, null, arrays and plain objects.
// Its output is byte for byte what @msgpack/msgpack's Encoder writes with `ignoreUndefined` (property
// test in msgpack-writer.test.ts), without that encoder's per-call work: keys are written from a cache
// of their encoded bytes, ASCII strings without a UTF-8 pass, a map's size is patched in after its
// entries instead of counted first. Anything else (non-ASCII text, bytes, Dates, class instances,
// deeper than the encoder allows) is declined, and the caller uses the general encoder for it.

/** The same limit as the encoder's `maxDepth`. */
const MAX_DEPTH = 100;
/** Keys cached at most (the protocol has a few dozen; a client cannot add keys to replies). */
const MAX_CACHED_KEYS = 512;

const keyCache = new Map<string, Uint8Array>();

/** Writes messages into one reused buffer; each result is a view valid until the next `write`. */
export class MessageWriter {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  private pos = 0;

  /** The message's bytes (a view into this writer's buffer), or null when it is not one this writer takes. */
  write(message: object): Uint8Array | null {
    this.pos = 0;
    return this.value(message, 1) ? this.bytes.subarray(0, this.pos) : null;
  }

  private value(value: unknown, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    if (value === null || value === undefined) {
      this.ensure(1);
      this.bytes[this.pos++] = 0xc0;
      return true;
    }
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
        this.number(value);
        return true;
      case 'boolean':
        this.ensure(1);
        this.bytes[this.pos++] = value ? 0xc3 : 0xc2;
        return true;
      case 'object': {
        if (Array.isArray(value)) return this.array(value, depth);
        const prototype: unknown = Object.getPrototypeOf(value);
        return (prototype === Object.prototype || prototype === null) && this.map(value as Record<string, unknown>, depth);
      }
      default:
        return false;
    }
  }

  private string(text: string): boolean {
    const length = text.length;
    this.ensure(5 + length);
    const start = this.pos;
    this.header(length, 0xa0, 32, 0xd9, 0xda, 0xdb);
    const bytes = this.bytes;
    let at = this.pos;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        this.pos = start;
        return false;
      }
      bytes[at++] = code;
    }
    this.pos = at;
    return true;
  }

  private key(key: string): boolean {
    let encoded = keyCache.get(key);
    if (encoded === undefined) {
      const start = this.pos;
      if (!this.string(key)) return false;
      encoded = this.bytes.slice(start, this.pos);
      if (keyCache.size < MAX_CACHED_KEYS) keyCache.set(key, encoded);
      return true;
    }
    this.ensure(encoded.length);
    this.bytes.set(encoded, this.pos);
    this.pos += encoded.length;
    return true;
  }

  private number(n: number): void {
    this.ensure(9);
    const bytes = this.bytes;
    if (Number.isSafeInteger(n)) {
      if (n >= 0) {
        if (n < 0x80) bytes[this.pos++] = n;
        else if (n < 0x100) {
          bytes[this.pos++] = 0xcc;
          bytes[this.pos++] = n;
        } else if (n < 0x10000) {
          bytes[this.pos++] = 0xcd;
          this.view.setUint16(this.pos, n);
          this.pos += 2;
        } else if (n < 0x100000000) {
          bytes[this.pos++] = 0xce;
          this.view.setUint32(this.pos, n);
          this.pos += 4;
        } else {
          bytes[this.pos++] = 0xcf;
          this.view.setUint32(this.pos, Math.floor(n / 0x100000000));
          this.view.setUint32(this.pos + 4, n >>> 0);
          this.pos += 8;
        }
        return;
      }
      if (n >= -0x20) bytes[this.pos++] = 0xe0 | (n + 0x20);
      else if (n >= -0x80) {
        bytes[this.pos++] = 0xd0;
        this.view.setInt8(this.pos++, n);
      } else if (n >= -0x8000) {
        bytes[this.pos++] = 0xd1;
        this.view.setInt16(this.pos, n);
        this.pos += 2;
      } else if (n >= -0x80000000) {
        bytes[this.pos++] = 0xd2;
        this.view.setInt32(this.pos, n);
        this.pos += 4;
      } else {
        bytes[this.pos++] = 0xd3;
        this.view.setBigInt64(this.pos, BigInt(n));
        this.pos += 8;
      }
      return;
    }
    bytes[this.pos++] = 0xcb;
    this.view.setFloat64(this.pos, n);
    this.pos += 8;
  }

  private array(items: readonly unknown[], depth: number): boolean {
    this.ensure(5);
    this.header(items.length, 0x90, 16, -1, 0xdc, 0xdd);
    for (let i = 0; i < items.length; i++) if (!this.value(items[i], depth + 1)) return false;
    return true;
  }

  private map(object: Record<string, unknown>, depth: number): boolean {
    // One byte reserved for a fixmap's header; a map of 16 entries or more moves its entries along.
    this.ensure(1);
    const headerAt = this.pos++;
    let size = 0;
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue;
      if (!this.key(key) || !this.value(value, depth + 1)) return false;
      size++;
    }
    if (size < 16) {
      this.bytes[headerAt] = 0x80 + size;
      return true;
    }
    const extra = size < 0x10000 ? 2 : 4;
    this.ensure(extra);
    this.bytes.copyWithin(headerAt + 1 + extra, headerAt + 1, this.pos);
    this.pos += extra;
    if (extra === 2) {
      this.bytes[headerAt] = 0xde;
      this.view.setUint16(headerAt + 1, size);
    } else {
      this.bytes[headerAt] = 0xdf;
      this.view.setUint32(headerAt + 1, size);
    }
    return true;
  }

  /** A string's or array's header: fix form under `fixLimit`, else the 8- (if any), 16- or 32-bit form. */
  private header(length: number, fix: number, fixLimit: number, form8: number, form16: number, form32: number): void {
    const bytes = this.bytes;
    if (length < fixLimit) bytes[this.pos++] = fix + length;
    else if (form8 >= 0 && length < 0x100) {
      bytes[this.pos++] = form8;
      bytes[this.pos++] = length;
    } else if (length < 0x10000) {
      bytes[this.pos++] = form16;
      this.view.setUint16(this.pos, length);
      this.pos += 2;
    } else {
      bytes[this.pos++] = form32;
      this.view.setUint32(this.pos, length);
      this.pos += 4;
    }
  }

  private ensure(more: number): void {
    if (this.pos + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + more));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
