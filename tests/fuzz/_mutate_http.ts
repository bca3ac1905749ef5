/**
 * Structure-aware mutation of HTTP/1.1 requests: the seed is split into request line, header
 * fields and body, one to three of those parts are broken the way real parsers get broken
 * (conflicting lengths, bad chunk sizes, obsolete line folding, null bytes, oversize fields, bare
 * line ends, pipelined extras), and the result is reassembled. Text is Latin-1: one character a
 * byte.
 */
import { below, pick, type Random } from "./_random.ts";
import { mutateLines } from "./_mutate_text.ts";

/** A request taken apart. */
interface Parts {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: string;
  /** The line end used when reassembling. */
  eol: string;
  /** Whatever followed the body (a pipelined request). */
  rest: string;
}

function parse(seed: string): Parts {
  const split = seed.indexOf("\r\n\r\n");
  const head = split < 0 ? seed : seed.slice(0, split);
  const after = split < 0 ? "" : seed.slice(split + 4);
  const [line = "", ...fields] = head.split("\r\n");
  const [method = "", target = "", version = ""] = line.split(" ");
  const headers = fields.map((f): [string, string] => {
    const colon = f.indexOf(":");
    return colon < 0 ? [f, ""] : [f.slice(0, colon), f.slice(colon + 1).trim()];
  });
  const length = Number(headers.find(([n]) => n.toLowerCase() === "content-length")?.[1] ?? "0");
  const chunked = headers.some(([n]) => n.toLowerCase() === "transfer-encoding");
  const bodyEnd = chunked ? after.indexOf("\r\n\r\n") + 4 : length;
  return {
    method,
    target,
    version,
    headers,
    body: after.slice(0, bodyEnd > 3 ? bodyEnd : 0),
    eol: "\r\n",
    rest: after.slice(bodyEnd > 3 ? bodyEnd : 0),
  };
}

function assemble(p: Parts): string {
  const fields = p.headers.map(([n, v]) => `${n}: ${v}${p.eol}`).join("");
  return `${p.method} ${p.target} ${p.version}${p.eol}${fields}${p.eol}${p.body}${p.rest}`;
}

function setHeader(p: Parts, name: string, value: string, r: Random): void {
  p.headers.splice(below(r, p.headers.length + 1), 0, [name, value]);
}

const METHODS = [
  "GET",
  "POST",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "get",
  "G\tET",
  "",
  "PRI",
  "M".repeat(9_000),
];
const TARGETS = [
  "*",
  "/",
  "",
  "http://fuzz.test",
  "http://fuzz.test:99999/",
  "http://fuzz.test:0/",
  "http://[::1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://127.0.0.1/",
  "http://169.254.169.254/latest/meta-data/",
  "http://user:pass@fuzz.test/",
  `http://fuzz.test/${"a".repeat(100_000)}`,
  "fuzz.test:443",
  "fuzz.test:",
  ":443",
  "[::1]:443",
  "http://fuzz.test/%00%2e%2e/",
  "http://fuzz.test/\xff\xfe",
  "//fuzz.test/",
  "http:///",
  "ftp://fuzz.test/",
  "https://fuzz.test/",
  "http://fuzz.test./",
  "http://FUZZ.TEST/",
  "http://fuzz.test#frag",
  "http://fuzz.test/?a=%zz",
];
const VERSIONS = [
  "HTTP/1.0",
  "HTTP/1.1",
  "HTTP/2.0",
  "HTTP/0.9",
  "HTTP/1.1 x",
  "http/1.1",
  "HTTP/1.10",
  "HTTP/",
  "",
];
const LENGTHS = [
  "99999999999999999999",
  "-1",
  "1e3",
  "0x10",
  "+5",
  "5, 5",
  "5 5",
  "",
  " 3",
  "0",
  "18446744073709551616",
];
const ENCODINGS = [
  "chunked",
  "chunked, gzip",
  "gzip, chunked",
  " chunked",
  "Chunked",
  "identity",
  "x",
  "chunked\x00",
];
const CHUNK_SIZES = [
  "ZZ",
  "-1",
  "ffffffffffffffffffff",
  "0x5",
  `5;${"e".repeat(70_000)}`,
  "5 ",
  " 5",
  "",
  "7fffffff",
  "0000000000000000000005",
];

/** One structural mutation. */
type HttpMutation = (p: Parts, r: Random) => void;

