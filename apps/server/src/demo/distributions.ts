// Random draws for the demo's synthetic scrapers: lognormal durations (long right tail, as real
// page loads have), normal counts, coin flips. Any generator of [0, 1) draws: Math.random when
// live, seededRandom of @scrapewatch/db/testing in tests, so they are deterministic.

export type Random = () => number;

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
