/**
 * The whole chain on the wire under Deno: CA on disk → LeafCache → a TLS server built the way
 * the egress proxy builds it (`new tls.TLSSocket(..., { isServer: true, SNICallback })`, since
 * Deno 2.9.6 ignores `tls.createServer({ secureContext })`) → real clients.
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { type SecureContext, TLSSocket } from "node:tls";
import { type CertificateAuthority, LeafCache, loadOrCreateCa } from "./mod.ts";
import { tempDir } from "./_testing.ts";

const BODY = "hello from the bottle";
const RESPONSE =
  `HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`;

/** A TLS listener on 127.0.0.1:0 answering every request with RESPONSE. */
class WireServer implements AsyncDisposable {
  readonly errors: unknown[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(cache: LeafCache, fallback: SecureContext) {
    this.#server = createServer((raw) => {
      this.#sockets.add(raw);
      raw.on("close", () => this.#sockets.delete(raw));
      const socket = new TLSSocket(raw, {
        isServer: true,
        secureContext: fallback,
        SNICallback: (name, done) => {
          // Deno 2.9.6 calls this with "" when the client sent no SNI (IP literals), where
          // Node would not call it; answer with the context for the CONNECT host instead.
          if (name === "") return done(null, fallback);
          cache.secureContext(name).then((context) => done(null, context), done);
        },
      });
      socket.on("error", (err) => this.errors.push(err));
      socket.once("data", () => socket.end(RESPONSE));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.#server.listen(0, "127.0.0.1", () => {
        const address = this.#server.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      });
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
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
  port: number;
  server: WireServer;
}

async function withServer(test: (env: WireEnv) => Promise<void>): Promise<void> {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "egress");
  const ca = await loadOrCreateCa(dir);
  const cache = new LeafCache(ca);
  await using server = new WireServer(cache, await cache.secureContext("127.0.0.1"));
  await test({ ca, dir, port: await server.listen(), server });
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
  await withServer(async ({ ca, port, server }) => {
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
  await withServer(async ({ dir, port, server }) => {
    const long = `${"a".repeat(60)}.example.test`;
    for (const host of ["api.example.test", "API.Example.Test", long]) {
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
    }
    const ip = await run("curl", [
      "-sS",
      "--cacert",
      join(dir, "ca.pem"),
      `https://127.0.0.1:${port}/`,
    ]);
    assert.equal(text(ip.stderr), "");
    assert.equal(text(ip.stdout), BODY);
    assert.deepEqual(server.errors, []);
  });
});

Deno.test("curl refuses the interception when it trusts another CA", async () => {
  await using other = await tempDir();
  await loadOrCreateCa(other.path);
  await withServer(async ({ port, server }) => {
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
    assert.deepEqual(
      server.errors.map((err) => (err as { code?: string }).code),
      ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA"],
    );
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
