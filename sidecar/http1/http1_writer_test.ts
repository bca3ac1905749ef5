import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { HeaderList, Http1Reader, Http1Writer } from "./mod.ts";
import type { Framing } from "./mod.ts";
import { socketPair, text } from "./_test_utils.ts";

const ok = { status: 200, reason: "OK", version: "HTTP/1.1" } as const;

// Everything the peer received, once the writer side closed.
async function received(socket: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("latin1");
}

Deno.test("writeRequestHead() round-trips every framing through Http1Reader", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.client);
  const reader = new Http1Reader(pair.server);
  const bodies: [Framing, string[]][] = [
    [{ kind: "none" }, []],
    [{ kind: "length", length: 11 }, ["hello", " ", "world"]],
    [{ kind: "chunked" }, ["streamed ", "", "in chunks"]],
    [{ kind: "length", length: 0 }, []],
  ];
  for (const [framing, parts] of bodies) {
    // Stale framing fields must be replaced, never forwarded next to the new ones.
    const headers = new HeaderList([
      ["Host", "up.example"],
      ["Content-Length", "999"],
      ["Transfer-Encoding", "gzip"],
    ]);
    writer.writeRequestHead(
      { method: "POST", target: "/x", version: "HTTP/1.1", headers },
      framing,
    );
    for (const part of parts) await writer.write(new TextEncoder().encode(part));
    await writer.end();
    const head = await reader.readRequestHead();
    assert.deepEqual(head?.framing, framing);
    assert.equal(head?.headers.get("host"), "up.example");
    assert.equal(await text(reader.body()), parts.join(""));
  }
});

Deno.test("writeRequestHead() writes exactly the framing fields it was told to", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.client);
  const headers = new HeaderList([["Host", "h"], ["Content-Length", "5"], ["X-Case", "KeepMe"]]);
  writer.writeRequestHead({ method: "GET", target: "/", version: "HTTP/1.1", headers }, {
    kind: "none",
  });
  await writer.end();
  writer.writeRequestHead({ method: "POST", target: "/", version: "HTTP/1.1", headers }, {
    kind: "chunked",
  });
  await writer.write(new TextEncoder().encode("ab"));
  await writer.end(new HeaderList([["X-Sum", "2"]]));
  pair.client.end();
  assert.equal(
    await received(pair.server),
    "GET / HTTP/1.1\r\nHost: h\r\nX-Case: KeepMe\r\n\r\n" +
      "POST / HTTP/1.1\r\nHost: h\r\nX-Case: KeepMe\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "2\r\nab\r\n0\r\nX-Sum: 2\r\n\r\n",
  );
});

Deno.test("Http1Writer sends latin1 field values byte for byte, alone, with a body, in trailers and in heads too big to coalesce", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.server);
  const odd = "caf\xe9 \xff\x80 ok";
  const headers = new HeaderList([["X-Odd", odd]]);
  writer.writeResponseHead({ ...ok, headers }, { kind: "none" });
  await writer.end();
  writer.writeResponseHead({ ...ok, headers }, { kind: "length", length: 2 });
  await writer.write(new Uint8Array([0xe9, 0x41]));
  await writer.end();
  writer.writeResponseHead({ ...ok, headers }, { kind: "chunked" });
  await writer.write(new TextEncoder().encode("ab"));
  await writer.end(new HeaderList([["X-Odd", odd]]));
  const big = `${"x".repeat(17_000)}\xe9`;
  writer.writeResponseHead({ ...ok, headers: new HeaderList([["X-Big", big]]) }, {
    kind: "length",
    length: 1,
  });
  await writer.write(new Uint8Array([0x42]));
  await writer.end();
  pair.server.end();
  const head = `HTTP/1.1 200 OK\r\nX-Odd: ${odd}\r\n`;
  assert.equal(
    await received(pair.client),
    `${head}\r\n${head}Content-Length: 2\r\n\r\n\xe9A` +
      `${head}Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-Odd: ${odd}\r\n\r\n` +
      `HTTP/1.1 200 OK\r\nX-Big: ${big}\r\nContent-Length: 1\r\n\r\nB`,
  );
});

