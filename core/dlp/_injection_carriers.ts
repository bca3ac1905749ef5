/**
 * Where an injection hides, and where a quoted one sits, for `naive_injection_detection`. The
 * phrase automaton also finds these markers; the scanner (`_injection_context.ts`) turns them into
 * regions, and the checks below read a bounded stretch of bytes around a phrase.
 *
 * Strong carriers hide text from the human who reads the page but not from the model: HTML
 * comments, invisible CSS, zero-width characters inside words, Unicode tag characters. Weak
 * carriers hold text no one reads as prose but that is often legitimate: `<script>`, `<iframe>`,
 * `<noscript>`, `<template>` bodies, `alt`/`title`/`aria-label`/`data-*` attributes, and JSON
 * fields that models read as instructions (`description`, `instructions`…).
 */

/** What a marker does to the scanner's regions. */
export type MarkerKind =
  | "comment_open"
  | "comment_close"
  | "block_open"
  | "block_close"
  | "quote_open"
  | "quote_close"
  | "fence"
  | "style"
  | "zero_width"
  | "tag_char";

/** One marker pattern (matched case-insensitively, like the phrases). */
export interface Marker {
  readonly text: string;
  readonly kind: MarkerKind;
  /** How findings name the region it opens. */
  readonly label: string;
}

function markers(kind: MarkerKind, label: string, texts: readonly string[]): Marker[] {
  return texts.map((text) => ({ text, kind, label }));
}

/** Every marker, in pattern-id order after the phrases. */
export const MARKERS: readonly Marker[] = Object.freeze([
  ...markers("comment_open", "HTML comment", ["<!--"]),
  ...markers("comment_close", "HTML comment", ["-->"]),
  ...["script", "iframe", "noscript", "template"].flatMap((tag) => [
    ...markers("block_open", `<${tag}> body`, [`<${tag}`]),
    ...markers("block_close", `<${tag}> body`, [`</${tag}`]),
  ]),
  ...["pre", "code", "blockquote", "samp"].flatMap((tag) => [
    ...markers("quote_open", `<${tag}>`, [`<${tag}`]),
    ...markers("quote_close", `<${tag}>`, [`</${tag}`]),
  ]),
  ...markers("fence", "code fence", ["```"]),
  ...markers("style", "invisible CSS", ['style="', "style='"]),
  // UTF-8 of U+200B–U+200F, U+2060–U+2064 and U+FEFF.
  ...markers("zero_width", "zero-width characters inside words", [
    ..."\x8b\x8c\x8d\x8e\x8f".split("").map((b) => `\xe2\x80${b}`),
    ..."\xa0\xa1\xa2\xa3\xa4".split("").map((b) => `\xe2\x81${b}`),
    "\xef\xbb\xbf",
  ]),
  // The first three UTF-8 bytes of U+E0000–U+E007F.
  ...markers("tag_char", "invisible tag characters", ["\xf3\xa0\x80", "\xf3\xa0\x81"]),
]);

/** Weight of a strong carrier: hidden text plus one firm instruction blocks. */
export const STRONG_CARRIER = 3;
/** Weight of a weak carrier. */
export const WEAK_CARRIER = 1;
/** Weight of a carrier that blocks alone: long invisible text no page shows anyone. */
export const BLOCKING_CARRIER = 6;

/** Bytes of a `style` attribute value read to decide whether it hides its element. */
export const STYLE_READ = 256;
/** Bytes read back from a phrase to find the attribute or JSON string it sits in. */
export const LOOKBACK = 512;

/** Attributes whose value a browser does not render as prose but a model reads. */
const ATTRIBUTES = new Set(["alt", "title", "aria-label", "aria-description", "placeholder"]);
/** JSON keys that tools and models read as instructions. */
const JSON_KEYS = new Set([
  "description",
  "instructions",
  "instruction",
  "system",
  "system_prompt",
  "prompt",
  "note",
  "notes",
  "comment",
  "hint",
  "usage",
]);

const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;

