/**
 * Full garbage collections paced by the bytes a body-moving process relays (issue 19).
 *
 * Why: every chunk the proxy relays lives in an ArrayBuffer outside the V8 heap. With many
 * connections moving at once, a chunk waits in a queue across young-generation collections, is
 * promoted, and its memory returns only at a full collection, which V8 starts by itself only
 * once about 64 MiB of external memory has piled up; the allocator then keeps those pages. 200
 * concurrent downloads held 60–110 MiB of dead buffers this way. The JS objects around each chunk
 * (promises, stream state) are promoted the same way and grow the old generation: a 1 GiB
 * download grew the heap by 30 MiB and the proxy by +45 MiB; counting the heap too, +23 MiB. The
 * pacer looks at the external memory plus the live heap after every {@link CHECK_EVERY_BYTES}
 * relayed and collects when it is more than {@link GROWTH_LIMIT_BYTES} above its lowest reading
 * since the last collection (so live data that stays put does not make it collect over and over). It needs `--expose-gc` (the sidecar daemons run with it);
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
 *   memory: () => external,
 * });
 * for (let i = 0; i < 64; i++) {
 *   external += 1024 * 1024;
 *   pacer.relayed(1024 * 1024);
 * }
 * console.assert(collections === 6);
 * ```
 */

/** How many relayed bytes pass between two looks at the memory. */
export const CHECK_EVERY_BYTES = 1024 * 1024;

/**
 * Growth of the memory since the last collection that starts the next one. 8 MiB, not 16: with
 * 200 downloads at once, the peak RSS growth went from +95..+106 to +87..+92 MiB, and neither
 * the download rate nor the proxy's CPU time for them moved beyond the noise (issue 19).
 */
export const GROWTH_LIMIT_BYTES = 8 * 1024 * 1024;

/** Where the pacer collects and reads the memory (tests pass their own). */
export interface GcPacerOptions {
  /** A full collection; default: the runtime's `gc` when `--expose-gc` exposed it. */
  collect?: (() => void) | undefined;
  /**
   * Bytes of external (ArrayBuffer) memory plus the live JS heap now; default: from
   * `Deno.memoryUsage()`.
   */
  memory?: () => number;
}

/** Counts relayed bytes and runs a full collection when dead buffers pile up. */
export class GcPacer {
  #collect: (() => void) | undefined;
  #memory: () => number;
  #sinceCheck = 0;
  /** The lowest reading since the last collection (none yet right after one). */
  #floor = Infinity;

  /** @param options The collection and the memory reading (defaults: the runtime's). */
  constructor(options: GcPacerOptions = {}) {
    this.#collect = "collect" in options ? options.collect : exposedGc();
    this.#memory = options.memory ?? memoryInUse;
  }

  /** Whether this pacer can collect at all (the runtime exposed `gc`). */
  get active(): boolean {
    return this.#collect !== undefined;
  }

  /**
   * Count bytes that went through; collect when the memory grew too much.
   *
   * @param bytes How many.
   */
  relayed(bytes: number): void {
    if (this.#collect === undefined) return;
    this.#sinceCheck += bytes;
    if (this.#sinceCheck < CHECK_EVERY_BYTES) return;
    this.#sinceCheck = 0;
    const now = this.#memory();
    this.#floor = Math.min(this.#floor, now);
    if (now - this.#floor <= GROWTH_LIMIT_BYTES) return;
    this.#collect();
    // Buffers are freed after the collection returns (V8 sweeps them concurrently): the next
    // reading is the new floor.
    this.#floor = Infinity;
  }
}

/** External memory plus the live heap: what dead chunks and the objects around them hold. */
function memoryInUse(): number {
  const usage = Deno.memoryUsage();
  return usage.external + usage.heapUsed;
}

/** The runtime's `gc`, present when V8 ran with `--expose-gc`. */
function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === "function" ? () => gc() : undefined;
}
