/**
 * Turns for large bodies (issue 19): at most {@link TRANSFER_SLOTS} of them move bytes at once,
 * and the others wait for a slot holding only their connections, not a transfer's buffers.
 *
 * Why: a body that moves holds its state in flight (a pending read, the reader's queue, the
 * scanner's undecided tail) and makes garbage with every chunk. With 200 downloads of 20 MiB
 * moving at once the proxy grew by 100 MiB and spent 60 s of CPU; 16 at a time, it grows by
 * 57–61 MiB and spends 27 s (`bench:memory many`). What remains is the connections themselves:
 * 200 clients and 200 upstreams (Deno copies its root store into every client TLS session,
 * about 80 KiB each). The machine moves bytes no faster either way.
 *
 * Who waits: only bodies over {@link LARGE_BODY_BYTES}, from their start when a length says so,
 * else once that many bytes were read. Smaller bodies (API calls, pages) never do, and event
 * streams are never paced (`_inbound.ts`).
 *
 * A slot is held only while its transfer moves. One that read nothing for {@link STALL_MS} while
 * others wait (a client that stopped reading, an upstream that thinks, an operator deciding)
 * gives its slot to the next in line and waits its turn again before its next read. One that
 * held a slot for {@link QUANTUM_MS} while others wait goes to the back of the line.
 */

import type { Framing } from "../http1/mod.ts";

/** How many large bodies move at once. */
export const TRANSFER_SLOTS = 16;
/** A body over this size takes turns with the other large ones. */
export const LARGE_BODY_BYTES = 1024 * 1024;
/** How long a transfer may read nothing while others wait before its slot goes to the next. */
export const STALL_MS = 1_000;
/** How long a transfer moves while others wait before it goes to the back of the line. */
export const QUANTUM_MS = 10_000;

/** A transfer waiting for a slot. */
interface Waiter {
  pace: Pace;
  resolve: () => void;
}

/** The shape of a proxy's slots; the defaults are the proxy's, tests shrink them. */
export interface TransfersOptions {
  /** How many transfers move at once ({@link TRANSFER_SLOTS}). */
  slots?: number;
  /** How long a holder may read nothing while others wait ({@link STALL_MS}). */
  stallMs?: number;
  /** How long a holder moves while others wait before its turn ends ({@link QUANTUM_MS}). */
  quantumMs?: number;
}

