import assert from "node:assert/strict";
import tls from "node:tls";
import { HelloScanner, readClientHello, scanClientHello } from "./_client_hello.ts";

/** The first bytes a real client sends to a TCP listener that never answers: its ClientHello. */
async function capture(connect: (port: number) => Promise<unknown> | void): Promise<Uint8Array> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connecting = Promise.resolve(connect(listener.addr.port)).catch(() => {});
  const conn = await listener.accept();
  try {
    return (await readClientHello(conn, new Uint8Array(0))).bytes;
  } finally {
    conn.close();
    await connecting;
  }
}

/** Bytes written to a loopback connection `step` at a time, then the writer's end closed. */
async function sentInSteps(
  bytes: Uint8Array,
  step: number,
  read: (conn: Deno.Conn) => Promise<unknown>,
): Promise<unknown> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const writer = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  writer.setNoDelay(true);
  const reader = await listener.accept();
  const writing = (async () => {
    try {
      for (let at = 0; at < bytes.length; at += step) {
        await writer.write(bytes.subarray(at, at + step));
        // One segment per step: the reader sees the hello arrive piece by piece.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      await writer.closeWrite();
    } catch {
      // The reader gave up first.
    }
  })();
  try {
    return await read(reader);
  } finally {
    reader.close();
    await writing;
    writer.close();
  }
}

function curlHello(name: string | undefined): Promise<Uint8Array> {
  return capture(async (port) => {
    const host = name ?? "127.0.0.1";
    await new Deno.Command("curl", {
      args: [
        "-sk",
        "--max-time",
        "5",
        "--resolve",
        `${host}:${port}:127.0.0.1`,
        `https://${host}:${port}/`,
      ],
      stdout: "null",
      stderr: "null",
    }).output();
  });
}

function nodeHello(servername: string): Promise<Uint8Array> {
  return capture((port) =>
    new Promise<void>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, servername });
      socket.on("error", () => resolve());
      socket.on("close", () => resolve());
    })
  );
}

/** A handshake message cut into records of at most `size` bytes. */
function records(message: Uint8Array, size: number): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < message.length; at += size) {
    const piece = message.subarray(at, at + size);
    out.push(22, 3, 1, piece.length >> 8, piece.length & 0xff, ...piece);
  }
  return new Uint8Array(out);
}

/** The ClientHello's handshake message cut into records of at most `size` bytes. */
function fragmented(hello: Uint8Array, size: number): Uint8Array {
  const length = (hello[3]! << 8) | hello[4]!;
  return records(hello.subarray(5, 5 + length), size);
}

/**
 * A one-record ClientHello grown to a body of `body` bytes by a padding extension (RFC 7685)
 * after its others, in records of 16 KiB.
 */
function padded(hello: Uint8Array, body: number): Uint8Array {
  const message = hello.subarray(5, 5 + ((hello[3]! << 8) | hello[4]!));
  const grow = body - (message.length - 4);
  // Walk past the version, random, session id, cipher suites and compression methods to the
  // extensions' length.
  let at = 4 + 34;
  at += 1 + message[at]!;
  at += 2 + ((message[at]! << 8) | message[at + 1]!);
  at += 1 + message[at]!;
  const extensions = (message[at]! << 8) | message[at + 1]!;
  const out = new Uint8Array(4 + body);
  out.set(message);
  out.set([1, body >> 16, (body >> 8) & 0xff, body & 0xff], 0);
  const grown = extensions + grow;
  out.set([grown >> 8, grown & 0xff], at);
  out.set([0, 21, (grow - 4) >> 8, (grow - 4) & 0xff], message.length);
  return records(out, 16 * 1024);
}

Deno.test("scanClientHello() reads the name real clients ask for, lowercased", async () => {
  assert.deepEqual(scanClientHello(await curlHello("API.Example.TEST")), {
    kind: "hello",
    sni: "api.example.test",
  });
  assert.deepEqual(scanClientHello(await nodeHello("node.example.test")), {
    kind: "hello",
    sni: "node.example.test",
  });
  const deno = await capture((port) =>
    Deno.connectTls({ hostname: "localhost", port }).then((conn) =>
      conn.handshake().finally(() => conn.close())
    )
  );
  assert.deepEqual(scanClientHello(deno), { kind: "hello", sni: "localhost" });
});

Deno.test("scanClientHello() finds no name when a client dialled an IP literal", async () => {
  assert.deepEqual(scanClientHello(await curlHello(undefined)), { kind: "hello", sni: undefined });
});

