// The draw at a waiting room's `openAt`: everyone who joined before it gets a random place, so a bot
// that joins at 9:59:59 has no edge over a person who joined at 9:40. The randomness comes in (the
// domain has no I/O): the actor seeds it from crypto, tests from a fixed number.

/** A source of uniform numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small seeded generator (mulberry32, public domain): 32 bits of state, fast, and good enough to
 * order a queue; it is not a cryptographic generator, so the seed itself must be unpredictable.
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random permutation of `items` (Fisher-Yates), as a new array. */
export function drawLottery<T>(items: readonly T[], random: RandomSource): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return out;
}
