/**
 * Full garbage collections paced by the bytes a body-moving process relays (issue 19).
 *
 * Why: every chunk the proxy relays lives in an ArrayBuffer outside the V8 heap. With many
 * connections moving at once, a chunk waits in a queue across young-generation collections, is
 * promoted, and its memory returns only at a full collection, which V8 starts by itself only
 * once about 64 MiB of external memory has piled up; the allocator then keeps those pages. 200
 * concurrent downloads held 60–110 MiB of dead buffers this way. The pacer looks at the external
 * memory after every {@link CHECK_EVERY_BYTES} relayed and collects when it is more than
 * {@link GROWTH_LIMIT_BYTES} above its lowest reading since the last collection (so live data
 * that stays put does not make it collect over and over). It needs `--expose-gc` (the sidecar daemons run with it);
 * in a process without it, it does nothing.
 *
 * @module
 * @example
 * ```ts
 * import { GcPacer } from "./mod.ts";
 * let collections = 0;
 * let external = 0;
 * const pacer = new GcPacer({
 *   collect: () => {
 *     collections++;
 *     external = 0;
 *   },
 *   external: () => external,
 * });
 * for (let i = 0; i < 64; i++) {
 *   external += 1024 * 1024;
 *   pacer.relayed(1024 * 1024);
 * }
 * console.assert(collections === 3);
 * ```
 */

/** How many relayed bytes pass between two looks at the external memory. */
export const CHECK_EVERY_BYTES = 1024 * 1024;

/** Growth of external memory since the last collection that starts the next one. */
export const GROWTH_LIMIT_BYTES = 16 * 1024 * 1024;

/** Where the pacer collects and reads the external memory (tests pass their own). */
export interface GcPacerOptions {
  /** A full collection; default: the runtime's `gc` when `--expose-gc` exposed it. */
  collect?: (() => void) | undefined;
  /** Bytes of external (ArrayBuffer) memory now; default: `Deno.memoryUsage().external`. */
  external?: () => number;
}

/** Counts relayed bytes and runs a full collection when dead buffers pile up. */
export class GcPacer {
  #collect: (() => void) | undefined;
  #external: () => number;
  #sinceCheck = 0;
  /** The lowest reading since the last collection (none yet right after one). */
  #floor = Infinity;

  /** @param options The collection and the memory reading (defaults: the runtime's). */
  constructor(options: GcPacerOptions = {}) {
    this.#collect = "collect" in options ? options.collect : exposedGc();
    this.#external = options.external ?? (() => Deno.memoryUsage().external);
  }

  /** Whether this pacer can collect at all (the runtime exposed `gc`). */
  get active(): boolean {
    return this.#collect !== undefined;
  }

  /**
   * Count bytes that went through; collect when the external memory grew too much.
   *
   * @param bytes How many.
   */
  relayed(bytes: number): void {
    if (this.#collect === undefined) return;
    this.#sinceCheck += bytes;
    if (this.#sinceCheck < CHECK_EVERY_BYTES) return;
    this.#sinceCheck = 0;
    const now = this.#external();
    this.#floor = Math.min(this.#floor, now);
    if (now - this.#floor <= GROWTH_LIMIT_BYTES) return;
    this.#collect();
    // Buffers are freed after the collection returns (V8 sweeps them concurrently): the next
    // reading is the new floor.
    this.#floor = Infinity;
  }
}

/** The runtime's `gc`, present when V8 ran with `--expose-gc`. */
function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? () => gc() : undefined;
}
