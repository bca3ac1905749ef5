import assert from "node:assert/strict";
import { HeaderList, keepAlive, stripHopByHop } from "./mod.ts";
import type { Framing, HttpVersion } from "./mod.ts";

Deno.test("stripHopByHop() drops connection-scoped fields and those named in Connection", () => {
  const headers = new HeaderList([
    ["Host", "h"],
    ["Connection", "keep-alive, X-Hop"],
    ["connection", "x-other"],
    ["Keep-Alive", "timeout=5"],
    ["Proxy-Connection", "keep-alive"],
    ["Proxy-Authorization", "Basic eA=="],
    ["TE", "trailers"],
    ["Trailer", "X-Sum"],
    ["Transfer-Encoding", "chunked"],
    ["Upgrade", "websocket"],
    ["X-Hop", "1"],
    ["X-Other", "2"],
    ["Content-Length", "3"],
    ["Authorization", "Bearer t"],
  ]);
  const stripped = stripHopByHop(headers);
  assert.deepEqual([...stripped], [["Host", "h"], ["Content-Length", "3"], [
    "Authorization",
    "Bearer t",
  ]]);
  assert.equal(headers.size, 14, "the input list must not change");
});

Deno.test("stripHopByHop() keeps a requested upgrade when asked to", () => {
  const headers = new HeaderList([
    ["Host", "h"],
    ["Connection", "Upgrade, Keep-Alive"],
    ["Upgrade", "websocket"],
    ["Sec-WebSocket-Key", "k"],
  ]);
  assert.deepEqual([...stripHopByHop(headers, { keepUpgrade: true })], [
    ["Host", "h"],
    ["Upgrade", "websocket"],
    ["Sec-WebSocket-Key", "k"],
    ["Connection", "upgrade"],
  ]);
  assert.equal(stripHopByHop(headers).has("upgrade"), false);
  const notAsked = new HeaderList([["Upgrade", "websocket"]]);
  assert.equal(stripHopByHop(notAsked, { keepUpgrade: true }).size, 0);
});

Deno.test("keepAlive() follows the version defaults, Connection tokens and close framing", () => {
  const cases: [HttpVersion, string | null, Framing | undefined, boolean][] = [
    ["HTTP/1.1", null, undefined, true],
    ["HTTP/1.1", "Close", undefined, false],
    ["HTTP/1.1", "keep-alive, close", undefined, false],
    ["HTTP/1.1", null, { kind: "close" }, false],
    ["HTTP/1.1", null, { kind: "chunked" }, true],
    ["HTTP/1.0", null, undefined, false],
    ["HTTP/1.0", "Keep-Alive", undefined, true],
    ["HTTP/1.0", "keep-alive", { kind: "close" }, false],
  ];
  for (const [version, connection, framing, expected] of cases) {
    const headers = new HeaderList(connection === null ? [] : [["Connection", connection]]);
    const head = framing === undefined ? { version, headers } : { version, headers, framing };
    assert.equal(keepAlive(head), expected, `${version} ${connection} ${framing?.kind}`);
  }
});
