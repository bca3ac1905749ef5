import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import {
  type IssuedLeaf,
  type IssueLeafOptions,
  LeafCache,
  loadOrCreateCa,
} from "../../core/tls/mod.ts";
import { closeQuietly } from "./_conn_io.ts";
import { type Terminated, TlsFront } from "./_tls_front.ts";

const DAY = 86_400_000;

/** A front over a fresh CA, and a port whose connections it terminates as tunnels to `host`. */
async function frontBed(options: { timeoutMs?: number; clock?: () => Date; caSince?: Date } = {}) {
  const dir = await Deno.makeTempDir();
  const ca = await loadOrCreateCa(
    dir,
    options.caSince === undefined ? {} : { now: options.caSince, validityDays: 365 },
  );
  const minted: IssuedLeaf[] = [];
  const issuer = {
    issueLeaf: async (host: string, opts?: IssueLeafOptions) => {
      minted.push(await ca.issueLeaf(host, opts));
      return minted.at(-1)!;
    },
  };
  const front = new TlsFront(
    new LeafCache(issuer, options.clock === undefined ? {} : { clock: options.clock }),
  );
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const results: Promise<Terminated | undefined>[] = [];
  /** The host each next accepted connection tunnels to. */
  const hosts: string[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      results.push(
        front.terminate(conn, {
          buffered: new Uint8Array(0),
          host: hosts.shift()!,
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        }),
      );
    }
  })().catch(() => {});
  return {
    ca: ca.certPem,
    minted,
    front,
    port: listener.addr.port,
    hosts,
    results,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      for (const result of await Promise.all(results)) {
        if (result !== undefined) closeQuietly(result.conn);
      }
      front.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A node:tls client through the bed: the serial of the leaf it was shown, once it trusted it. */
function handshake(
  port: number,
  ca: string,
  name: string | undefined,
  verifyAs: string,
): Promise<{ serial: string; socket: tls.TLSSocket }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      ca,
      ...(name === undefined ? {} : { servername: name }),
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(verifyAs, cert),
    });
    socket.once(
      "secureConnect",
      () => resolve({ serial: socket.getPeerCertificate().serialNumber, socket }),
    );
    socket.once("error", reject);
  });
}

/**
 * A tunnel through the bed to the CONNECT host `host`, asking for `sni` (none: undefined): the
 * loopback port of the leaf listener that terminated it. Why ports, not descriptor counts: the
 * test files of a parallel run share one process, and so its descriptors.
 */
async function tunnelPort(
  bed: Awaited<ReturnType<typeof frontBed>>,
  host: string,
  names: { sni?: string; verifyAs: string },
): Promise<number> {
  bed.hosts.push(host);
  const { socket } = await handshake(bed.port, bed.ca, names.sni, names.verifyAs);
  socket.destroy();
  const result = await bed.results.at(-1)!;
  assert.ok(result !== undefined, `${host} was terminated`);
  closeQuietly(result.conn);
  return (result.conn.localAddr as Deno.NetAddr).port;
}

/** Whether a listener still takes connections on a loopback port (refused: none does). */
async function listening(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.ConnectionRefused) return false;
    throw err;
  }
}

Deno.test("TlsFront presents the leaf of the name asked for, or of the CONNECT host when none", async () => {
  await using bed = await frontBed();
  const sockets: tls.TLSSocket[] = [];
  try {
    // Two IP literals, no SNI: each its own leaf (one answer for every nameless client would
    // show the first tunnel's leaf to the second, which no client would trust).
    for (const ip of ["10.1.2.3", "10.9.8.7"]) {
      bed.hosts.push(ip);
      sockets.push((await handshake(bed.port, bed.ca, undefined, ip)).socket);
    }
    bed.hosts.push("api.example.test");
    sockets.push(
      (await handshake(bed.port, bed.ca, "Other.Example.Test", "other.example.test")).socket,
    );
    const terminated = await Promise.all(bed.results);
    assert.deepEqual(terminated.map((t) => t?.sni), [undefined, undefined, "other.example.test"]);
    assert.deepEqual(
      bed.minted.map((leaf) => new X509Certificate(leaf.certPem).subjectAltName),
      ["IP Address:10.1.2.3", "IP Address:10.9.8.7", "DNS:other.example.test"],
    );
    // The decrypted connection carries what the client sends.
    sockets[2]!.write("ping");
    const buffer = new Uint8Array(4);
    assert.equal(await terminated[2]!.conn.read(buffer), 4);
    assert.equal(new TextDecoder().decode(buffer), "ping");
  } finally {
    for (const socket of sockets) socket.destroy();
  }
});

Deno.test("TlsFront presents a renewed leaf once the old one is due, from a new listener", async () => {
  // The first leaf is minted as if 30 days ago, less 10 minutes: it is due for renewal in 5.
  const real = Date.now();
  let now = new Date(real - 30 * DAY + 10 * 60_000);
  await using bed = await frontBed({ clock: () => now, caSince: new Date(real - 31 * DAY) });
  const serials: string[] = [];
  for (let round = 0; round < 3; round++) {
    if (round === 2) now = new Date(real + 6 * 60_000);
    bed.hosts.push("api.example.test");
    const { serial, socket } = await handshake(
      bed.port,
      bed.ca,
      "api.example.test",
      "api.example.test",
    );
    serials.push(serial);
    socket.destroy();
  }
  assert.equal(serials[0], serials[1]);
  assert.notEqual(serials[1], serials[2]);
  assert.equal(bed.minted.length, 2);
  assert.equal(serials[2], new X509Certificate(bed.minted[1]!.certPem).serialNumber);
});

