// The client SDK against a real server process: live views that never drift from the server over a long
// diff stream, in both encodings.
import { describe, expect, it } from 'vitest';
import type { LiveView } from '../../protocol/sdk';
import { churn, createEvent, sdk, serverSnapshot, until, useSdkServer } from './sdk-harness';

useSdkServer();

// Diffs each viewer must apply (~6 s on this machine; `SDK_DRIFT_DIFFS=30000` is a longer form, ~13 s).
const TARGET_DIFFS = Number(process.env.SDK_DRIFT_DIFFS ?? 10_000);

describe('the client SDK against a real server: a long diff stream', () => {
  it(`applies ${TARGET_DIFFS} diffs across four events in both encodings with no drift from the server`, async () => {
    const events = ['drift-1', 'drift-2', 'drift-3', 'drift-4'];
    for (const id of events) await createEvent(id, 10, 20, { maxSeatsPerUser: 100 });
    const viewers = [await sdk(null), await sdk(null, { encoding: 'json' })];
    const views = await Promise.all(viewers.map((viewer) => Promise.all(events.map((id) => viewer.subscribe(id)))));
    const applied = (mine: LiveView[]): number => mine.reduce((n, view) => n + view.diffsApplied, 0);
    const target = TARGET_DIFFS;
    // Generous: when the suite runs beside the Artillery and abuse suites, diffs come ~70/s slower.
    const deadline = Date.now() + 170_000;
    const done = (): boolean => views.every((mine) => applied(mine) >= target) || Date.now() > deadline;
    await Promise.all(events.map((id, i) => churn(id, `churner-${i}`, 200, done)));
    const state = views.map((mine) => mine.map((v) => ({ applied: v.diffsApplied, current: v.current, resyncs: v.resyncs, seq: v.seq })));
    expect(views.every((mine) => applied(mine) >= target), JSON.stringify(state)).toBe(true);

    for (const [i, id] of events.entries()) {
      const truth = await serverSnapshot(id);
      for (const mine of views) {
        const view = mine[i];
        await until(view, () => view.seq >= truth.seq, `${id} to reach seq ${truth.seq}`);
        expect(view.epoch).toBe(truth.epoch);
        expect(view.seq).toBe(truth.seq);
        expect(Buffer.from(view.status).equals(Buffer.from(truth.status))).toBe(true);
        expect(view.areas).toEqual(truth.areas);
        // A healthy stream never needed a resync: each diff followed the one before.
        expect(view.resyncs).toBe(0);
      }
    }
    for (const mine of views) expect(applied(mine)).toBeGreaterThanOrEqual(target);
  }, 240_000);

});
