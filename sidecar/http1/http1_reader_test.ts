import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { PassThrough } from "node:stream";
import { Http1Reader } from "./mod.ts";
import {
  isParseError,
  parseRequest,
  parseResponse,
  socketPair,
  text,
  trickle,
} from "./_test_utils.ts";

Deno.test("readRequestHead() reads a Content-Length request and keeps field order and casing", async () => {
  const { head, body } = await parseRequest(
    "POST /upload?x=1 HTTP/1.1\r\nHost: api.example.com\r\nX-Trace:  a b \r\n" +
      "content-length: 5\r\nX-Trace: c\r\n\r\nhello",
  );
  assert.ok(head !== null);
  assert.equal(head.method, "POST");
  assert.equal(head.target, "/upload?x=1");
  assert.equal(head.version, "HTTP/1.1");
  assert.deepEqual([...head.headers], [
    ["Host", "api.example.com"],
    ["X-Trace", "a b"],
    ["content-length", "5"],
    ["X-Trace", "c"],
  ]);
  assert.deepEqual(head.framing, { kind: "length", length: 5 });
  assert.equal(body, "hello");
});

Deno.test("readRequestHead() reads pipelined requests of every framing, then null at EOF", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.end(
    "\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n" +
      "PUT /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nxyz" +
      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n" +
      "4;name=value\r\nwiki\r\n0\r\nX-Sum: 9\r\n\r\n" +
      "GET /d HTTP/1.0\r\n\r\n",
  );
  const seen: string[] = [];
  for (let head = await reader.readRequestHead(); head; head = await reader.readRequestHead()) {
    seen.push(`${head.target} ${head.framing.kind} ${await text(reader.body())}`);
  }
  assert.deepEqual(seen, ["/a none ", "/b length xyz", "/c chunked wiki", "/d none "]);
});

Deno.test("body() exposes the trailers of a chunked body once read", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.write(
    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-Other:  v \r\n\r\n",
  );
  await reader.readRequestHead();
  assert.equal(await text(reader.body()), "abc");
  assert.deepEqual([...reader.trailers], [["X-Checksum", "42"], ["X-Other", "v"]]);
});

Deno.test("body() decodes a chunked message split at every byte boundary", async () => {
  const message = "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nT: 1\r\n\r\n" +
    "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
  const splits: number[][] = [];
  for (let at = 1; at < message.length; at++) splits.push([at]);
  splits.push(Array.from({ length: message.length - 1 }, (_, i) => i + 1));
  for (const cuts of splits) {
    const stream = new PassThrough();
    const reader = new Http1Reader(stream);
    const parts = [0, ...cuts, message.length].slice(1).map((end, i, ends) =>
      message.slice(i === 0 ? 0 : ends[i - 1], end)
    );
    const feeding = (async () => {
      for (const part of parts) {
        stream.write(part);
        await new Promise((resolve) => setImmediate(resolve));
      }
      stream.end();
    })();
    const head = await reader.readRequestHead();
    const label = `cuts ${cuts.length === 1 ? cuts[0] : "every byte"}`;
    assert.equal(head?.target, "/p", label);
    assert.equal(await text(reader.body()), "hello 0123456789", label);
    assert.deepEqual([...reader.trailers], [["T", "1"]], label);
    assert.equal((await reader.readRequestHead())?.target, "/next", label);
    assert.equal(await reader.readRequestHead(), null, label);
    await feeding;
  }
});

Deno.test("Http1Reader keeps failing after a parse error instead of resynchronising", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.write("GET / HTTP/1.1\r\nHost : h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
  await assert.rejects(reader.readRequestHead(), isParseError(400, "bad-header"));
  await assert.rejects(reader.readRequestHead(), isParseError(400, "bad-header"));
});

