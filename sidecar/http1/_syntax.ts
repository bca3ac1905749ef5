// RFC 9110 grammar pieces shared by the parser, the header list and the writer.

/** `token` (field names, methods, transfer codings). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A field value after OWS trimming: VCHAR, obs-text, SP and HTAB only (no NUL, CR, LF, CTL). */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A request target: visible ASCII only, so no whitespace, controls or raw non-ASCII bytes. */
export const TARGET = /^[\x21-\x7e]+$/;

/** `HTTP-version` syntax, whatever the numbers. */
export const ANY_VERSION = /^HTTP\/\d\.\d$/;

/** Remove leading and trailing optional whitespace (SP / HTAB), as field parsing requires. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Split a comma-separated field value into trimmed, non-empty, lower-cased elements. */
export function listTokens(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(",")) {
    const item = trimOws(part).toLowerCase();
    if (item !== "") out.push(item);
  }
  return out;
}

/** Echo at most a short prefix of bad input, JSON-quoted so control bytes stay visible. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
