/**
 * The HTTP request around a fuzzed body (an MCP message, a git pkt-line stream): a valid request
 * for the body, whose method, path, headers and framing are sometimes broken too, and which the
 * generic HTTP mutator or the byte mutator sometimes takes over.
 */
import { mutateBytes } from "./_mutate_bytes.ts";
import { mutateRequest } from "./_mutate_http.ts";
import { below, pick, type Random } from "./_random.ts";
import { fromLatin1, latin1 } from "./_seeds.ts";

/** A request before it is written out. */
export interface Envelope {
  method: string;
  path: string;
  headers: [string, string][];
  body: Uint8Array;
}

/** One change to an envelope. */
export type EnvelopeMutation = (e: Envelope, r: Random) => void;

/** Changes that apply to any request; targets add their own. */
export const COMMON_MUTATIONS: readonly EnvelopeMutation[] = [
  (e, r) =>
    void (e.method = pick(["GET", "DELETE", "PUT", "OPTIONS", "HEAD", "PATCH", "post", "BREW"], r)),
  (e, r) => {
    const name = pick(e.headers, r)?.[0];
    e.headers = e.headers.filter(([n]) => n !== name);
  },
  (e, r) =>
    e.headers.push([
      pick([
        "Content-Length",
        "Content-Type",
        "Content-Encoding",
        "Accept",
        "Host",
        "Transfer-Encoding",
      ], r),
      pick(["", "0", "-1", "99999999999", "gzip", "chunked", "x/y", "\x00"], r),
    ]),
  (e, r) => void (e.body = e.body.subarray(0, below(r, e.body.length + 1))),
  // A body far past any cap.
  (e, r) => void (e.body = new Uint8Array(1024 * 1024 + below(r, 200_000)).fill(0x20)),
];

function withLength(e: Envelope): [string, string][] {
  const has = e.headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n));
  return has ? e.headers : [...e.headers, ["Content-Length", String(e.body.length)]];
}

/**
 * Write an envelope out, after 0–2 of the given mutations; sometimes the generic HTTP mutator or
 * the byte mutator changes the result.
 *
 * @param e The valid request (changed in place).
 * @param mutations The changes to draw from.
 * @param r The case's stream.
 * @returns The bytes to send.
 */
export function writeEnvelope(
  e: Envelope,
  mutations: readonly EnvelopeMutation[],
  r: Random,
): Uint8Array {
  const count = r() < 0.5 ? 0 : 1 + below(r, 2);
  for (let m = 0; m < count; m++) pick(mutations, r)(e, r);
  const head = `${e.method} ${e.path} HTTP/1.1\r\n${
    withLength(e).map(([n, v]) => `${n}: ${v}\r\n`).join("")
  }\r\n`;
  const headBytes = latin1(head);
  let out: Uint8Array = new Uint8Array(headBytes.length + e.body.length);
  out.set(headBytes);
  out.set(e.body, headBytes.length);
  const roll = r();
  if (roll < 0.1 && out.length < 200_000) {
    out = latin1(mutateRequest(fromLatin1(out), r));
  } else if (roll < 0.2) {
    out = mutateBytes(out, r);
  }
  return out;
}
