/**
 * `checksummed` (outbound, on by default, block): financial and personal data that carries its own
 * check digits (payment cards, IBANs, Bitcoin keys and addresses, national identifiers).
 * See `_checksum_scanner.ts` for how candidates are found and `_checksum_words.ts` for the rules;
 * identifiers told apart only by the name next to them are `_national_ids.ts`.
 */
import { ChecksumPass } from "./_checksum_scanner.ts";
import type { Detector } from "./_detector.ts";
import { keyedIdMatcher } from "./_keyed_ids.ts";
import { type TokenMatcher, TokenPass } from "./_token_scanner.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** Two passes as one: the checksum scan and the keyed identifiers. */
class Both implements ScanPass {
  readonly #passes: readonly ScanPass[];

  constructor(passes: readonly ScanPass[]) {
    this.#passes = passes;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    for (const pass of this.#passes) pass.scan(win, out);
  }

  keepFrom(): number {
    return Math.min(...this.#passes.map((pass) => pass.keepFrom()));
  }
}

/** The detector. */
export const CHECKSUMMED = {
  name: "checksummed",
  direction: "outbound",
  listable: true,
  defaultOn: true,
  emits: ["checksummed"],
  compile: () => keyedIdMatcher(),
  pass: (keyed, scan) =>
    scan.enabled
      ? new Both([new ChecksumPass(scan.location), new TokenPass(keyed, scan.location)])
      : undefined,
} as const satisfies Detector<"checksummed", TokenMatcher>;
