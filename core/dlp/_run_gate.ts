/**
 * A shortcut for the run views: whether a decoding's probe could accept a try that starts at a
 * given character, worked out from the characters at hand instead of a decoding followed one
 * character at a time. A probe judges the first {@link PROBE} or more decoded bytes (at the end of
 * a run, at least {@link MIN_DECODED}) and accepts at most one non-printable byte in eight; this
 * decodes the same bytes and counts the same way, so it answers "no" exactly when the probe
 * would, and "maybe" when the characters at hand do not settle it. Most runs in traffic (hex
 * digests, paths, identifiers) are settled here in a few steps.
 */
import type { RunDecoder, Sink } from "./_run_decoders.ts";

/** Decoded bytes a probe judges. */
export const PROBE = 10;
/** At the end of a run, fewer decoded bytes than this are not scanned. */
export const MIN_DECODED = 8;

/** Printable ASCII, tab, LF, CR. */
export function isBad(byte: number): boolean {
  return byte > 0x7e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
}

/** Counts decoded bytes and the non-printable ones among them. */
class Counter implements Sink {
  count = 0;
  bad = 0;

  emit(byte: number): void {
    this.count++;
    if (isBad(byte)) this.bad++;
  }
}

/**
 * Whether a try decoded by `make` from `chars[from]` could pass its probe.
 *
 * @param make A fresh decoder of the encoding.
 * @param chars The run's characters.
 * @param from The try's first character.
 * @param to One past the last character known so far.
 * @param ended Whether the run ends at `to`.
 * @returns False only when the probe is certain to refuse the try.
 */
export function mayPass(
  make: () => RunDecoder,
  chars: Uint8Array,
  from: number,
  to: number,
  ended: boolean,
): boolean {
  const decoder = make();
  const counter = new Counter();
  for (let i = from; i < to && counter.count < PROBE; i++) {
    if (!decoder.push(chars[i]!, i, counter)) return false;
  }
  if (counter.count < PROBE) {
    if (!ended) return true;
    decoder.flush(counter);
    if (counter.count < MIN_DECODED) return false;
  }
  return counter.bad * 8 <= counter.count;
}