Deno.test("TlsFront closes a tunnel whose time was up before it began, minting nothing", async () => {
  await using bed = await frontBed();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = await listener.accept();
  listener.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await Promise.race([
    bed.front.terminate(server, {
      buffered: new Uint8Array(0),
      host: "api.example.test",
      signal: AbortSignal.abort(),
    }),
    new Promise<string>((resolve) => timer = setTimeout(() => resolve("still waiting"), 5_000)),
  ]);
  clearTimeout(timer);
  assert.equal(result, undefined);
  assert.equal(await client.read(new Uint8Array(16)), null, "the front closed the connection");
  assert.deepEqual(bed.minted, [], "nothing minted for it");
  client.close();
});

Deno.test("TlsFront closes a tunnel whose ClientHello never completes, when its time is up", async () => {
  await using bed = await frontBed({ timeoutMs: 300 });
  bed.hosts.push("api.example.test");
  const client = await Deno.connect({ hostname: "127.0.0.1", port: bed.port });
  // Half a record header, then nothing.
  await client.write(new Uint8Array([22, 3]));
  const started = performance.now();
  assert.equal(await client.read(new Uint8Array(16)), null, "the front closed the connection");
  assert.ok(performance.now() - started >= 250, "not before the time was up");
  assert.equal(await bed.results[0], undefined);
  client.close();
});

Deno.test("TlsFront refuses what is not TLS with an alert, and closes", async () => {
  await using bed = await frontBed();
  bed.hosts.push("api.example.test");
  const client = await Deno.connect({ hostname: "127.0.0.1", port: bed.port });
  await client.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: api.example.test\r\n\r\n"));
  const answer: number[] = [];
  const buffer = new Uint8Array(64);
  for (let n = await client.read(buffer); n !== null; n = await client.read(buffer)) {
    answer.push(...buffer.subarray(0, n));
  }
  client.close();
  assert.equal(answer[0], 21, "a TLS alert record");
  assert.equal(await bed.results[0], undefined);
});

Deno.test("TlsFront closes a tunnel that asks for a name no certificate can carry", async () => {
  await using bed = await frontBed();
  bed.hosts.push("api.example.test");
  await assert.rejects(
    handshake(bed.port, bed.ca, "bad_name.example.test", "bad_name.example.test"),
  );
  assert.equal(await bed.results[0], undefined);
  assert.deepEqual(bed.minted, [], "nothing minted for it");
});

Deno.test("TlsFront keeps a bounded number of listeners open, however many names clients ask for", async () => {
  await using bed = await frontBed();
  const ports: number[] = [];
  for (let i = 0; i < 150; i++) {
    const name = `n${i}.example.test`;
    ports.push(await tunnelPort(bed, "api.example.test", { sni: name, verifyAs: name }));
  }
  let open = 0;
  for (const port of new Set(ports)) if (await listening(port)) open++;
  // 64 at most, and a few more for ports that other tests' listeners took since ours let them
  // go (the test files of a parallel run share the machine's ports); 150 without retiring.
  assert.ok(open <= 64 + 8, `${open} of the listeners for 150 names still listen`);
  assert.ok(await listening(ports.at(-1)!), "the last name's listener is open");
});

Deno.test("TlsFront opens one listener for every spelling of a host, not one per spelling", async () => {
  await using bed = await frontBed();
  const other = await tunnelPort(bed, "10.1.2.3", { verifyAs: "10.1.2.3" });
  // 80 distinct spellings of fd00::1 (its zero groups padded differently, upper case), more than
  // the cache holds: one listener per spelling would push out every other host's.
  const pads = ["0", "00", "000", "0000"];
  const ports = new Set<number>();
  for (let i = 0; i < 80; i++) {
    const groups = [0, 1, 2, 3, 4, 5].map((g) => pads[Math.floor(i / 4 ** g) % 4]!);
    const spelling = `${i % 2 === 0 ? "fd00" : "FD00"}:${groups.join(":")}:1`;
    ports.add(await tunnelPort(bed, spelling, { verifyAs: "fd00::1" }));
  }
  assert.equal(ports.size, 1, "one listener for every spelling");
  assert.equal(
    await tunnelPort(bed, "10.1.2.3", { verifyAs: "10.1.2.3" }),
    other,
    "the other host kept its listener",
  );
  assert.equal(bed.minted.length, 2, "one leaf for every spelling, one for the other host");
});

Deno.test("TlsFront.close() ends every tunnel still relayed, and takes no more", async () => {
  await using bed = await frontBed();
  bed.hosts.push("api.example.test");
  const { socket } = await handshake(bed.port, bed.ca, "api.example.test", "api.example.test");
  await bed.results[0];
  const closed = new Promise((resolve) => socket.once("close", resolve));
  bed.front.close();
  await closed;
  // And a tunnel that comes later is closed at once.
  bed.hosts.push("api.example.test");
  const late = await Deno.connect({ hostname: "127.0.0.1", port: bed.port });
  assert.equal(await late.read(new Uint8Array(16)), null);
  late.close();
  assert.equal(await bed.results[1], undefined);
});
