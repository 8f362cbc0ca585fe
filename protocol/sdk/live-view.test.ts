// LiveView: diffs in order apply, old ones are ignored, a gap or a new epoch asks for a snapshot once; a
// seed is shown until the first snapshot, which replaces it (or only confirms it: no redraw).
import { describe, expect, it } from 'vitest';
import type { DiffMessage, SeatStatusCode } from '../server-messages';
import { LiveView } from './live-view';

const snapshot = (epoch: number, seq: number, status: number[]) => ({
  type: 'snapshot' as const,
  eventId: 'e',
  epoch,
  seq,
  status: Uint8Array.from(status),
  areas: { floor: 10 },
});
const diff = (epoch: number, seq: number, changes: Array<[number, SeatStatusCode]>, areas?: Record<string, number>): DiffMessage => ({
  type: 'diff',
  eventId: 'e',
  epoch,
  seq,
  changes,
  areas,
});

function view(): { view: LiveView; requests: number[] } {
  const requests: number[] = [];
  const v = new LiveView('e', () => requests.push(1));
  return { view: v, requests };
}

describe('LiveView', () => {
  it('applies diffs that arrived before their snapshot was handled, without a resync', () => {
    const { view: v, requests } = view();
    // The snapshot (seq 5) and diffs 5 and 6 came in one read; the diffs were seen first.
    v.applyDiff(diff(1, 5, [[0, 1]]));
    v.applyDiff(diff(1, 6, [[2, 2]]));
    v.applySnapshot(snapshot(1, 5, [1, 0, 0]));
    expect([...v.status]).toEqual([1, 0, 2]);
    expect(v.seq).toBe(6);
    expect(requests).toHaveLength(0);
  });

  it('applies a snapshot and the diffs that follow it', () => {
    const { view: v, requests } = view();
    const changes: boolean[] = [];
    v.on('change', (c) => changes.push(c.full));
    v.applySnapshot(snapshot(1, 5, [0, 0, 0]));
    v.applyDiff(diff(1, 6, [[1, 1]], { floor: 8 }));
    v.applyDiff(diff(1, 7, [[1, 2], [2, 3]]));
    expect([...v.status]).toEqual([0, 2, 3]);
    expect(v.areas).toEqual({ floor: 8 });
    expect(v.counts()).toEqual({ available: 1, held: 0, sold: 1, blocked: 1 });
    expect(v.seq).toBe(7);
    expect(v.diffsApplied).toBe(2);
    expect(changes).toEqual([true, false, false]);
    expect(requests).toHaveLength(0);
  });

  it('ignores diffs already in the snapshot', () => {
    const { view: v, requests } = view();
    v.applySnapshot(snapshot(1, 5, [0, 0]));
    v.applyDiff(diff(1, 4, [[0, 2]]));
    v.applyDiff(diff(1, 5, [[0, 2]]));
    expect([...v.status]).toEqual([0, 0]);
    expect(requests).toHaveLength(0);
  });

  it('resyncs on a gap, once, and ignores diffs until the new snapshot', () => {
    const { view: v, requests } = view();
    const reasons: string[] = [];
    v.on('resync', (r) => reasons.push(r.reason));
    v.applySnapshot(snapshot(1, 5, [0, 0]));
    v.applyDiff(diff(1, 7, [[0, 1]]));
    v.applyDiff(diff(1, 8, [[1, 1]]));
    expect(v.current).toBe(false);
    expect([...v.status]).toEqual([0, 0]);
    expect(requests).toHaveLength(1);
    v.applySnapshot(snapshot(1, 8, [1, 1]));
    v.applyDiff(diff(1, 9, [[0, 0]]));
    expect([...v.status]).toEqual([0, 1]);
    expect(reasons).toEqual(['gap']);
    expect(v.resyncs).toBe(1);
  });

  it('resyncs on a new epoch even when seq happens to follow', () => {
    const { view: v, requests } = view();
    const reasons: string[] = [];
    v.on('resync', (r) => reasons.push(r.reason));
    v.applySnapshot(snapshot(1, 5, [0]));
    v.applyDiff(diff(2, 6, [[0, 2]]));
    expect(reasons).toEqual(['epoch']);
    expect(requests).toHaveLength(1);
    expect(v.get(0)).toBe(0);
  });

  it('stops changing once closed', () => {
    const { view: v } = view();
    v.applySnapshot(snapshot(1, 1, [0]));
    v.markClosed();
    v.applyDiff(diff(1, 2, [[0, 2]]));
    expect(v.get(0)).toBe(0);
    expect(v.isClosed).toBe(true);
  });

  it('shows a seed until the first snapshot; one of the same state only makes it current, without a redraw', async () => {
    const { view: v, requests } = view();
    const changes: boolean[] = [];
    v.on('change', (c) => changes.push(c.full));
    v.seed(snapshot(1, 5, [2, 0, 0]));
    expect([[...v.status], v.current, v.loaded, changes]).toEqual([[2, 0, 0], false, false, [true]]);
    // Diffs wait for the subscription's snapshot, as without a seed.
    v.applyDiff(diff(1, 6, [[1, 1]]));
    expect([...v.status]).toEqual([2, 0, 0]);
    const current = v.whenCurrent();
    v.applySnapshot(snapshot(1, 5, [2, 0, 0]));
    await current;
    expect([[...v.status], v.current, v.loaded, v.seq, v.resyncs, requests.length]).toEqual([[2, 1, 0], true, true, 6, 0, 0]);
    // The seed's snapshot was not drawn again: only the diff's change followed.
    expect(changes).toEqual([true, false]);
    // A later seed is ignored.
    v.seed(snapshot(1, 1, [0, 0, 0]));
    expect([...v.status]).toEqual([2, 1, 0]);
  });

  it('replaces a seed by a first snapshot of another state, as a full change', () => {
    const { view: v } = view();
    const changes: boolean[] = [];
    v.seed(snapshot(1, 5, [2, 0, 0]));
    v.on('change', (c) => changes.push(c.full));
    v.applySnapshot(snapshot(1, 7, [2, 2, 1]));
    expect([[...v.status], v.seq, v.current, v.resyncs, changes]).toEqual([[2, 2, 1], 7, true, 0, [true]]);
  });
});
