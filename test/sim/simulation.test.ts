// The deterministic simulation in CI: 200,000 commands over 20 seeds with crashes, zombies and lost
// messages must break no guarantee; a seed replays exactly; a planted bug is found and its seed printed.
import { describe, expect, it } from 'vitest';
import { simulate } from './simulation';

const SEEDS = 20;
const PER_SEED = 10_000;

describe('deterministic simulation', () => {
  it(`runs ${SEEDS * PER_SEED} commands over ${SEEDS} seeds with faults and breaks no guarantee`, async () => {
    let commands = 0;
    let crashes = 0;
    let pauses = 0;
    let inDoubt = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = await simulate({ seed, commands: PER_SEED });
      expect(result.violation).toBeNull();
      commands += result.commands;
      crashes += result.crashes;
      pauses += result.pauses;
      inDoubt += result.faults.inDoubt;
    }
    expect(commands).toBe(SEEDS * PER_SEED);
    // The faults did happen: owners crashed and paused past their leases, commits went in doubt.
    expect(crashes).toBeGreaterThan(SEEDS);
    expect(pauses).toBeGreaterThan(SEEDS);
    expect(inDoubt).toBeGreaterThan(0);
  }, 600_000);

  it('replays a seed identically, and another seed differently', async () => {
    const first = await simulate({ seed: 7, commands: 3000 });
    const again = await simulate({ seed: 7, commands: 3000 });
    const other = await simulate({ seed: 8, commands: 3000 });
    expect(again.traceHash).toBe(first.traceHash);
    expect(again).toEqual(first);
    expect(other.traceHash).not.toBe(first.traceHash);
  }, 60_000);

  it('finds a planted bug (the store skips the epoch check) and prints the seed that replays it', async () => {
    let violation: string | null = null;
    for (let seed = 1; seed <= SEEDS && !violation; seed++) {
      violation = (await simulate({ seed, commands: PER_SEED, bug: 'skip-epoch-check' })).violation;
    }
    expect(violation).toMatch(/^VIOLATION seed=\d+ step=\d+: .*under epoch \d+ while the event's epoch is \d+/);
    expect(violation).toMatch(/replay: npm run sim -- --seed \d+ --commands \d+ --nodes 3 --bug skip-epoch-check/);
  }, 600_000);
});