const MUTATIONS: readonly HttpMutation[] = [
  (p, r) => void (p.method = pick(METHODS, r)),
  (p, r) => void (p.target = pick(TARGETS, r)),
  (p, r) => void (p.version = pick(VERSIONS, r)),
  // Conflicting or nonsense lengths.
  (p, r) => setHeader(p, "Content-Length", pick(LENGTHS, r), r),
  (p, r) =>
    setHeader(
      p,
      pick(["Transfer-Encoding", "transfer-encoding", "Transfer-Encoding "], r),
      pick(ENCODINGS, r),
      r,
    ),
  // A chunked body with a bad size line, or data that does not match its size.
  (p, r) => {
    setHeader(p, "Transfer-Encoding", "chunked", r);
    const size = pick(CHUNK_SIZES, r);
    const data = "x".repeat(below(r, 40));
    p.body = pick([
      `${size}\r\n${data}\r\n0\r\n\r\n`,
      `5\r\n${data}\r\n`,
      `5\r\nhello0\r\n\r\n`,
      `0\r\n${"T: v\r\n".repeat(below(r, 3000))}\r\n`,
    ], r);
  },
  // Obsolete line folding: a field line that starts with white space.
  (p, r) => {
    const i = below(r, p.headers.length + 1);
    p.headers.splice(i, 0, [pick([" folded", "\tfolded", " "], r), "continued"]);
  },
  // A field with no colon, an empty name, white space before the colon.
  (p, r) => {
    const i = below(r, p.headers.length + 1);
    p.headers.splice(
      i,
      0,
      pick<[string, string]>(
        [["NoColon", ""], ["", "v"], ["Host ", "fuzz.test"], ["X\x00Y", "v"]],
        r,
      ),
    );
  },
  // A null byte or a lone CR in a value.
  (p, r) => {
    const i = below(r, p.headers.length);
    const header = p.headers[i];
    if (header !== undefined) {
      header[1] = `${header[1]}${pick(["\x00", "\r", "\x7f", "\xff", "\n"], r)}x`;
    }
  },
  // An oversize field, or very many fields.
  (p, r) => setHeader(p, "X-Big", "v".repeat(1 + below(r, 120_000)), r),
  (p, r) => {
    for (let i = below(r, 5_000); i > 0; i--) p.headers.push([`X-N${i}`, "v"]);
  },
  // Host missing, doubled or at odds with the target.
  (p, r) => {
    const hosts = p.headers.filter(([n]) => n.toLowerCase() !== "host");
    p.headers = pick([hosts, [...p.headers, ["Host", "other.test"]], [[
      "Host",
      pick(["", "[::1", "fuzz.test:x", "a".repeat(300)], r),
    ], ...hosts]], r);
  },
  // Headers the proxy treats specially.
  (p, r) =>
    setHeader(
      p,
      ...pick<[string, string]>([
        ["Expect", "100-continue"],
        ["Connection", "Upgrade"],
        ["Upgrade", "websocket"],
        ["Connection", "close, TE"],
        ["Proxy-Authorization", "Basic Zm9vOmJhcg=="],
        ["Content-Encoding", "gzip"],
        ["Content-Encoding", "br, zstd, x"],
        ["Authorization", "Bearer ghp_0123456789abcdefghijABCDEFGHIJ0123456789"],
      ], r),
      r,
    ),
  // Bare LF (or bare CR) line ends.
  (p, r) => void (p.eol = pick(["\n", "\r", "\r\r\n", "\n\r"], r)),
  // The body too long or too short for its length.
  (p, r) =>
    void (p.body = r() < 0.5
      ? p.body.slice(0, below(r, p.body.length + 1))
      : `${p.body}${"y".repeat(below(r, 5_000))}`),
  // A second request behind this one, or the head's lines themselves shuffled.
  (p, r) =>
    void (p.rest = `${p.rest}${
      pick([
        "GET http://fuzz.test/ HTTP/1.1\r\nHost: fuzz.test\r\n\r\n",
        "\r\n\r\n",
        "X".repeat(70_000),
      ], r)
    }`),
  (p, r) => {
    const head = mutateLines(p.headers.map(([n, v]) => `${n}: ${v}`).join("\n"), r);
    p.headers = head.split("\n").map((line): [string, string] => {
      const colon = line.indexOf(": ");
      return colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 2)];
    });
  },
];

/**
 * Mutate a request seed's structure.
 *
 * @param seed A valid request (with `\r\n` line ends).
 * @param r The case's stream.
 * @returns The mutated request as Latin-1 text.
 */
export function mutateRequest(seed: string, r: Random): string {
  const parts = parse(seed);
  const count = 1 + below(r, 3);
  for (let m = 0; m < count; m++) pick(MUTATIONS, r)(parts, r);
  return assemble(parts);
}
