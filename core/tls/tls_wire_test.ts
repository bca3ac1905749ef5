/**
 * The whole chain on the wire under Deno: CA on disk → LeafCache → a TLS listener built the way
 * the egress proxy builds one (`Deno.listenTls` presenting one leaf, `sidecar/egress/
 * _leaf_listener.ts`) → real clients.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CertificateAuthority, type IssuedLeaf, LeafCache, loadOrCreateCa } from "./mod.ts";
import { tempDir } from "./_testing.ts";

const BODY = "hello from the bottle";
const RESPONSE = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`,
);

/** A TLS listener on 127.0.0.1:0 presenting one leaf, answering every request with RESPONSE. */
class WireServer implements AsyncDisposable {
  readonly errors: unknown[] = [];
  readonly port: number;
  readonly #listener: Deno.TlsListener;
  readonly #conns = new Set<Deno.TlsConn>();
  readonly #serving: Promise<void>;

  constructor(leaf: IssuedLeaf) {
    this.#listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: leaf.certPem,
      key: leaf.keyPem,
      alpnProtocols: ["http/1.1"],
    });
    this.port = this.#listener.addr.port;
    this.#serving = this.#accept();
  }

  async #accept(): Promise<void> {
    const served: Promise<void>[] = [];
    try {
      for await (const conn of this.#listener) served.push(this.#serve(conn));
    } catch {
      // Closed by dispose.
    }
    await Promise.all(served);
  }

  async #serve(conn: Deno.TlsConn): Promise<void> {
    this.#conns.add(conn);
    try {
      await conn.handshake();
      await conn.read(new Uint8Array(4096));
      await conn.write(RESPONSE);
    } catch (err) {
      this.errors.push(err);
    } finally {
      this.#conns.delete(conn);
      conn.close();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    for (const conn of this.#conns) conn.close();
    await this.#serving;
  }
}

async function run(cmd: string, args: string[], stdin?: string): Promise<Deno.CommandOutput> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  return await child.output();
}

/** Wait up to a second for an event the peer reports asynchronously. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 1000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

interface WireEnv {
  ca: CertificateAuthority;
  dir: string;
  /** A server presenting the cache's leaf for `host`. */
  serve(host: string): Promise<WireServer>;
}

async function withCa(test: (env: WireEnv) => Promise<void>): Promise<void> {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "egress");
  const ca = await loadOrCreateCa(dir);
  const cache = new LeafCache(ca);
  const servers: WireServer[] = [];
  try {
    await test({
      ca,
      dir,
      serve: async (host) => {
        servers.push(new WireServer(await cache.leaf(host)));
        return servers.at(-1)!;
      },
    });
  } finally {
    for (const server of servers) await server[Symbol.asyncDispose]();
  }
}

const FETCH_CLIENT = `
const [url, ca] = Deno.args;
const client = Deno.createHttpClient({ caCerts: [ca] });
try {
  const response = await fetch(url, { client });
  console.log(response.status, await response.text());
} finally {
  client.close();
}
`;

Deno.test("LeafCache serves Deno fetch that trusts only the bottle CA, with net permission only", async () => {
  await withCa(async ({ ca, serve }) => {
    const server = await serve("localhost");
    const port = server.port;
    const url = `https://localhost:${port}/`;
    const allowed = await run(Deno.execPath(), [
      "run",
      "--no-config",
      "--no-prompt",
      `--allow-net=localhost:${port}`,
      "-",
      url,
      ca.certPem,
    ], FETCH_CLIENT);
    assert.equal(text(allowed.stderr), "");
    assert.equal(text(allowed.stdout), `200 ${BODY}\n`);

    const denied = await run(Deno.execPath(), [
      "run",
      "--no-config",
      "--no-prompt",
      "--allow-net=localhost:1",
      "-",
      url,
      ca.certPem,
    ], FETCH_CLIENT);
    assert.notEqual(denied.code, 0);
    assert.match(text(denied.stderr), /NotCapable: Requires net access to "localhost:\d+"/);
    assert.deepEqual(server.errors, []);
  });
});