Deno.test("readRequestHead() answers a head trickled past headTimeoutMs with 408", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, { headTimeoutMs: 150 });
  const started = Date.now();
  const lines = ["GET / HTTP/1.1\r\n", ...Array.from({ length: 20 }, (_, i) => `X-${i}: v\r\n`)];
  const feeding = trickle(pair.client, lines, { gapMs: 30 });
  await assert.rejects(reader.readRequestHead(), isParseError(408, "head-timeout"));
  assert.ok(Date.now() - started < 1_000, "the timeout fired late");
  pair.client.destroy();
  await feeding;
});

Deno.test("readRequestHead() returns null when a kept-alive connection idles out", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, { idleTimeoutMs: 100, headTimeoutMs: 5_000 });
  pair.client.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
  assert.equal((await reader.readRequestHead())?.target, "/");
  const started = Date.now();
  assert.equal(await reader.readRequestHead(), null);
  assert.ok(Date.now() - started < 1_000);
});

Deno.test("readRequestHead() returns null when a fresh connection sends nothing in headTimeoutMs", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server, { headTimeoutMs: 100 });
  assert.equal(await reader.readRequestHead(), null);
});

Deno.test("readRequestHead() rejects an oversized head (431), line (414) and field count (431)", async () => {
  const big = `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${"a".repeat(70 * 1024)}\r\n\r\n`;
  await assert.rejects(parseRequest(big), isParseError(431, "head-too-large"));
  const longLine = `GET /${"a".repeat(70 * 1024)} HTTP/1.1\r\nHost: h\r\n\r\n`;
  await assert.rejects(parseRequest(longLine), isParseError(414, "line-too-long"));
  const fields = Array.from({ length: 100 }, (_, i) => `X-${i}: v\r\n`).join("");
  await assert.rejects(
    parseRequest(`GET / HTTP/1.1\r\nHost: h\r\n${fields}\r\n`),
    isParseError(431, "too-many-headers"),
  );
  const small = `GET / HTTP/1.1\r\nHost: h\r\nX: ${"a".repeat(100)}\r\n\r\n`;
  await assert.rejects(
    parseRequest(small, { maxHeadBytes: 64 }),
    isParseError(431, "head-too-large"),
  );
  const trailers = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" +
    `0\r\n${"T: v\r\n".repeat(20)}\r\n`;
  await assert.rejects(
    parseRequest(trailers, { maxHeaders: 10 }),
    isParseError(431, "too-many-headers"),
  );
  await assert.rejects(
    parseRequest(trailers, { maxHeadBytes: 64 }),
    isParseError(431, "head-too-large"),
  );
});

Deno.test("readRequestHead() refuses to skip an unread body", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
  await reader.readRequestHead();
  await assert.rejects(reader.readRequestHead(), /previous body was not read to the end/);
});

Deno.test("body() fails instead of hanging when the socket is destroyed mid-body", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.write("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
  await reader.readRequestHead();
  const reading = text(reader.body());
  setTimeout(() => pair.server.destroy(), 50);
  await assert.rejects(reading, isParseError(400, "truncated"));
});

Deno.test("Http1Reader pauses the socket instead of buffering an unread body", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  const size = 8 * 1024 * 1024;
  pair.client.write(`POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${size}\r\n\r\n`);
  pair.client.write(Buffer.alloc(size, 7));
  await reader.readRequestHead();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(reader.buffered <= 1024 * 1024, `buffered ${reader.buffered} bytes`);
  let total = 0;
  for await (const chunk of reader.body()) total += chunk.length;
  assert.equal(total, size);
});

Deno.test("detach() after CONNECT hands back the socket and the bytes read past the head", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  pair.client.write(
    "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n\r\n\x16\x03\x01",
  );
  const head = await reader.readRequestHead();
  assert.equal(head?.target, "api.example.com:443");
  assert.deepEqual(head?.framing, { kind: "none" });
  const { socket, buffered } = reader.detach();
  assert.equal(socket, pair.server);
  assert.deepEqual([...buffered], [0x16, 0x03, 0x01]);
  await assert.rejects(reader.readRequestHead(), /detached/);
  const more = new Promise<Buffer>((resolve) => socket.once("data", resolve));
  socket.resume();
  pair.client.write("tunnel");
  assert.equal((await more).toString(), "tunnel");
});

