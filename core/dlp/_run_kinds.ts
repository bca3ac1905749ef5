/**
 * The kinds of run the run views read (base64 and base32 runs, hex runs), the decodings tried on
 * each, and the shortcut that settles most runs from the bytes at hand: a run no decoding could
 * read as text is dead before a character of it is copied (`_run_gate.ts`).
 */
import { base32Gate, base64Gate, type Gate, hexGate, PROBE } from "./_run_gate.ts";
import { ALPHABET, ALPHABET_SOFT, HEXISH, HEXISH_SOFT, nextOf } from "./_run_search.ts";
import {
  Base32Decoder,
  BASE64_SOFT,
  Base64Decoder,
  HEX_SOFT,
  HexDecoder,
  type RunDecoder,
} from "./_run_decoders.ts";

/** Tries start within this many characters of a run's start. */
export const RESTART_WITHIN = 64;
const CR = 0x0d;
const LF = 0x0a;

/** One kind of run and the decodings tried on it. */
export interface RunKind {
  readonly bit: number;
  /** Characters a run needs before it is decoded. */
  readonly minRun: number;
  /** How runs are searched for (`minRun ≥ 4 × unit × (span + 1) - 1`). */
  readonly unit: 1 | 2;
  readonly span: number;
  /** Where a try may start again. */
  readonly soft: Uint8Array;
  /** The same characters as a `CLASS` bit (`_run_search.ts`). */
  readonly softBit: number;
  readonly decoders: readonly DecoderSpec[];
}

/** One decoding a kind of run is tried with. */
export interface DecoderSpec {
  readonly phrase: string;
  readonly make: () => RunDecoder;
  /** Whether a try from a character may pass its probe (`_run_gate.ts`). */
  readonly gate: Gate;
}

/** Base64 and base32 runs. */
export const ALPHABET_RUNS: RunKind = {
  bit: ALPHABET,
  // 18 bytes of base64, 15 of base32.
  minRun: 24,
  unit: 2,
  span: 2,
  soft: BASE64_SOFT,
  softBit: ALPHABET_SOFT,
  decoders: [
    {
      phrase: "base64 decoding",
      make: () => new Base64Decoder(),
      gate: base64Gate,
    },
    {
      phrase: "base32 decoding",
      make: () => new Base32Decoder(),
      gate: base32Gate,
    },
  ],
};

/** Hex runs, contiguous or delimited. */
export const HEX_RUNS: RunKind = {
  bit: HEXISH,
  // 16 bytes: shorter hex (ids, short hashes) holds no secret worth the scan.
  minRun: 32,
  unit: 1,
  span: 7,
  soft: HEX_SOFT,
  softBit: HEXISH_SOFT,
  decoders: [{ phrase: "hex decoding", make: () => new HexDecoder(), gate: hexGate }],
};

/**
 * Whether the run `[from, end)` is certain to be dead, judged on the chunk's bytes when they
 * settle it: no decoding's probe could pass from its start or after any soft character a try may
 * restart at (`_run_gate.ts`). Most runs in traffic (digests, paths, identifiers) end here
 * without being copied and judged one character at a time. `words` from `lead` are the chunk's
 * aligned words (as for `skipRun`); `closed`: the input ends after the run, at most line breaks
 * after it, so nothing can continue it.
 */
export function certainlyDead(
  kind: RunKind,
  bytes: Uint8Array,
  run: { from: number; end: number; words: Uint32Array; lead: number; closed: boolean },
): boolean {
  const { minRun, softBit, decoders } = kind;
  const { from, words, lead, closed } = run;
  const window = Math.min(bytes.length, from + RESTART_WITHIN + 2 * PROBE + 8);
  const end = Math.min(run.end, window);
  if (end - from < minRun) return false;
  const next = bytes[end];
  // A line break may continue the run (wrapped base64), unless the input ends there.
  if ((next === LF || next === CR) && !closed) return false;
  const ended = end < window || (closed && end === run.end);
  for (const { gate } of decoders) if (gate(bytes, from, end, ended)) return false;
  // Soft characters are rare: they are found a word at a time.
  const restarts = { from, to: Math.min(end, from + RESTART_WITHIN) };
  for (let k = nextOf(bytes, restarts, words, lead, softBit); k < restarts.to;) {
    for (const { gate } of decoders) if (gate(bytes, k + 1, end, ended)) return false;
    restarts.from = k + 1;
    k = nextOf(bytes, restarts, words, lead, softBit);
  }
  return true;
}
