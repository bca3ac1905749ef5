import assert from "node:assert/strict";
import { Http1Reader } from "./mod.ts";
import { isParseError, parseRequest, parseResponse, socketPair, text } from "./_test_utils.ts";

// Each row is a request-smuggling or robustness case: [what, raw bytes, status, code].
const REJECTED: readonly [string, string, number, string][] = [
  [
    "an extra token in the request line",
    "GET / HTTP/1.1 x\r\nHost: h\r\n\r\n",
    400,
    "bad-start-line",
  ],
  [
    "a double space in the request line",
    "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
    400,
    "bad-start-line",
  ],
  ["a method that is not a token", "G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad-start-line"],
  ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "unsupported-version"],
  ["a lowercase version", "GET / http/1.1\r\nHost: h\r\n\r\n", 400, "bad-version"],
  ["a relative target", "GET foo HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad-target"],
  ["a path as CONNECT target", "CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad-target"],
  ["a non-ASCII target", "GET /\xe9 HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad-target"],
  ["* outside OPTIONS", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad-target"],
  [
    "a space in a header name",
    "GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n",
    400,
    "bad-header",
  ],
  ["a space before the colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "bad-header"],
  ["a line without colon", "GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n", 400, "bad-header"],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n", 400, "bad-header"],
  ["a bare CR in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400, "bad-header"],
  ["a bare LF in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\nb: c\r\n\r\n", 400, "bad-header"],
  ["LF-only line ends", "GET / HTTP/1.1\nHost: h\n\n", 400, "bad-header"],
  ["a NUL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 400, "bad-header"],
  ["a missing Host", "GET / HTTP/1.1\r\nX: 1\r\n\r\n", 400, "bad-host"],
  ["two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "bad-host"],
  [
    "Content-Length with Transfer-Encoding",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    400,
    "bad-transfer-encoding",
  ],
  [
    "two differing Content-Lengths",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    400,
    "bad-content-length",
  ],
  [
    "a Content-Length list",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n",
    400,
    "bad-content-length",
  ],
  [
    "a non-numeric Content-Length",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
    400,
    "bad-content-length",
  ],
  [
    "a negative Content-Length",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
    400,
    "bad-content-length",
  ],
  [
    "a signed Content-Length",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
    400,
    "bad-content-length",
  ],
  [
    "a huge Content-Length",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9999999999999999\r\n\r\n",
    400,
    "bad-content-length",
  ],
  [
    "Transfer-Encoding gzip",
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
    501,
    "unsupported-transfer-encoding",
  ],
  [
    "Transfer-Encoding gzip, chunked",
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    501,
    "unsupported-transfer-encoding",
  ],
  [
    "chunked not last",
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    400,
    "bad-transfer-encoding",
  ],
  [
    "chunked twice",
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
    400,
    "bad-transfer-encoding",
  ],
  [
    "an empty Transfer-Encoding",
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n",
    400,
    "bad-transfer-encoding",
  ],
  [
    "Transfer-Encoding in HTTP/1.0",
    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
    "bad-transfer-encoding",
  ],
  [
    "a CONNECT with a body",
    "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nContent-Length: 2\r\n\r\nhi",
    400,
    "bad-content-length",
  ],
  ["a non-hex chunk size", chunked("zz\r\n"), 400, "bad-chunk"],
  ["a negative chunk size", chunked("-5\r\nhello\r\n0\r\n\r\n"), 400, "bad-chunk"],
  ["a chunk size with trailing space", chunked("5 \r\nhello\r\n0\r\n\r\n"), 400, "bad-chunk"],
  ["a 14-digit chunk size", chunked("10000000000000\r\n"), 400, "bad-chunk"],
  ["data longer than its chunk size", chunked("5\r\nhelloXX\r\n0\r\n\r\n"), 400, "bad-chunk"],
  ["chunk data not followed by CRLF", chunked("5\r\nhelloXY0\r\n\r\n"), 400, "bad-chunk"],
  ["a bare LF after chunk data", chunked("5\r\nhello\n0\r\n\r\n"), 400, "bad-chunk"],
  ["a bare LF after a chunk size", chunked("5\nhello\r\n0\r\n\r\n"), 400, "bad-chunk"],
  [
    "a 2 KiB chunk extension",
    chunked(`5;${"x".repeat(2048)}\r\nhello\r\n0\r\n\r\n`),
    400,
    "bad-chunk",
  ],
  ["a bad trailer", chunked("0\r\nBad Trailer: x\r\n\r\n"), 400, "bad-header"],
  ["a bare LF in a trailer", chunked("0\r\nT: 1\n\r\n"), 400, "bad-header"],
  [
    "a body cut short",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
    400,
    "truncated",
  ],
  ["a head cut short", "GET / HTTP/1.1\r\nHost: h\r\n", 400, "truncated"],
];

function chunked(body: string): string {
  return `POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
}

for (const [what, raw, status, code] of REJECTED) {
  Deno.test(`Http1Reader rejects a request with ${what} (${status})`, async () => {
    await assert.rejects(parseRequest(raw), isParseError(status, code));
  });
}

Deno.test("Http1Reader names obs-fold as the reason for rejecting a folded field", async () => {
  await assert.rejects(
    parseRequest("GET / HTTP/1.1\r\nHost: h\r\nX-Long: a\r\n\tb: c\r\n\r\n"),
    /obsolete line folding/,
  );
});

Deno.test("Http1Reader says whether a field's name or its value was refused", async () => {
  await assert.rejects(
    parseRequest("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n"),
    /invalid header name "Bad Name"/,
  );
  await assert.rejects(
    parseRequest("GET / HTTP/1.1\r\nHost: h\r\nnocolon\r\n\r\n"),
    /invalid header name "nocolon"/,
  );
  await assert.rejects(
    parseRequest("GET / HTTP/1.1\r\nHost: h\r\nX-V: a\0b\r\n\r\n"),
    /header "X-V" has a control character in its value/,
  );
});

Deno.test("readResponseHead() maps bad upstream bytes to 502 and slowness to 504", async () => {
  const cases: [string, string][] = [
    [
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      "bad-transfer-encoding",
    ],
    ["HTTP/1.1 20 OK\r\n\r\n", "bad-start-line"],
    ["HTTP/2.0 200 OK\r\n\r\n", "unsupported-version"],
    ["HTTP/1.1 200 OK\r\nX: a\0\r\n\r\n", "bad-header"],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "unsupported-transfer-encoding"],
    ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", "truncated"],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "truncated"],
    ["", "closed-before-response"],
  ];
  for (const [raw, code] of cases) {
    await assert.rejects(parseResponse(raw), isParseError(502, code));
  }
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.client, { responseTimeoutMs: 100 });
  await assert.rejects(reader.readResponseHead("GET"), isParseError(504, "response-timeout"));
  const slow = new Http1Reader(pair.server, { headTimeoutMs: 100 });
  pair.client.write("HTTP/1.1 200 OK\r\n");
  await assert.rejects(slow.readResponseHead("GET"), isParseError(504, "head-timeout"));
});

Deno.test("body() gives up on a peer silent for bodyStallTimeoutMs mid-body: 504 upstream, 408 client", async () => {
  const framings = [
    "Content-Length: 10\r\n\r\nabc",
    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc",
    "Transfer-Encoding: chunked\r\n\r\n3\r\nab",
    "Connection: close\r\n\r\nabc",
  ];
  for (const rest of framings) {
    await using pair = await socketPair();
    const reader = new Http1Reader(pair.server, { bodyStallTimeoutMs: 150 });
    pair.client.write(`HTTP/1.1 200 OK\r\n${rest}`);
    await reader.readResponseHead("GET");
    const started = performance.now();
    await assert.rejects(text(reader.body()), isParseError(504, "body-timeout"), rest);
    const waited = performance.now() - started;
    assert.ok(waited >= 140 && waited < 2_000, `${rest}: gave up after ${waited} ms`);
  }
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, { bodyStallTimeoutMs: 150 });
  pair.client.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  await reader.readRequestHead();
  await assert.rejects(text(reader.body()), isParseError(408, "body-timeout"));
});

Deno.test("body() keeps reading a body whose bytes keep coming within bodyStallTimeoutMs", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, { bodyStallTimeoutMs: 300 });
  pair.client.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n");
  const head = await reader.readResponseHead("GET");
  assert.equal(head.status, 200);
  const reading = text(reader.body());
  for (const byte of "abcdef") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    pair.client.write(byte);
  }
  assert.equal(await reading, "abcdef");
});