Deno.test("readResponseHead() reads a close-delimited body to EOF", async () => {
  const { head, body } = await parseResponse("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it\r\n");
  assert.equal(head.status, 200);
  assert.equal(head.reason, "OK");
  assert.deepEqual(head.framing, { kind: "close" });
  assert.equal(body, "all of it\r\n");
});

Deno.test("readResponseHead() gives HEAD, 1xx, 204, 304 and CONNECT 2xx answers no body", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.client);
  pair.server.write(
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" +
      "HTTP/1.1 100 Continue\r\n\r\n" +
      "HTTP/1.1 204 No Content\r\n\r\n" +
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n" +
      "HTTP/1.1 200 Connection established\r\n\r\n" +
      "HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok",
  );
  for (
    const [method, status] of [["HEAD", 200], ["GET", 100], ["GET", 204], ["GET", 304], [
      "CONNECT",
      200,
    ]] as const
  ) {
    const head = await reader.readResponseHead(method);
    assert.equal(head.status, status);
    assert.deepEqual(head.framing, { kind: "none" }, `${method} ${status}`);
    assert.equal(await text(reader.body()), "");
  }
  const last = await reader.readResponseHead("GET");
  assert.equal(last.reason, "");
  assert.equal(await text(reader.body()), "ok");
});

Deno.test("wholeBody() gathers a declared body, leaves the next message, and refuses the rest", async () => {
  await using pair = await socketPair();
  const reader = new Http1Reader(pair.server);
  // Written in pieces that cut through the body, so it arrives in more than one read.
  const wire = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world" +
    "HTTP/1.1 204 No Content\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut";
  for (const piece of [wire.slice(0, 45), wire.slice(45, 50), wire.slice(50)]) {
    pair.client.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  pair.client.end();
  assert.equal((await reader.readResponseHead("GET")).status, 200);
  const reading = reader.wholeBody();
  await assert.rejects(reader.wholeBody(), /Cannot read the body twice/);
  const first = await reading;
  assert.equal(Buffer.concat(first).toString(), "hello world");
  assert.ok(first.length > 1, "the body came in more than one piece");
  // Nothing past the body was taken: the next head reads as it was sent.
  assert.equal((await reader.readResponseHead("GET")).status, 204);
  assert.deepEqual(await reader.wholeBody(), []);
  assert.equal((await reader.readResponseHead("GET")).framing.kind, "chunked");
  await assert.rejects(reader.wholeBody(), TypeError);
  assert.equal(await text(reader.body()), "abc");
  assert.equal((await reader.readResponseHead("GET")).status, 200);
  await assert.rejects(reader.wholeBody(), isParseError(502, "truncated"));
  // The connection is out of step for good: the next head fails the same way.
  await assert.rejects(reader.readResponseHead("GET"), isParseError(502, "truncated"));
});

Deno.test("readRequestHead() finds the head's end and a bare LF across every split of its bytes", async () => {
  const heads: [string, string | undefined][] = [
    ["GET /a HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n", "/a"],
    ["GET /a HTTP/1.1\r\nHost: h\r\nX: a\nb: c\r\n\r\n", undefined],
    ["GET /a HTTP/1.1\r\nHost: h\n\r\n", undefined],
    // Empty lines before the request line are skipped, and a bare LF right after them is not.
    ["\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n", "/a"],
    ["\r\n\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n", undefined],
  ];
  for (const [message, target] of heads) {
    for (let at = 1; at < message.length; at++) {
      const stream = new PassThrough();
      const reader = new Http1Reader(stream);
      stream.write(message.slice(0, at));
      setImmediate(() => stream.end(message.slice(at)));
      const label = `${JSON.stringify(message)} cut at ${at}`;
      if (target === undefined) {
        await assert.rejects(reader.readRequestHead(), isParseError(400, "bad-header"), label);
      } else {
        assert.equal((await reader.readRequestHead())?.target, target, label);
      }
    }
  }
});
