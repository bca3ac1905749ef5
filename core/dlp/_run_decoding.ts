/**
 * One decoding tried on a run (base64, base32 or hex): probing (its first bytes are judged for
 * printability), then live (its bytes batched for the run's scan, still judged per block), or
 * dead until the run ends.
 */
import type { Branch } from "./_branch.ts";
import type { Buffers } from "./_buffers.ts";
import type { OffsetMap } from "./_offset_map.ts";
import { type Gate, isBad } from "./_run_gate.ts";
import { Base64Decoder, type RunDecoder, type Sink } from "./_run_decoders.ts";

/** A live decoding dies when a block of this many bytes… */
const BLOCK = 64;
/** …holds more non-printable bytes than this. */
const BAD_IN_BLOCK = 8;

/** The batch before a decoding goes live (never written: emitting grows a new one). */
const EMPTY = new Uint8Array(0);

/** Its first bytes are being judged. */
export const PROBING = 0;
/** Scanned. */
export const LIVE = 1;
/** Given up until the run ends. */
export const DEAD = 2;

/** One decoding tried on a run. */
export class Decoding implements Sink {
  readonly phrase: string;
  readonly make: () => RunDecoder;
  readonly gate: Gate;
  /** The decoder's index in its kind of run (a run view keeps a batch per index). */
  readonly slot: number;
  /** Where batches are taken from: a new typed array costs about a microsecond in Deno. */
  readonly #buffers: Buffers | undefined;
  decoder: RunDecoder;
  state = PROBING;
  /** Index in the run of this try's first character. */
  attempt = 0;
  restarts = 0;
  failed = false;
  /** Judged unprintable, and no later start to try yet: wait for the next soft character. */
  waiting = false;
  probe: number[] = [];
  probeStarts: number[] = [];
  probeEnds: number[] = [];
  branch: Branch | undefined;
  map: OffsetMap | undefined;
  /** Grown from the engine's spares (the old one given back) once live. */
  batch: Uint8Array = EMPTY;
  batchLength = 0;
  blockCount = 0;
  blockBad = 0;
  dying = false;

  constructor(
    spec: {
      phrase: string;
      make: () => RunDecoder;
      gate: Gate;
    },
    slot: number,
    buffers?: Buffers,
  ) {
    this.slot = slot;
    this.#buffers = buffers;
    this.phrase = spec.phrase;
    this.make = spec.make;
    this.gate = spec.gate;
    this.decoder = spec.make();
  }

  emit(byte: number, start: number, end: number): void {
    if (this.state === PROBING) {
      this.probe.push(byte);
      this.probeStarts.push(start);
      this.probeEnds.push(end);
      return;
    }
    this.map!.add(start, end);
    if (this.batchLength === this.batch.length) {
      const size = Math.max(64, this.batch.length * 2);
      const grown = this.#buffers?.take(size, { most: 2 * size }) ?? new Uint8Array(size);
      grown.set(this.batch);
      // Nothing else holds the old one: a view hands its kept batch over at `#goLive`.
      if (this.batch !== EMPTY) this.#buffers?.give(this.batch);
      this.batch = grown;
    }
    this.batch[this.batchLength++] = byte;
    if (isBad(byte)) this.blockBad++;
    if (++this.blockCount === BLOCK) {
      if (this.blockBad > BAD_IN_BLOCK) this.dying = true;
      this.blockCount = 0;
      this.blockBad = 0;
    }
  }

  /**
   * Decode run characters `bytes[from, to)` (input offset `base + k`) while live.
   *
   * @returns False when the decoding ends on one of them (its encoding stops, or it turned
   *   unprintable); what came before it is decoded.
   */
  feed(bytes: Uint8Array, from: number, to: number, base: number): boolean {
    const decoder = this.decoder;
    if (decoder instanceof Base64Decoder) return decoder.pushRun(bytes, from, to, base, this);
    for (let k = from; k < to; k++) {
      if (!decoder.push(bytes[k]!, base + k, this) || this.dying) return false;
    }
    return true;
  }

  /** Start a new try at the run's character `attempt`. */
  reset(attempt: number): void {
    this.attempt = attempt;
    this.decoder = this.make();
    this.failed = false;
    this.waiting = false;
    this.probe = [];
    this.probeStarts = [];
    this.probeEnds = [];
  }

  printable(): boolean {
    let bad = 0;
    for (const byte of this.probe) if (isBad(byte)) bad++;
    return bad * 8 <= this.probe.length;
  }
}
