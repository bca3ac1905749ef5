// Start-line and field-section parsing for heads already cut at CRLF CRLF. Everything that is not
// exactly the RFC 9112 grammar is rejected: no obs-fold, no whitespace before the colon, no bare CR.
import { HeaderList } from "./header_list.ts";
import { ANY_VERSION, FIELD_VALUE, quote, TARGET, TOKEN, trimOws } from "./_syntax.ts";
import { fail } from "./_fail.ts";
import type { Side } from "./_fail.ts";
import type { HttpVersion, RequestHead, ResponseHead } from "./types.ts";

const STATUS_LINE = /^(HTTP\/\d\.\d) ([1-9]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@[\]:]+):\d{1,5}$/;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** Parse a request head (without its final CRLF CRLF, decoded as latin1). */
export function parseRequestHead(text: string, maxHeaders: number): RequestHead {
  const lines = text.split("\r\n");
  const line = lines[0]!;
  const sp1 = line.indexOf(" ");
  const sp2 = line.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0 || line.includes(" ", sp2 + 1)) {
    throw fail("bad-start-line", `malformed request line ${quote(line)}`, { side: "request" });
  }
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  if (!TOKEN.test(method)) {
    throw fail("bad-start-line", `invalid method ${quote(method)}`, { side: "request" });
  }
  const version = checkVersion(line.slice(sp2 + 1), "request");
  if (!TARGET.test(target) || !targetFits(method, target)) {
    throw fail("bad-target", `invalid request target ${quote(target)}`, { side: "request" });
  }
  const headers = parseFields(lines, { side: "request", maxHeaders }, 1);
  const hosts = headers.getAll("host").length;
  if (hosts > 1 || (hosts === 0 && version === "HTTP/1.1")) {
    throw fail("bad-host", `an HTTP/1.1 request needs exactly one Host, got ${hosts}`, {
      side: "request",
    });
  }
  return { method, target, version, headers };
}

/** Parse a response head (without its final CRLF CRLF, decoded as latin1). */
export function parseResponseHead(text: string, maxHeaders: number): ResponseHead {
  const lines = text.split("\r\n");
  const match = STATUS_LINE.exec(lines[0]!);
  if (match === null) {
    throw fail("bad-start-line", `malformed status line ${quote(lines[0]!)}`, { side: "response" });
  }
  const version = checkVersion(match[1]!, "response");
  const headers = parseFields(lines, { side: "response", maxHeaders }, 1);
  return { status: Number(match[2]), reason: match[3] ?? "", version, headers };
}

/** Options of {@link parseFields}. */
export interface FieldOptions {
  /** Who sent the fields. */
  side: Side;
  /** Most fields allowed. */
  maxHeaders: number;
}

/**
 * Parse field lines into a list, enforcing the field-count limit.
 *
 * @param lines The lines; those before `from` (a start line) are not fields.
 * @param options Who sent them and how many are allowed.
 * @param from The first field line.
 * @returns The fields.
 */
export function parseFields(lines: readonly string[], options: FieldOptions, from = 0): HeaderList {
  const { side, maxHeaders } = options;
  if (lines.length - from > maxHeaders) {
    throw fail("too-many-headers", `more than ${maxHeaders} header fields`, { side });
  }
  const headers = new HeaderList();
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = fieldColon(line, side);
    const name = line.slice(0, colon);
    const value = trimOws(line.slice(colon + 1));
    try {
      // The list checks the name and the value; once per field is enough (issue 16).
      headers.append(name, value);
    } catch {
      throw fieldError(name, side);
    }
  }
  return headers;
}

/** Split one field line into name and OWS-trimmed value. */
export function parseField(line: string, side: Side): [string, string] {
  const colon = fieldColon(line, side);
  const name = line.slice(0, colon);
  const value = trimOws(line.slice(colon + 1));
  if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) throw fieldError(name, side);
  return [name, value];
}

/** Where a field line's name ends; refuses folding and lines without a name. */
function fieldColon(line: string, side: Side): number {
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09) {
    throw fail("bad-header", "obsolete line folding in a header field", { side });
  }
  const colon = line.indexOf(":");
  if (colon <= 0) {
    throw fail("bad-header", `invalid header name ${quote(colon < 0 ? line : "")}`, { side });
  }
  return colon;
}

/** Why a field with a well-placed colon was refused: its name, or else its value. */
function fieldError(name: string, side: Side): Error {
  if (!TOKEN.test(name)) return fail("bad-header", `invalid header name ${quote(name)}`, { side });
  return fail("bad-header", `header "${name}" has a control character in its value`, { side });
}

function checkVersion(version: string, side: Side): HttpVersion {
  if (version === "HTTP/1.1" || version === "HTTP/1.0") return version;
  if (ANY_VERSION.test(version)) {
    throw fail("unsupported-version", `unsupported HTTP version ${quote(version)}`, { side });
  }
  throw fail("bad-version", `invalid HTTP version ${quote(version)}`, { side });
}

function targetFits(method: string, target: string): boolean {
  if (method === "CONNECT") return AUTHORITY.test(target);
  if (target === "*") return method === "OPTIONS";
  return target.startsWith("/") || ABSOLUTE.test(target);
}
