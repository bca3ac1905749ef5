/**
 * The shape of a `token_patterns` table entry and the helpers the tables are written with.
 *
 * A rule is data: its literals, its regex source, and the examples a test runs (every true
 * positive must be found by exactly that rule, every false positive by none). Examples are fakes
 * made by {@link fake}, never real keys.
 */

/** Which character may not precede a match (so `xghp_…` inside a longer word does not start one). */
export type LeftBoundary = "alnum" | "base64url" | "none";

/**
 * A text that holds one credential: the whole string is the credential, or `[before, value,
 * after]` where only `value` is (a keyword rule reports the value, not its label).
 */
export type Example = string | readonly [before: string, value: string, after?: string];

/** One table entry. */
export interface TokenSpec {
  /** Rule name reported in findings. */
  readonly name: string;
  /** A match starts with one of these (each at least 3 characters). */
  readonly literals: readonly string[];
  /** Sticky regex source run at the literal: every quantifier bounded. */
  readonly source: string;
  /** Upper bound of a match's length from the literal: the stream overlap this rule needs. */
  readonly maxLength: number;
  /** Characters that may not precede the literal. */
  readonly leftBoundary: LeftBoundary;
  /** Leading characters safe to show in a snippet (the public prefix). */
  readonly shown: number;
  /** Compare literals and the regex ASCII case-insensitively. */
  readonly ignoreCase?: boolean;
  /** Run the regex case-insensitively while literals compare exactly (default: `ignoreCase`). */
  readonly regexIgnoreCase?: boolean;
  /** Characters after a match the regex may still look at (default 1). */
  readonly slack?: number;
  /** The finding runs from capture group 1 (which may begin in a lookbehind) to the match end. */
  readonly valueGroup?: boolean;
  /**
   * Matches this rejects are not reported: public by design (unsigned JWTs), or failing their
   * check digits (national identifiers).
   */
  readonly reject?: (value: string) => boolean;
  /** Texts with one credential of this format. */
  readonly tp: readonly Example[];
  /** Near misses (placeholders, wrong length or charset, prose) that no rule may flag. */
  readonly fp: readonly string[];
}

/** Regex character classes the tables share. */
export const HEX = "[0-9a-f]";
export const ALNUM = "[A-Za-z0-9]";
export const UPPER_ALNUM = "[A-Z0-9]";
export const B64URL = "[A-Za-z0-9_-]";
export const B64 = "[A-Za-z0-9+/]";

/** Character sets for {@link fake}. */
export const CHARS = {
  hex: "0123456789abcdef",
  alnum: "aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5AbCdEfGhIjKlMnOpQrStUvWxYz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  lower: "abcdefghijklmnopqrstuvwxyz0123456789",
  b64url: "aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5AbCdEfGhIjKlMnOpQrStUvWxYz_-",
  b64: "aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5AbCdEfGhIjKlMnOpQrStUvWxYz+/",
  digits: "0123456789",
} as const;

/** `n` pseudo-random characters of `chars` (deterministic per seed): obvious fakes for examples. */
export function fake(chars: string, n: number, seed = 1): string {
  let state = (seed * 2654435761) >>> 0;
  let out = "";
  for (let i = 0; i < n; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out += chars[(state >>> 16) % chars.length];
  }
  return out;
}

/** Rejects a value that starts with 8 equal characters (`XXXXXXXX`, `00000000`: placeholders). */
function notRepeated(group = "same"): string {
  return `(?!(?<${group}>[^\\n])\\k<${group}>{7})`;
}

/** {@link notRepeated} with the group name the helpers use. */
export const NOT_REPEATED = notRepeated();

/** Between a label and its value: optional quote, `=`, `:`, `=>` or `:=`, optional quote. */
const ASSIGN = `["']?[ \\t]{0,4}(?:=>|:=|[:=])[ \\t]{0,4}["'\`]?`;
const ASSIGN_MAX = 12;
/** The word a label must end in, so `HEROKU_APP_ID` or `DISCORD_CLIENT_ID` never qualify. */
const CREDENTIAL = "(?:key|token|secret|password|passwd|pwd|pat|auth|credentials?|creds)";
const CREDENTIAL_MAX = 11;
/** First letters of the credential words and their usual qualifiers (`api`, `auth`, `client`). */
const CREDENTIAL_STARTS = "ackpst";
/** Bytes that may not follow a value (it would be longer than the format). */
const VALUE_END = "(?![A-Za-z0-9_+/=-])";

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Options shared by the helpers. */
interface Extra {
  readonly tp: readonly Example[];
  readonly fp: readonly string[];
  readonly shown?: number;
}

/**
 * A format with a distinctive prefix: one of `literals`, then `min..max` characters of `body`,
 * then no further `body` character (`end` false drops that check for formats with no end).
 */
export function prefixed(
  name: string,
  literals: string | readonly string[],
  body: string,
  [min, max]: readonly [number, number],
  extra: Extra & {
    readonly end?: boolean;
    readonly lookahead?: string;
    readonly leftBoundary?: LeftBoundary;
  },
): TokenSpec {
  const list = typeof literals === "string" ? [literals] : literals;
  const end = extra.end === false ? "" : `(?!${body})`;
  const ahead = extra.lookahead ?? "";
  return {
    name,
    literals: list,
    source: `(?:${list.map(escape).join("|")})${NOT_REPEATED}${ahead}${body}{${min},${max}}${end}`,
    maxLength: Math.max(...list.map((l) => l.length)) + max,
    // A body with `_` or `-` needs the wider boundary, or each literal in a run of them would
    // rescan the run (`sntrys_sntrys_…`).
    leftBoundary: extra.leftBoundary ?? "alnum",
    shown: extra.shown ?? Math.min(...list.map((l) => l.length)),
    tp: extra.tp,
    fp: extra.fp,
  };
}

/**
 * A format with no distinctive prefix, found next to its label: a keyword, up to 24 identifier
 * characters, a credential word (`key`, `token`, `secret`…), an assignment,
 * then the value (`value` is a regex source of bounded length `valueMax`). Only the value is
 * reported.
 */
export function labelled(
  name: string,
  keywords: string | readonly string[],
  value: string,
  valueMax: number,
  extra: Extra,
): TokenSpec {
  const words = typeof keywords === "string" ? [keywords] : keywords;
  // Looked up in the spellings labels use, never by a bare word (which every base64 body and
  // most prose would hit): `heroku_` or `HEROKU_` before the first letter of a credential word
  // (`heroku_api_key`, `HEROKU_TOKEN`…), whose bigrams around the `_` are rare everywhere. Other
  // spellings (camel case, `heroku.key`) are missed.
  const literals = words.flatMap((k) =>
    /[_.-]/.test(k) ? [k, k.toUpperCase()] : Array.from(CREDENTIAL_STARTS, (c) => [
      `${k}_${c}`,
      `${k}_${c}`.toUpperCase(),
    ]).flat()
  );
  return {
    name,
    literals,
    regexIgnoreCase: true,
    source: `(?:${words.map(escape).join("|")})[A-Za-z0-9_.-]{0,24}?${CREDENTIAL}${ASSIGN}` +
      `(${NOT_REPEATED}${value})${VALUE_END}`,
    maxLength: Math.max(...words.map((k) => k.length)) + 24 + CREDENTIAL_MAX + ASSIGN_MAX +
      valueMax,
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    tp: extra.tp,
    fp: extra.fp,
  };
}