Deno.test("LeafCache serves curl --cacert ca.pem for names, long names and IP literals", async () => {
  await withCa(async ({ dir, serve }) => {
    const long = `${"a".repeat(60)}.example.test`;
    for (const host of ["api.example.test", "API.Example.Test", long]) {
      const { port, errors } = await serve(host);
      const out = await run("curl", [
        "-sS",
        "--fail",
        "--cacert",
        join(dir, "ca.pem"),
        "--resolve",
        `${host}:${port}:127.0.0.1`,
        `https://${host}:${port}/`,
      ]);
      assert.equal(text(out.stderr), "", host);
      assert.equal(text(out.stdout), BODY, host);
      assert.deepEqual(errors, [], host);
    }
    const server = await serve("127.0.0.1");
    const ip = await run("curl", [
      "-sS",
      "--cacert",
      join(dir, "ca.pem"),
      `https://127.0.0.1:${server.port}/`,
    ]);
    assert.equal(text(ip.stderr), "");
    assert.equal(text(ip.stdout), BODY);
    assert.deepEqual(server.errors, []);
  });
});

Deno.test("curl refuses the interception when it trusts another CA", async () => {
  await using other = await tempDir();
  await loadOrCreateCa(other.path);
  await withCa(async ({ serve }) => {
    const server = await serve("api.example.test");
    const port = server.port;
    const out = await run("curl", [
      "-sS",
      "--cacert",
      join(other.path, "ca.pem"),
      "--resolve",
      `api.example.test:${port}:127.0.0.1`,
      `https://api.example.test:${port}/`,
    ]);
    assert.equal(out.code, 60, "curl exit 60: peer certificate cannot be authenticated");
    assert.equal(text(out.stdout), "");
    await until(() => server.errors.length > 0);
    assert.equal(server.errors.length, 1);
    assert.match(String(server.errors[0]), /UnknownCA|unknown ca/i);
  });
});

Deno.test("openssl verifies a leaf against ca.pem and sees the expected extensions", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const leafFile = join(tmp.path, "leaf.pem");
  await Deno.writeTextFile(leafFile, (await ca.issueLeaf("api.example.test")).certPem);
  const caFile = join(tmp.path, "ca.pem");

  const verify = await run("openssl", [
    "verify",
    "-x509_strict",
    "-purpose",
    "sslserver",
    "-CAfile",
    caFile,
    leafFile,
  ]);
  assert.equal(text(verify.stderr), "");
  assert.equal(text(verify.stdout), `${leafFile}: OK\n`);

  const caText = text((await run("openssl", ["x509", "-in", caFile, "-noout", "-text"])).stdout);
  assert.match(caText, /Public-Key: \(256 bit\)\n\s+pub:[\s\S]*NIST CURVE: P-256/);
  assert.match(caText, /X509v3 Basic Constraints: critical\n\s+CA:TRUE, pathlen:0\n/);
  assert.match(caText, /X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
  const ski = caText.match(/X509v3 Subject Key Identifier: \n\s+([0-9A-F:]+)\n/)?.[1];
  assert.ok(ski, caText);

  const leafText = text(
    (await run("openssl", ["x509", "-in", leafFile, "-noout", "-text"])).stdout,
  );
  assert.match(leafText, /Subject: CN = api\.example\.test\n/);
  assert.match(leafText, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
  assert.match(leafText, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
  assert.match(leafText, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
  assert.match(leafText, /X509v3 Subject Alternative Name: \n\s+DNS:api\.example\.test\n/);
  assert.match(leafText, /X509v3 Subject Key Identifier: \n\s+[0-9A-F:]+\n/);
  const aki = leafText.match(/X509v3 Authority Key Identifier: \n\s+([0-9A-F:]+)\n/)?.[1];
  assert.equal(aki, ski, "the leaf's AKI names the CA's SKI, so clients find the issuer");
  assert.match(leafText, /Signature Algorithm: ecdsa-with-SHA256/);
});
