/**
 * One allowance, shared by every response in the proxy, for the bytes held before a response's
 * head is sent (issue 19).
 *
 * Why: the proxy holds the start of each scanned response (up to `COMMIT_BYTES`) so that a block
 * found there is a readable 403 instead of a cut connection. That is 256 KiB a response, and 200
 * responses starting at once held 50 MiB of it; 200 clients that stop reading kept it. A response
 * that finds the allowance spent commits its head at once and streams as every response does past
 * `COMMIT_BYTES`: the scanners' undecided tail is still held back, so no byte of a finding is
 * released; only a late finding becomes a cut connection instead of a 403.
 */

/**
 * The allowance of a proxy: 8 responses starting at once each get the whole hold. Why not more:
 * it is the largest live owner when many responses start together. In an instrumented
 * `bench:memory many` run (200 downloads), the 25 responses that started together held 5 MiB of
 * it when the proxy's RSS peaked; once their heads were out, each held about 36 KiB (the
 * scanners' undecided tail). With 2 MiB instead of 8 the load peaked at +63 MiB (58–72, 7 runs)
 * instead of +73 (61–74, 5 runs); the ranges overlap (a shared, loaded machine).
 */
export const HOLD_BUDGET_BYTES = 2 * 1024 * 1024;

/** Bytes left to hold before heads, taken and given back by each response. */
export class HoldBudget {
  #left: number;

  /** @param bytes The allowance ({@link HOLD_BUDGET_BYTES} in the proxy). */
  constructor(bytes: number) {
    this.#left = bytes;
  }

  /**
   * Take `bytes` of the allowance, all or nothing.
   *
   * @param bytes How many.
   * @returns Whether they were left (and are now taken).
   */
  take(bytes: number): boolean {
    if (bytes > this.#left) return false;
    this.#left -= bytes;
    return true;
  }

  /**
   * Give back bytes taken.
   *
   * @param bytes How many.
   */
  give(bytes: number): void {
    this.#left += bytes;
  }
}
