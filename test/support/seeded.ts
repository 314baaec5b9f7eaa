/**
 * Seeded randomness for tests that roll dice, so a failure can be replayed: the seed comes from the
 * named environment variable, or is drawn at random, and the suite prints it in its name.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1), like Math.random(). */
  next(): number;
}

export function seededRandom(envName: string): SeededRandom {
  const given = process.env[envName];
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  return { seed, next: mulberry32(seed) };
}

/** mulberry32: a small, well-mixed 32-bit generator; plenty for choosing test timings. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
