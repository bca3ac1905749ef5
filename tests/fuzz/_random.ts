/**
 * The fuzzers' randomness: a seeded PRNG, so that a run and every one of its cases replays. Each
 * case draws from its own stream (the run's seed mixed with the case number), so a case replays
 * alone, in any order and at any concurrency.
 */

/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: small, fast, and the same sequence for the same seed.
 *
 * @param seed Any 32-bit number.
 * @returns The stream.
 */
export function prng(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The stream of one case of a run.
 *
 * @param seed The run's seed.
 * @param index The case number.
 * @returns The case's stream.
 */
export function caseRandom(seed: number, index: number): Random {
  return prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

/**
 * A whole number in [0, n).
 *
 * @param r The stream.
 * @param n The bound.
 * @returns The number.
 */
export function below(r: Random, n: number): number {
  return Math.floor(r() * n);
}

/**
 * One item, uniformly.
 *
 * @param items The choices (not empty).
 * @param r The stream.
 * @returns The chosen item.
 */
export function pick<T>(items: readonly T[], r: Random): T {
  return items[below(r, items.length)] as T;
}