Deno.test("write() sends several parts as one body chunk, in one socket write when small", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.server);
  const writes: number[] = [];
  const write = pair.server.write.bind(pair.server) as (chunk: Uint8Array) => boolean;
  pair.server.write = ((chunk: Uint8Array) => {
    writes.push(chunk.length);
    return write(chunk);
  }) as typeof pair.server.write;
  const bytes = (t: string) => new TextEncoder().encode(t);
  writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "chunked" });
  await writer.write([bytes("abc"), bytes(""), bytes("defghij")]);
  await writer.write([]);
  assert.deepEqual(writes, [writes[0]], "the head and both parts in one write");
  await writer.end();
  writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "length", length: 5 });
  // Too long as a whole: refused, and nothing of it counted or sent.
  await assert.rejects(writer.write([bytes("abc"), bytes("def")]), RangeError);
  await writer.write([bytes("ab"), bytes("cde")]);
  await writer.end();
  const big = "y".repeat(20_000);
  writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "chunked" });
  await writer.write([bytes(big), bytes("z")]);
  await writer.end();
  pair.server.end();
  assert.equal(
    await received(pair.client),
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabcdefghij\r\n0\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde" +
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4e21\r\n${big}z\r\n0\r\n\r\n`,
  );
});

Deno.test("writeResponseHead() keeps Content-Length on a bodiless answer and closes for close framing", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.server);
  const headers = new HeaderList([["Content-Length", "10"], ["Connection", "keep-alive"]]);
  writer.writeResponseHead({ ...ok, headers }, { kind: "none" });
  await writer.end();
  writer.writeResponseHead({ ...ok, headers }, { kind: "close" });
  await writer.write(new TextEncoder().encode("until EOF"));
  await writer.end();
  assert.ok(pair.server.writableEnded);
  assert.equal(
    await received(pair.client),
    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: keep-alive\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil EOF",
  );
});

Deno.test("writeResponseHead() sends the head on its own when no body write follows soon", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.server);
  // A head held back until the first body write would time this read out instead of hanging.
  const reader = new Http1Reader(pair.client, { responseTimeoutMs: 2_000 });
  writer.writeResponseHead({
    ...ok,
    headers: new HeaderList([["Content-Type", "text/event-stream"]]),
  }, {
    kind: "chunked",
  });
  const head = await reader.readResponseHead("GET");
  assert.equal(head.headers.get("content-type"), "text/event-stream");
  await writer.write(new TextEncoder().encode("data: 1\n\n"));
  await writer.end();
  assert.equal(await text(reader.body()), "data: 1\n\n");
});

Deno.test("retractHead() takes back a head not yet sent, so another answer goes out alone", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.server);
  const reader = new Http1Reader(pair.client, { responseTimeoutMs: 2_000 });
  writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "chunked" });
  assert.equal(writer.retractHead(), true);
  const answer = new TextEncoder().encode("upstream failed");
  writer.writeResponseHead(
    { status: 502, reason: "Bad Gateway", version: "HTTP/1.1", headers: new HeaderList() },
    { kind: "length", length: answer.length },
  );
  await writer.write(answer);
  await writer.end();
  const head = await reader.readResponseHead("GET");
  assert.equal(head.status, 502);
  assert.equal(await text(reader.body()), "upstream failed");
  // Once a head is on the wire it cannot be taken back.
  writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "chunked" });
  await writer.write(answer);
  assert.equal(writer.retractHead(), false);
  assert.throws(() =>
    writer.writeResponseHead({ ...ok, headers: new HeaderList() }, { kind: "none" })
  );
});

Deno.test("Http1Writer rejects misuse and invalid heads", async () => {
  await using pair = await socketPair();
  const writer = new Http1Writer(pair.client);
  const headers = new HeaderList([["Host", "h"]]);
  const bytes = new TextEncoder().encode("abc");
  await assert.rejects(writer.write(bytes), /no head was written/);
  await assert.rejects(writer.end(), /no head was written/);
  assert.throws(
    () =>
      writer.writeRequestHead({ method: "G T", target: "/", version: "HTTP/1.1", headers }, {
        kind: "none",
      }),
    TypeError,
  );
  assert.throws(
    () =>
      writer.writeRequestHead({ method: "GET", target: "/ x", version: "HTTP/1.1", headers }, {
        kind: "none",
      }),
    TypeError,
  );
  assert.throws(
    () =>
      writer.writeRequestHead({ method: "GET", target: "/", version: "HTTP/1.1", headers }, {
        kind: "close",
      }),
    /cannot be close-delimited/,
  );
  assert.throws(
    () => writer.writeResponseHead({ ...ok, status: 42, headers }, { kind: "none" }),
    TypeError,
  );
  assert.throws(
    () => writer.writeResponseHead({ ...ok, reason: "OK\r\nX: y", headers }, { kind: "none" }),
    TypeError,
  );
  writer.writeRequestHead({ method: "GET", target: "/", version: "HTTP/1.1", headers }, {
    kind: "none",
  });
  await assert.rejects(writer.write(bytes), /has none/);
  assert.throws(
    () =>
      writer.writeRequestHead({ method: "GET", target: "/", version: "HTTP/1.1", headers }, {
        kind: "none",
      }),
    /previous message was not ended/,
  );
  await writer.end();
  writer.writeRequestHead({ method: "PUT", target: "/", version: "HTTP/1.1", headers }, {
    kind: "length",
    length: 4,
  });
  await assert.rejects(writer.write(new TextEncoder().encode("12345")), RangeError);
  await writer.write(bytes);
  await assert.rejects(writer.end(), /1 bytes short of its Content-Length 4/);
  pair.client.destroy();
  const fresh = new Http1Writer(pair.client);
  fresh.writeRequestHead({ method: "GET", target: "/", version: "HTTP/1.1", headers }, {
    kind: "none",
  });
  await assert.rejects(fresh.end(), /connection is closed/);
});

Deno.test("Http1Reader and Http1Writer stream a 20 MB body without buffering it", async () => {
  // client → [reader | writer] → upstream: the proxy's shape, relaying chunk by chunk.
  await using downstream = await socketPair();
  await using upstream = await socketPair();
  const size = 20 * 1024 * 1024;
  const relayIn = new Http1Reader(downstream.server);
  const relayOut = new Http1Writer(upstream.client);
  const sink = new Http1Reader(upstream.server);
  downstream.client.write(`POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${size}\r\n\r\n`);
  const sending = (async () => {
    const block = Buffer.alloc(256 * 1024, 0x61);
    for (let sent = 0; sent < size; sent += block.length) {
      if (!downstream.client.write(block)) {
        await new Promise((resolve) => downstream.client.once("drain", resolve));
      }
    }
  })();
  const head = await relayIn.readRequestHead();
  assert.ok(head !== null);
  let maxBuffered = 0;
  let maxChunk = 0;
  const relaying = (async () => {
    relayOut.writeRequestHead(head, { kind: "chunked" });
    for await (const chunk of relayIn.body()) {
      maxBuffered = Math.max(maxBuffered, relayIn.buffered, upstream.client.writableLength);
      await relayOut.write(chunk);
    }
    await relayOut.end();
  })();
  const sinkHead = await sink.readRequestHead();
  assert.deepEqual(sinkHead?.framing, { kind: "chunked" });
  let total = 0;
  for await (const chunk of sink.body()) {
    total += chunk.length;
    maxChunk = Math.max(maxChunk, chunk.length);
    if (chunk[0] !== 0x61 || chunk.at(-1) !== 0x61) assert.fail("corrupted body byte");
    // A slow consumer: backpressure must reach the sender instead of filling memory.
    if (total % (4 * 1024 * 1024) < chunk.length) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await Promise.all([sending, relaying]);
  assert.equal(total, size);
  assert.ok(maxChunk <= 1024 * 1024, `chunk of ${maxChunk} bytes`);
  assert.ok(maxBuffered <= 2 * 1024 * 1024, `relay buffered ${maxBuffered} bytes`);
});