Deno.test("scanClientHello() waits for every byte, and reads a hello cut into many records", async () => {
  const hello = await curlHello("cut.example.test");
  for (let end = 0; end < hello.length; end++) {
    assert.deepEqual(scanClientHello(hello.subarray(0, end)), { kind: "partial" }, `${end} bytes`);
  }
  const cut = fragmented(hello, 100);
  assert.ok(cut.length > hello.length + 5, "more than one record");
  for (let end = 0; end < cut.length - 1; end++) {
    assert.notEqual(scanClientHello(cut.subarray(0, end)).kind, "hello", `${end} bytes`);
  }
  assert.deepEqual(scanClientHello(cut), { kind: "hello", sni: "cut.example.test" });
  // Bytes after the hello (the client's next records) change nothing.
  const more = new Uint8Array([...hello, 23, 3, 3, 0, 1, 0]);
  assert.deepEqual(scanClientHello(more), { kind: "hello", sni: "cut.example.test" });
});

Deno.test("scanClientHello() reads a hello of the largest body rustls takes, and no larger", async () => {
  const hello = await curlHello("big.example.test");
  assert.deepEqual(scanClientHello(padded(hello, 0xffff)), {
    kind: "hello",
    sni: "big.example.test",
  });
  assert.deepEqual(scanClientHello(padded(hello, 0x10000)), { kind: "other" });
});

Deno.test("scanClientHello() says what is not a ClientHello, whatever follows", async () => {
  const hello = await curlHello("bad.example.test");
  const cases: [string, Uint8Array][] = [
    ["HTTP", new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")],
    ["application data", new Uint8Array([23, 3, 3, 0, 5, 1, 2, 3, 4, 5])],
    ["not TLS 1.x", new Uint8Array([22, 2, 0, 0, 5, 1, 0, 0, 1, 0])],
    ["a ServerHello", new Uint8Array([22, 3, 3, 0, 4, 2, 0, 0, 0])],
    ["an empty record", new Uint8Array([22, 3, 1, 0, 0, 22, 3, 1, 0, 4, 1, 0, 0, 0])],
    ["a hello with no body", new Uint8Array([22, 3, 1, 0, 4, 1, 0, 0, 0])],
    ["a hello over 64 KiB", new Uint8Array([22, 3, 1, 0, 4, 1, 1, 0, 0])],
  ];
  // A hello whose extensions run past their declared length: its last byte dropped, the
  // lengths of the record and the message shortened to match.
  const short = hello.slice(0, hello.length - 1);
  const record = ((short[3]! << 8) | short[4]!) - 1;
  const message = record - 4;
  short.set(
    [record >> 8, record & 0xff, 1, message >> 16, (message >> 8) & 0xff, message & 0xff],
    3,
  );
  cases.push(["extensions past their length", short]);
  for (const [what, bytes] of cases) {
    assert.deepEqual(scanClientHello(bytes), { kind: "other" }, what);
  }
});

Deno.test("a HelloScanner fed the bytes as they arrive answers as a scan of them all would", async () => {
  const hello = await curlHello("steps.example.test");
  for (const bytes of [hello, fragmented(hello, 1), fragmented(hello, 100)]) {
    const scanner = new HelloScanner();
    for (let end = 0; end <= bytes.length; end++) {
      const prefix = bytes.subarray(0, end);
      assert.deepEqual(scanner.scan(prefix), scanClientHello(prefix), `${end} of ${bytes.length}`);
    }
  }
  // Once not a hello, always not a hello, whatever follows.
  const scanner = new HelloScanner();
  const http = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
  assert.deepEqual(scanner.scan(http.subarray(0, 5)), { kind: "other" });
  assert.deepEqual(scanner.scan(http), { kind: "other" });
});

Deno.test("readClientHello() reads a hello sent as one-byte records, a few bytes at a time", async () => {
  const hello = await curlHello("slow.example.test");
  const cut = fragmented(hello, 1);
  // The first bytes came with the CONNECT; the rest arrive seven at a time.
  const read = await sentInSteps(
    cut.subarray(3),
    7,
    (conn) => readClientHello(conn, cut.slice(0, 3)),
  );
  assert.deepEqual(read, { bytes: cut, scan: { kind: "hello", sni: "slow.example.test" } });
});

Deno.test("readClientHello() fails when the client ends first or sends more than a hello can be", async () => {
  const hello = await curlHello("end.example.test");
  await assert.rejects(
    sentInSteps(
      hello.subarray(0, hello.length - 1),
      64,
      (conn) => readClientHello(conn, new Uint8Array(0)),
    ),
    /the client ended before its ClientHello/,
  );
  // Records that declare a 64 KiB body yet never complete it: a record of zero-length chunks
  // would be refused at once, so these are records of one byte each, past what a hello can span.
  const endless = records(new Uint8Array([1, 0, 0xff, 0xff, ...new Uint8Array(70_000)]), 1);
  await assert.rejects(
    sentInSteps(endless, 16 * 1024, (conn) => readClientHello(conn, new Uint8Array(0))),
    /ClientHello too large/,
  );
});