/** The slots of one proxy, and the line of transfers waiting for one. */
export class Transfers {
  #free: number;
  readonly #stallMs: number;
  readonly #quantumMs: number;
  readonly #line: Waiter[] = [];
  /** What every pace asks of these slots (one object for all of them). */
  readonly #lane: Lane = {
    take: (pace) => this.#take(pace),
    give: (pace) => this.#give(pace),
    leave: (pace) => this.#leave(pace),
    due: (heldAt) => this.#line.length > 0 && performance.now() - heldAt >= this.#quantumMs,
  };
  readonly #holders = new Set<Pace>();
  #watch: ReturnType<typeof setInterval> | undefined;

  /** @param options Slots, stall and quantum. */
  constructor(options: TransfersOptions = {}) {
    this.#free = options.slots ?? TRANSFER_SLOTS;
    this.#stallMs = options.stallMs ?? STALL_MS;
    this.#quantumMs = options.quantumMs ?? QUANTUM_MS;
  }

  /** Transfers waiting for a slot now. */
  get waiting(): number {
    return this.#line.length;
  }

  /**
   * Pace a body framed so, if it can become large.
   *
   * @param framing How the body is delimited.
   * @returns Its pace, or undefined for none or a length within {@link LARGE_BODY_BYTES} (such a
   *   body never waits, and its chunks pass through nothing more).
   */
  paceFor(framing: Framing): Pace | undefined {
    if (framing.kind === "none") return undefined;
    if (framing.kind !== "length") return this.pace(false);
    return framing.length > LARGE_BODY_BYTES ? this.pace(true) : undefined;
  }

  /**
   * Pace one body.
   *
   * @param large Whether its length is known to be over {@link LARGE_BODY_BYTES}.
   * @returns Its pace; {@link Pace.end} gives back what it holds.
   */
  pace(large: boolean): Pace {
    return new Pace(this.#lane, large);
  }

  #take(pace: Pace): Promise<void> {
    if (this.#free > 0 && this.#line.length === 0) {
      this.#free--;
      this.#hold(pace);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#line.push({ pace, resolve });
      this.#watch ??= setInterval(() => this.#parkStalled(), this.#stallMs);
    });
  }

  #hold(pace: Pace): void {
    this.#holders.add(pace);
    pace.held();
  }

  /** Hand `pace`'s slot to the first in line, or free it. */
  #give(pace: Pace): void {
    if (!this.#holders.delete(pace)) return;
    const next = this.#line.shift();
    if (next === undefined) {
      this.#free++;
      return;
    }
    this.#hold(next.pace);
    next.resolve();
    if (this.#line.length === 0) this.#unwatch();
  }

  #leave(pace: Pace): void {
    if (this.#holders.has(pace)) return this.#give(pace);
    const at = this.#line.findIndex((waiter) => waiter.pace === pace);
    if (at < 0) return;
    this.#line.splice(at, 1)[0]?.resolve();
    if (this.#line.length === 0) this.#unwatch();
  }

  #parkStalled(): void {
    const now = performance.now();
    for (const pace of this.#holders) {
      if (this.#line.length === 0) break;
      if (now - pace.movedAt >= this.#stallMs) {
        pace.needsSlot = true;
        this.#give(pace);
      }
    }
    if (this.#line.length === 0) this.#unwatch();
  }

  #unwatch(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
  }
}

/** What a pace asks of its proxy's slots. */
interface Lane {
  take(pace: Pace): Promise<void>;
  give(pace: Pace): void;
  leave(pace: Pace): void;
  /** Whether a holder since `heldAt` has had its turn: others wait and its quantum is up. */
  due(heldAt: number): boolean;
}

/** One body's turns: it reads only while it holds a slot, once it is large. */
export class Pace {
  readonly #lane: Lane;
  /** Bytes read, or {@link LARGE_BODY_BYTES} from the start for a body known to be large. */
  #read: number;
  #ended = false;
  #heldAt = 0;
  /** When it last read a chunk (or got its slot). */
  movedAt = 0;
  /**
   * It holds no slot: none yet, or its slot went to another while it stalled. It waits its turn
   * before its next read.
   */
  needsSlot = true;

  /**
   * @param lane The proxy's slots.
   * @param large Whether the body is known to be large.
   */
  constructor(lane: Lane, large: boolean) {
    this.#lane = lane;
    this.#read = large ? LARGE_BODY_BYTES : 0;
  }

  /** It got a slot (called by its {@link Transfers}). */
  held(): void {
    this.#heldAt = this.movedAt = performance.now();
  }

  /** Wait for a slot now if the body is large already (before a `100 Continue`, say). */
  start(): Promise<void> {
    return this.#turn();
  }

  /**
   * The body's chunks, each read in turn once the body is large.
   *
   * @param body The body.
   */
  async *chunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const source = body[Symbol.asyncIterator]();
    try {
      while (true) {
        // A body still within LARGE_BODY_BYTES passes without a turn (most chunked ones).
        if (this.#read >= LARGE_BODY_BYTES) await this.#turn();
        // Ended while it waited in line: whoever read it is gone.
        if (this.#ended) return;
        const next = await source.next();
        if (next.done === true) return;
        this.#read += next.value.length;
        // Only a large body holds a slot, and only a holder's last move counts.
        if (this.#read >= LARGE_BODY_BYTES) this.movedAt = performance.now();
        yield next.value;
      }
    } finally {
      this.end();
      await source.return?.();
    }
  }

  /** The body is done (or abandoned): give back the slot or the place in line. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#lane.leave(this);
  }

  async #turn(): Promise<void> {
    if (this.#ended || this.#read < LARGE_BODY_BYTES) return;
    if (this.needsSlot) {
      this.needsSlot = false;
      await this.#lane.take(this);
    } else if (this.#lane.due(this.#heldAt)) {
      this.#lane.give(this);
      await this.#lane.take(this);
    }
  }
}
