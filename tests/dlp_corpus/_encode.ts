/** The encodings an agent (or an attacker steering one) wraps a secret in. */
import { Buffer } from "node:buffer";

/** Standard base64 of UTF-8 text. */
export function b64(text: string | Uint8Array): string {
  return Buffer.from(typeof text === "string" ? new TextEncoder().encode(text) : text).toString(
    "base64",
  );
}

/** URL-safe base64 without padding. */
export function b64url(text: string | Uint8Array): string {
  return b64(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Base64 broken into lines (MIME: 76 columns and CRLF; PEM: 64 and LF). */
export function b64wrapped(text: string | Uint8Array, width: number, eol: string): string {
  const flat = b64(text);
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += width) lines.push(flat.slice(i, i + width));
  return lines.join(eol);
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32, upper case, padded. */
export function b32(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

/** Hex of UTF-8 text, each byte followed by `sep` except the last, with `prefix` before each. */
export function hex(
  text: string,
  options: { sep?: string; prefix?: string; upper?: boolean } = {},
) {
  const parts = [...new TextEncoder().encode(text)].map((b) =>
    (options.prefix ?? "") + b.toString(16).padStart(2, "0")
  );
  const out = parts.join(options.sep ?? "");
  return options.upper ? out.toUpperCase() : out;
}

/** Percent-encode every byte, `times` times over (the second pass encodes the `%`s). */
export function pctAll(text: string, times = 1): string {
  let out = [...new TextEncoder().encode(text)].map((b) =>
    "%" + b.toString(16).toUpperCase().padStart(2, "0")
  ).join("");
  for (let i = 1; i < times; i++) out = out.replace(/%/g, "%25");
  return out;
}

/** A JSON string literal with every character written as `\uXXXX`. */
export function jsonUnicodeEscaped(text: string): string {
  return '"' +
    [...text].map((c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")).join("") +
    '"';
}

/** Every other character as `\uXXXX`, the rest plain. */
export function jsonHalfEscaped(text: string): string {
  return '"' +
    [...text].map((c, i) => i % 2 === 0 ? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0") : c)
      .join("") +
    '"';
}
