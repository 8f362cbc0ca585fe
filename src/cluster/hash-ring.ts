// A consistent-hash ring with virtual nodes: every node derives the same owner for every key from the
// same member list, whatever order it learned the members in, and a join or leave moves only the keys
// that land on the changed node's points (~1/N of them).

/** Virtual nodes per member: 160 is the ketama default, which keeps 3 nodes within a few % of even. */
export const DEFAULT_VNODES = 160;

const utf8 = new TextEncoder();
/** Reused for ASCII keys (event ids, vnode names: nearly all of them), whose UTF-8 bytes are their char codes. */
const ascii = new Uint8Array(256);

/** The UTF-8 bytes of `text` (for ASCII, in the first `text.length` bytes of a reused buffer). */
function utf8Bytes(text: string): Uint8Array {
  if (text.length <= ascii.length) {
    let i = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      ascii[i] = c;
    }
    if (i === text.length) return ascii;
  }
  return utf8.encode(text);
}

/** MurmurHash3 (x86, 32-bit) of `text`'s UTF-8 bytes: stable across processes and platforms. */
export function murmur3(text: string, seed = 0): number {
  const bytes = utf8Bytes(text);
  const length = bytes === ascii ? text.length : bytes.length;
  const blocks = length & ~3;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    for (let i = tail - 1; i >= 0; i--) k = (k << 8) | bytes[blocks + i];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The ring of a member list; immutable: build a new one when the members change. */
export class HashRing {
  /** The distinct members, sorted (the same on every node). */
  readonly nodeIds: readonly string[];
  private readonly points: Uint32Array;
  private readonly owners: string[];

  constructor(nodeIds: readonly string[], vnodes = DEFAULT_VNODES) {
    if (!Number.isInteger(vnodes) || vnodes < 1) throw new RangeError(`vnodes must be a positive integer, got ${vnodes}`);
    this.nodeIds = [...new Set(nodeIds)].sort();
    const entries: { point: number; nodeId: string }[] = [];
    for (const nodeId of this.nodeIds) {
      for (let i = 0; i < vnodes; i++) entries.push({ point: murmur3(`${nodeId}#${i}`), nodeId });
    }
    // Ties between two nodes' points go to the smaller nodeId, so the order of construction never matters.
    entries.sort((a, b) => a.point - b.point || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    this.points = Uint32Array.from(entries, (entry) => entry.point);
    this.owners = entries.map((entry) => entry.nodeId);
  }

  /** The node that owns `key`: the first point at or after the key's hash, wrapping; undefined if empty. */
  ownerOf(key: string): string | undefined {
    const { points } = this;
    if (points.length === 0) return undefined;
    const hash = murmur3(key);
    let low = 0;
    let high = points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (points[mid] < hash) low = mid + 1;
      else high = mid;
    }
    return this.owners[low === points.length ? 0 : low];
  }
}
