/**
 * Body framing decisions (RFC 9112 §6), strict enough to shut the request-smuggling doors: a
 * message that two parsers could frame differently is rejected instead of guessed at.
 *
 * @module
 */
import type { Framing, RequestHead, ResponseHead } from "./types.ts";
import type { HeaderList } from "./header_list.ts";
import { listTokens, trimOws } from "./_syntax.ts";
import { fail } from "./_fail.ts";
import type { Side } from "./_fail.ts";

const NONE: Framing = Object.freeze({ kind: "none" });
const CHUNKED: Framing = Object.freeze({ kind: "chunked" });
const CLOSE: Framing = Object.freeze({ kind: "close" });

/** 15 digits stays below 2^53, so the length is exact. */
const LENGTH = /^\d{1,15}$/;

/**
 * Decide how the body of a request is delimited.
 *
 * @param head A parsed or constructed request head.
 * @returns `none` without Content-Length/Transfer-Encoding (and always for CONNECT), else
 *   `length` or `chunked`.
 * @throws {HttpParseError} 400 for conflicting or malformed framing headers, 501 for a transfer
 *   coding other than `chunked`.
 */
export function requestFraming(head: RequestHead): Framing {
  const declared = declaredFraming(head.headers, head.version, "request");
  if (head.method === "CONNECT") {
    if (declared === null || (declared.kind === "length" && declared.length === 0)) return NONE;
    throw fail("bad-content-length", "a CONNECT request cannot have a body", { side: "request" });
  }
  return declared ?? NONE;
}

/**
 * Decide how the body of a response is delimited.
 *
 * @param head A parsed or constructed response head.
 * @param method Method of the request it answers (HEAD and CONNECT change the answer).
 * @returns `none` for HEAD, 1xx, 204, 304 and a 2xx to CONNECT; else `length`, `chunked`, or
 *   `close` when neither header is present.
 * @throws {HttpParseError} 502 for conflicting or malformed framing headers.
 */
export function responseFraming(head: ResponseHead, method: string): Framing {
  const declared = declaredFraming(head.headers, head.version, "response");
  const status = head.status;
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return NONE;
  if (method === "CONNECT" && status < 300) return NONE;
  return declared ?? CLOSE;
}

function declaredFraming(
  headers: HeaderList,
  version: string,
  side: Side,
): Framing | null {
  const te = headers.getAll("transfer-encoding");
  const cl = headers.getAll("content-length");
  if (te.length > 0) {
    if (cl.length > 0) {
      throw fail("bad-transfer-encoding", "both Content-Length and Transfer-Encoding", { side });
    }
    if (version === "HTTP/1.0") {
      throw fail("bad-transfer-encoding", "Transfer-Encoding in an HTTP/1.0 message", { side });
    }
    return transferCoding(te.join(","), side);
  }
  if (cl.length === 0) return null;
  let length: string | undefined;
  for (const element of cl.join(",").split(",")) {
    const digits = trimOws(element);
    if (!LENGTH.test(digits)) {
      throw fail("bad-content-length", `invalid Content-Length ${JSON.stringify(digits)}`, {
        side,
      });
    }
    if (length !== undefined && Number(length) !== Number(digits)) {
      throw fail("bad-content-length", `conflicting Content-Length values`, { side });
    }
    length = digits;
  }
  return { kind: "length", length: Number(length) };
}

function transferCoding(value: string, side: Side): Framing {
  const codings = listTokens(value);
  const chunked = codings.filter((c) => c === "chunked").length;
  if (chunked === 1 && codings.length === 1) return CHUNKED;
  // Other codings (gzip, …) would reach the peer undecoded once we drop the header: refuse them.
  if (codings.length > 0 && (chunked === 0 || (chunked === 1 && codings.at(-1) === "chunked"))) {
    throw fail("unsupported-transfer-encoding", `unsupported Transfer-Encoding "${value}"`, {
      side,
    });
  }
  throw fail("bad-transfer-encoding", `invalid Transfer-Encoding "${value}"`, { side });
}
