/**
 * `checksummed` (outbound, on by default, block): financial and personal data that carries its own
 * check digits (payment cards, IBANs, Bitcoin keys and addresses, a few national identifiers).
 * See `_checksum_scanner.ts` for how candidates are found, `_checksum_words.ts` and
 * `_checksum_chains.ts` for the rules.
 * Identifiers told apart only by the name written next to them are `token_patterns` entries
 * (`_national_ids.ts`): its keyword lookup finds them in the same pass as credentials.
 */
import { ChecksumPass } from "./_checksum_scanner.ts";
import type { Detector } from "./_detector.ts";

/** The detector. */
export const CHECKSUMMED = {
  name: "checksummed",
  direction: "outbound",
  listable: true,
  defaultOn: true,
  emits: ["checksummed"],
  compile: () => undefined,
  pass: (_state, scan) => scan.enabled ? new ChecksumPass(scan.location) : undefined,
} as const satisfies Detector<"checksummed", undefined>;
