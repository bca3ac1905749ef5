import { Buffer } from "node:buffer";

/**
 * The forms of a known secret that `known_secrets` looks for, reduced to their "projection": the
 * sequence of letters and digits, case-folded, with everything else dropped. Matching projections
 * instead of literal strings is what catches the separator-injected forms (`a-b-c`, `a b c`,
 * base64 wrapped at 76 columns, `%61%62%63`) with no extra pass:
 *
 * - `raw`: the secret itself.
 * - `hex`: hex of its UTF-8 bytes. Case-folding makes lower, upper and mixed case one pattern,
 *   and the projection of `%61%62…` (every byte percent-encoded) is exactly this hex.
 * - `base64`: for each of the three byte alignments, the characters fully determined by the
 *   secret. `+/` and `-_` are dropped by the projection, so the standard and URL alphabets share
 *   one pattern.
 * - `url`: percent-encoding of reserved characters only (`encodeURIComponent`, and RFC 3986 which
 *   also encodes `!'()*`), when it differs from `raw`.
 * - `reversed`: the raw form backwards.
 *
 * Every form is built from the secret's *secret part* ({@link secretPart}): a public prefix such
 * as `ghp_` or the canary's `bbcanary-` is no protection, so sending only what follows it must be
 * caught too. The whole value contains the part, so matching the part also matches the whole.
 */

/** Secrets with fewer letters and digits than this are ignored: too likely to occur by chance. */
export const MIN_SECRET_ALNUM = 8;

/** Separator runs longer than this end a separator-injected match (raised when a form needs it). */
const DEFAULT_MAX_GAP = 8;

/** Which encoding of the secret a pattern is. */
export type SecretVariant = "raw" | "hex" | "base64" | "url" | "reversed";

/** One projected pattern. */
export interface SecretPattern {
  /** Alphanumeric classes 1..36 (digits, then case-folded letters). */
  readonly classes: readonly number[];
  /** Index into the secrets list, or -1 for the canary. */
  readonly owner: number;
  /** The encoding the pattern stands for. */
  readonly variant: SecretVariant;
}

/** All patterns of a secret set, deduplicated (the canary wins a tie). */
export interface SecretPatternSet {
  /** The patterns. */
  readonly patterns: readonly SecretPattern[];
  /** The longest separator run inside any form, at least {@link DEFAULT_MAX_GAP}. */
  readonly maxGap: number;
  /** The secret part of an owner's value (-1 is the canary). */
  value(owner: number): string | undefined;
}

/** Class of a byte: 0 for a separator, 1..10 for digits, 11..36 for letters of either case. */
export function alnumClass(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 47;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 86;
  return 0;
}

/** Derive the patterns of every secret long enough to scan for. */
export function secretPatterns(secrets: readonly string[], canary?: string): SecretPatternSet {
  const byKey = new Map<string, SecretPattern>();
  let maxGap = DEFAULT_MAX_GAP;
  const add = (owner: number, value: string) => {
    if (project(value).length < MIN_SECRET_ALNUM) return;
    for (const [variant, form] of forms(secretPart(value))) {
      const classes = project(form);
      if (classes.length < MIN_SECRET_ALNUM) continue;
      maxGap = Math.max(maxGap, longestGap(form));
      // The canary is added first, so a secret equal to it is reported as the canary.
      const key = classes.join(",");
      if (!byKey.has(key)) byKey.set(key, { classes, owner, variant });
    }
  };
  if (canary !== undefined) add(-1, canary);
  secrets.forEach((secret, i) => add(i, secret));
  return {
    patterns: [...byKey.values()],
    maxGap,
    value: (owner) => {
      const value = owner === -1 ? canary : secrets[owner];
      return value === undefined ? undefined : secretPart(value);
    },
  };
}

/** Letters and digits a secret part must keep for a prefix to be stripped from it. */
export const MIN_PART_ALNUM = 16;

/** One leading public segment: a short word that starts with a letter, then `-` or `_`. */
const PREFIX_SEGMENT = /^[A-Za-z][A-Za-z0-9]{0,9}[-_]/;

/**
 * The part of a secret that is secret: the value without leading public segments (`ghp_`,
 * `sk-ant-api03-`, `bbcanary-`), stripped one at a time while at least {@link MIN_PART_ALNUM}
 * letters and digits remain. A value with no such prefix, or too short to lose one, is its own
 * secret part.
 *
 * @param value A provisioned secret or the canary.
 * @returns The secret part (a suffix of `value`).
 */
export function secretPart(value: string): string {
  let part = value;
  for (let m = PREFIX_SEGMENT.exec(part); m !== null; m = PREFIX_SEGMENT.exec(part)) {
    const rest = part.slice(m[0].length);
    if (project(rest).length < MIN_PART_ALNUM) break;
    part = rest;
  }
  return part;
}

/** Every encoded form of `value`, as latin1 strings (one character per byte). */
function forms(value: string): [SecretVariant, string][] {
  const utf8 = Buffer.from(value, "utf8");
  const out: [SecretVariant, string][] = [
    ["raw", utf8.toString("latin1")],
    ["hex", utf8.toString("hex")],
  ];
  for (let align = 0; align < 3; align++) {
    const encoded = Buffer.concat([Buffer.alloc(align), utf8]).toString("base64");
    const from = Math.ceil((8 * align) / 6);
    const to = Math.floor((8 * (align + utf8.length)) / 6);
    out.push(["base64", encoded.slice(from, to)]);
  }
  const component = encodeURIComponent(value);
  out.push(["url", component]);
  out.push(["url", component.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)]);
  out.push(["reversed", [...utf8.toString("latin1")].reverse().join("")]);
  return out;
}

function project(form: string): number[] {
  const classes: number[] = [];
  for (let i = 0; i < form.length; i++) {
    const c = alnumClass(form.charCodeAt(i));
    if (c !== 0) classes.push(c);
  }
  return classes;
}

/** Longest run of separators between two alphanumerics of `form`. */
function longestGap(form: string): number {
  let longest = 0;
  let run = 0;
  let seenAlnum = false;
  for (let i = 0; i < form.length; i++) {
    if (alnumClass(form.charCodeAt(i)) !== 0) {
      if (seenAlnum) longest = Math.max(longest, run);
      seenAlnum = true;
      run = 0;
    } else {
      run++;
    }
  }
  return longest;
}
