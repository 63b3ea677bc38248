// Random draws for the demo's synthetic scrapers: lognormal durations (long right tail, as real
// page loads have), normal counts, coin flips. Seedable, so tests can be deterministic.

export type Random = () => number;

/** mulberry32: a small, fast seeded generator; plenty for synthetic data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal by Box-Muller. */
export function normal(random: Random): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal with the given median and log-space spread (sigma). */
export function lognormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** A non-negative whole count around `mean`. */
export function count(random: Random, mean: number, spread: number): number {
  return Math.max(0, Math.round(mean + spread * normal(random)));
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}
