/**
 * The header block a CGI program (here `git http-backend`) prints before its body (RFC 3875 §6):
 * `Name: value` lines, an optional `Status: NNN reason`, then an empty line. Anything malformed is
 * a problem the server answers with 500, never a guess.
 */

/** The longest header block accepted; http-backend prints a few hundred bytes. */
export const MAX_CGI_HEAD_BYTES = 64 * 1024;

/** Response headers passed on to the client; the rest of what the program prints is dropped. */
const PASSED = new Set(["content-type", "cache-control", "expires", "pragma", "last-modified"]);

/** A parsed header block. */
export interface CgiHead {
  /** The HTTP status (200 when no `Status:` line). */
  status: number;
  /** Headers to send, lower-cased names. */
  headers: [string, string][];
}

/**
 * Find the end of the header block.
 *
 * @param bytes What the program printed so far.
 * @returns The offset of the body's first byte, or -1 when the block is not complete yet.
 */
export function headEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/**
 * Parse a complete header block (without the empty line that ends it).
 *
 * @param text The block.
 * @returns The status and headers, or a problem.
 */
export function parseCgiHead(text: string): { head?: CgiHead; problem?: string } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).toLowerCase() : "";
    if (!/^[a-z0-9-]+$/.test(name)) {
      return { problem: `malformed header line ${JSON.stringify(line)}` };
    }
    const value = line.slice(colon + 1).trim();
    // deno-lint-ignore no-control-regex -- a control character would split or smuggle a header
    if (/[\u0000-\u001f\u007f]/.test(value)) return { problem: `control character in ${name}` };
    if (name === "status") {
      const m = /^([1-5][0-9][0-9])(?: .*)?$/.exec(value);
      if (!m || Number(m[1]) < 200) return { problem: `malformed Status ${JSON.stringify(value)}` };
      status = Number(m[1]);
    } else if (PASSED.has(name)) {
      headers.push([name, value]);
    }
  }
  return { head: { status, headers } };
}