/**
 * Name the attribute or JSON field whose quoted value holds `bytes[start]`, if it is one that
 * carries text to a model without showing it as prose.
 *
 * @param bytes The scanned bytes.
 * @param start Index of the phrase's first byte.
 * @param floor Lowest index that may be read (`start - LOOKBACK`, or the input's start).
 * @returns A label such as `alt attribute` or `JSON "description" field`.
 */
export function quotedCarrier(bytes: Uint8Array, start: number, floor: number): string | undefined {
  let q = start - 1;
  // The nearest unescaped quote before the phrase opens its value when a name and `=`/`:` precede.
  while (q >= floor) {
    const b = bytes[q]!;
    if ((b === QUOTE || b === APOSTROPHE) && bytes[q - 1] !== BACKSLASH) break;
    q--;
  }
  if (q < floor) return undefined;
  let k = skipSpaceBack(bytes, q - 1, floor);
  const sep = bytes[k];
  if (sep === 0x3d) {
    const name = nameBefore(bytes, skipSpaceBack(bytes, k - 1, floor), floor);
    if (ATTRIBUTES.has(name) || (name.startsWith("data-") && name.length > 5)) {
      return `${name.startsWith("data-") ? "data-*" : name} attribute`;
    }
    return undefined;
  }
  if (sep !== 0x3a || bytes[q] !== QUOTE) return undefined;
  k = skipSpaceBack(bytes, k - 1, floor);
  if (bytes[k] !== QUOTE) return undefined;
  const key = nameBefore(bytes, k - 1, floor);
  return bytes[k - 1 - key.length] === QUOTE && JSON_KEYS.has(key)
    ? `JSON "${key}" field`
    : undefined;
}

function skipSpaceBack(bytes: Uint8Array, from: number, floor: number): number {
  let k = from;
  while (k >= floor && (bytes[k] === 0x20 || bytes[k] === 0x09 || bytes[k] === 0x0a)) k--;
  return k;
}

/** The lower-cased run of name characters (letters, digits, `-`, `_`) ending at `end`. */
function nameBefore(bytes: Uint8Array, end: number, floor: number): string {
  let k = end;
  while (k >= floor && end - k < 40 && isNameByte(bytes[k]!)) k--;
  return String.fromCharCode(...bytes.subarray(k + 1, end + 1)).toLowerCase();
}

function isNameByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) ||
    b === 0x2d || b === 0x5f;
}

/**
 * Whether an inline style hides its element from a human reader, and how.
 *
 * @param value The attribute value (at most {@link STYLE_READ} bytes), up to its closing quote.
 * @returns A label such as `display:none`, or undefined when the element shows.
 */
export function invisibleStyle(value: string): string | undefined {
  const css = value.toLowerCase().replace(/\s+/g, "");
  const decls = new Map<string, string>();
  for (const decl of css.split(";")) {
    const colon = decl.indexOf(":");
    if (colon > 0) decls.set(decl.slice(0, colon), decl.slice(colon + 1).replace("!important", ""));
  }
  if (decls.get("display") === "none") return "display:none";
  const visibility = decls.get("visibility");
  if (visibility === "hidden" || visibility === "collapse") return `visibility:${visibility}`;
  if (isZero(decls.get("opacity"))) return "opacity:0";
  if (isZero(decls.get("font-size"))) return "font-size:0";
  for (
    const side of ["left", "top", "right", "bottom", "text-indent", "margin-left", "margin-top"]
  ) {
    if (/^-\d{4,}/.test(decls.get(side) ?? "")) return `${side} far off-screen`;
  }
  const color = decls.get("color");
  if (color === "transparent") return "color:transparent";
  const background = decls.get("background-color") ?? decls.get("background");
  if (color !== undefined && color === background) return "text color equal to background";
  for (const size of ["height", "max-height", "width", "max-width"]) {
    if (isZero(decls.get(size)) && decls.get("overflow") === "hidden") return `${size}:0`;
  }
  if ((decls.get("clip") ?? "").startsWith("rect(0")) return "clip:rect(0…)";
  return undefined;
}

function isZero(value: string | undefined): boolean {
  return value !== undefined && /^0*\.?0*(px|em|rem|pt|%)?$/.test(value) && /^[0.]/.test(value);
}
