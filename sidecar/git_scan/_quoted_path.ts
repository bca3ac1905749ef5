const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const TAB = 0x09;
// The escapes of git's quote_c_style besides octal.
const ESCAPES: Readonly<Record<string, number>> = Object.freeze({
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': QUOTE,
  "\\": BACKSLASH,
});

/**
 * The file path named by a `+++ ` diff header (the bytes after `+++ `), or undefined for
 * `/dev/null`. Git quotes names with unusual bytes in C style (`"b/a\tb"`), and appends a tab to
 * an unquoted name that contains a space. Names are bytes; they are decoded as UTF-8.
 *
 * @throws {SyntaxError} When the header is not a `b/` path or its quoting is malformed.
 */
export function newPath(header: Uint8Array): string | undefined {
  const unquotedWithTab = header[0] !== QUOTE && header.at(-1) === TAB;
  const text = rawPath(unquotedWithTab ? header.subarray(0, -1) : header);
  if (text === "/dev/null") return undefined;
  if (!text.startsWith("b/")) {
    throw new SyntaxError(`Cannot scan push: unexpected diff header "+++ ${text}"`);
  }
  return text.slice(2);
}

/**
 * A path field of `git diff --raw` (tab-separated, no `a/`/`b/` prefix), unquoted if git quoted
 * it in C style, decoded as UTF-8.
 *
 * @throws {SyntaxError} When its quoting is malformed.
 */
export function rawPath(field: Uint8Array): string {
  return new TextDecoder().decode(field[0] === QUOTE ? unquote(field) : field);
}

function unquote(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 1;
  while (i < bytes.length && bytes[i] !== QUOTE) {
    const c = bytes[i]!;
    if (c !== BACKSLASH) {
      out.push(c);
      i += 1;
      continue;
    }
    const next = String.fromCharCode(bytes[i + 1] ?? 0);
    const octal = String.fromCharCode(...bytes.subarray(i + 1, i + 4));
    if (/^[0-3][0-7]{2}$/.test(octal)) {
      out.push(parseInt(octal, 8));
      i += 4;
    } else if (Object.hasOwn(ESCAPES, next)) {
      out.push(ESCAPES[next]!);
      i += 2;
    } else {
      throw new SyntaxError(`Cannot scan push: bad escape in quoted diff path`);
    }
  }
  // A tab follows the closing quote when the quoted name contains a space.
  const rest = bytes.length - i;
  if (rest !== 1 && !(rest === 2 && bytes[i + 1] === TAB)) {
    throw new SyntaxError(`Cannot scan push: malformed quoted diff path`);
  }
  return Uint8Array.from(out);
}
