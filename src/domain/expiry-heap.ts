// One expiry queue per event instead of one timer per hold: a binary min-heap of (expiresAt, holdId).
// Entries are never updated or removed in place when a hold changes (lazy deletion): whoever reads the
// heap checks an entry against the live hold and drops entries that no longer match, and `retain`
// clears out the stale ones when they outnumber the live ones (a released hold's entry would otherwise
// stay until its expiry time came round: minutes of holds at thousands a second).

/** A binary min-heap of (time, holdId) pairs in two parallel arrays. */
export class ExpiryHeap {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  /** Number of entries, stale ones included. */
  get size(): number {
    return this.times.length;
  }

  /** Earliest time in the heap, or undefined when empty. */
  peekTime(): number | undefined {
    return this.times.length === 0 ? undefined : this.times[0];
  }

  /** Hold id of the earliest entry, or undefined when empty. */
  peekId(): string | undefined {
    return this.ids.length === 0 ? undefined : this.ids[0];
  }

  /** Adds an entry. O(log n). */
  push(time: number, id: string): void {
    const { times, ids } = this;
    let i = times.length;
    times.push(time);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
  }

  /** Removes the earliest entry (no-op when empty). O(log n). */
  pop(): void {
    const { times, ids } = this;
    const lastTime = times.pop();
    const lastId = ids.pop();
    if (lastTime === undefined || lastId === undefined || times.length === 0) return;
    this.siftDown(0, lastTime, lastId);
  }

  /** Keeps only the entries `keep` accepts, in heap order again. O(n). */
  retain(keep: (time: number, id: string) => boolean): void {
    const { times, ids } = this;
    let n = 0;
    for (let i = 0; i < times.length; i++) {
      if (!keep(times[i], ids[i])) continue;
      times[n] = times[i];
      ids[n] = ids[i];
      n++;
    }
    times.length = n;
    ids.length = n;
    // Floyd's heapify: sift down every parent, last first.
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, times[i], ids[i]);
  }

  /** Places (time, id) at `i` or below, moving earlier children up. */
  private siftDown(i: number, time: number, id: string): void {
    const { times, ids } = this;
    const n = times.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1] < times[child]) child++;
      if (times[child] >= time) break;
      times[i] = times[child];
      ids[i] = ids[child];
      i = child;
    }
    times[i] = time;
    ids[i] = id;
  }

  /** Visits every entry with time <= `now` without changing the heap; O(entries due). */
  forEachDue(now: number, visit: (time: number, id: string) => void): void {
    const { times, ids } = this;
    if (times.length === 0 || times[0] > now) return;
    // A parent is never later than its children, so subtrees whose root is later than `now` are skipped.
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      visit(times[i], ids[i]);
      const left = 2 * i + 1;
      if (left < times.length && times[left] <= now) stack.push(left);
      if (left + 1 < times.length && times[left + 1] <= now) stack.push(left + 1);
    }
  }
}
