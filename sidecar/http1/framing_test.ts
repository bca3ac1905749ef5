import assert from "node:assert/strict";
import { HeaderList, HttpParseError, requestFraming, responseFraming } from "./mod.ts";
import type { Framing, HttpVersion } from "./mod.ts";

function request(fields: [string, string][], method = "POST", version: HttpVersion = "HTTP/1.1") {
  return { method, target: "/", version, headers: new HeaderList(fields) };
}

function response(status: number, fields: [string, string][] = []) {
  return { status, reason: "", version: "HTTP/1.1" as const, headers: new HeaderList(fields) };
}

Deno.test("requestFraming() reads Content-Length and chunked, and defaults to no body", () => {
  const cases: [[string, string][], Framing][] = [
    [[], { kind: "none" }],
    [[["Content-Length", "0"]], { kind: "length", length: 0 }],
    [[["Content-Length", " 42 "]], { kind: "length", length: 42 }],
    [[["Content-Length", "7"], ["content-length", "7"]], { kind: "length", length: 7 }],
    [[["Content-Length", "007, 7"]], { kind: "length", length: 7 }],
    [[["Transfer-Encoding", "CHUNKED"]], { kind: "chunked" }],
  ];
  for (const [fields, framing] of cases) {
    assert.deepEqual(requestFraming(request(fields)), framing, JSON.stringify(fields));
  }
  assert.deepEqual(requestFraming(request([["Content-Length", "0"]], "CONNECT")), { kind: "none" });
});

Deno.test("requestFraming() rejects ambiguous framing with the status to answer", () => {
  const cases: [[string, string][], number, string][] = [
    [[["Content-Length", "1"], ["Transfer-Encoding", "chunked"]], 400, "bad-transfer-encoding"],
    [[["Content-Length", "1"], ["Content-Length", "2"]], 400, "bad-content-length"],
    [[["Content-Length", ""]], 400, "bad-content-length"],
    [[["Content-Length", "0x10"]], 400, "bad-content-length"],
    [[["Content-Length", "1234567890123456"]], 400, "bad-content-length"],
    [[["Transfer-Encoding", "identity"]], 501, "unsupported-transfer-encoding"],
    [[["Transfer-Encoding", "chunked;x=1"]], 501, "unsupported-transfer-encoding"],
    [[["Transfer-Encoding", "chunked, identity"]], 400, "bad-transfer-encoding"],
    [[["Transfer-Encoding", ","]], 400, "bad-transfer-encoding"],
  ];
  for (const [fields, status, code] of cases) {
    assert.throws(
      () => requestFraming(request(fields)),
      (err) => err instanceof HttpParseError && err.status === status && err.code === code,
      JSON.stringify(fields),
    );
  }
  assert.throws(
    () => requestFraming(request([["Transfer-Encoding", "chunked"]], "CONNECT")),
    /CONNECT request cannot have a body/,
  );
});

Deno.test("responseFraming() follows the method and status, and reads to close otherwise", () => {
  assert.deepEqual(responseFraming(response(200), "GET"), { kind: "close" });
  assert.deepEqual(responseFraming(response(200, [["Content-Length", "3"]]), "GET"), {
    kind: "length",
    length: 3,
  });
  assert.deepEqual(responseFraming(response(200, [["Content-Length", "3"]]), "HEAD"), {
    kind: "none",
  });
  assert.deepEqual(responseFraming(response(101), "GET"), { kind: "none" });
  assert.deepEqual(responseFraming(response(204), "GET"), { kind: "none" });
  assert.deepEqual(responseFraming(response(304), "GET"), { kind: "none" });
  assert.deepEqual(responseFraming(response(200), "CONNECT"), { kind: "none" });
  assert.deepEqual(responseFraming(response(407), "CONNECT"), { kind: "close" });
});

Deno.test("responseFraming() reports bad upstream framing as 502", () => {
  assert.throws(
    () =>
      responseFraming(
        response(200, [["Content-Length", "1"], ["Transfer-Encoding", "chunked"]]),
        "GET",
      ),
    (err) => err instanceof HttpParseError && err.status === 502,
  );
  assert.throws(
    () => responseFraming(response(200, [["Transfer-Encoding", "br"]]), "GET"),
    (err) => err instanceof HttpParseError && err.status === 502 && /unsupported/.test(err.code),
  );
});
