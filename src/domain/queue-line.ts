// The waiting users of one room in order, with O(1) join and first-in-line, and O(log n) leave and
// position: an array with a head index and tombstones, compacted once the tombstones are most of it,
// so memory follows the waiting count (100,000 waiting users cost one small object each), and a
// Fenwick tree of the waiting slots, so a user's position is a prefix sum instead of a walk of the
// line (a crowd of joins, or of rejoins after a reconnect, would otherwise cost n² steps).

/** One waiting user. */
export interface LineEntry {
  readonly userId: string;
  gone: boolean;
  /** Last position reported to the user (0: none yet), so unchanged positions are not pushed again. */
  pushed: number;
  /** Index in the line's array (changes when the array is compacted). */
  slot: number;
}

/** Slots of the smallest Fenwick tree (it doubles as the line grows). */
const MIN_CAPACITY = 1024;

/** The waiting users, first in line first. */
export class QueueLine {
  private entries: LineEntry[] = [];
  private head = 0;
  private readonly byUser = new Map<string, LineEntry>();
  /** Fenwick tree over slots (1-based): 1 for each waiting entry, 0 for a tombstone. */
  private tree = new Int32Array(MIN_CAPACITY + 1);

  /** Users waiting. */
  get size(): number {
    return this.byUser.size;
  }

  /** Whether the user waits. */
  has(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** User ids, first in line first. */
  users(): string[] {
    return this.live().map((e) => e.userId);
  }

  /** Puts the user at the end (no-op when already waiting). */
  append(userId: string): void {
    if (this.byUser.has(userId)) return;
    const entry: LineEntry = { userId, gone: false, pushed: 0, slot: this.entries.length };
    this.entries.push(entry);
    this.byUser.set(userId, entry);
    if (entry.slot < this.tree.length - 1) this.add(entry.slot, 1);
    else this.rebuild();
  }

  /** The user's 1-based position, 0 when not waiting; `reported`: remembered as told to the user. */
  positionOf(userId: string, reported = false): number {
    const entry = this.byUser.get(userId);
    if (!entry) return 0;
    let position = 0;
    for (let i = entry.slot + 1; i > 0; i -= i & -i) position += this.tree[i];
    if (reported) entry.pushed = position;
    return position;
  }

  /** Removes the user; false when not waiting. */
  remove(userId: string): boolean {
    const entry = this.byUser.get(userId);
    if (!entry) return false;
    entry.gone = true;
    this.byUser.delete(userId);
    this.add(entry.slot, -1);
    this.compact();
    return true;
  }

  /** The first in line without taking them, or undefined. */
  first(): string | undefined {
    while (this.head < this.entries.length && this.entries[this.head].gone) this.head++;
    return this.entries[this.head]?.userId;
  }

  /** Empties the line. */
  clear(): void {
    this.entries = [];
    this.head = 0;
    this.byUser.clear();
    this.tree = new Int32Array(MIN_CAPACITY + 1);
  }

  /** Visits the waiting entries in order with their 1-based position. */
  forEachPosition(visit: (entry: LineEntry, position: number) => void): void {
    let position = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.gone) continue;
      position += 1;
      visit(entry, position);
    }
  }

  private add(slot: number, delta: number): void {
    for (let i = slot + 1; i < this.tree.length; i += i & -i) this.tree[i] += delta;
  }

  /** Numbers the slots afresh and builds the tree for them, with room to grow (O(n)). */
  private rebuild(): void {
    const capacity = Math.max(MIN_CAPACITY, this.entries.length * 2);
    const tree = new Int32Array(capacity + 1);
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i];
      entry.slot = i;
      if (!entry.gone) tree[i + 1] += 1;
    }
    for (let i = 1; i <= capacity; i++) {
      const parent = i + (i & -i);
      if (parent <= capacity) tree[parent] += tree[i];
    }
    this.tree = tree;
  }

  private live(): LineEntry[] {
    const live: LineEntry[] = [];
    for (let i = this.head; i < this.entries.length; i++) if (!this.entries[i].gone) live.push(this.entries[i]);
    return live;
  }

  private compact(): void {
    const used = this.entries.length - this.head;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
      this.rebuild();
    }
    if (used < 1024 || this.byUser.size * 2 > used) return;
    this.entries = this.live();
    this.head = 0;
    this.rebuild();
  }
}
