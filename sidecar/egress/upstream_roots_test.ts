import assert from "node:assert/strict";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { UpstreamConnectError, UpstreamPool } from "./_upstream.ts";
import { rootsBeyondRuntime, runtimeRoots, writeRuntimeRoots } from "./_upstream_roots.ts";

const [first, second, third] = tls.rootCertificates as [string, string, string];
/** The repository's config: the probes below import modules that use its import map. */
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

Deno.test("rootsBeyondRuntime passes on only the roots the runtime does not hold", () => {
  // The same certificate with other line endings and wrapping is still the same certificate.
  const rewrapped = first.replace(/\n/g, "\r\n");
  const bundle = ["# a comment\n", rewrapped, "\n", second, "\n", third].join("");
  assert.deepEqual(rootsBeyondRuntime([bundle], undefined, [first, third]), [second.trim()]);
});

Deno.test("rootsBeyondRuntime keeps the extra CA, and passes nothing when nothing is new", () => {
  assert.deepEqual(rootsBeyondRuntime([first], "EXTRA", [first]), ["EXTRA"]);
  assert.equal(rootsBeyondRuntime([first + second], undefined, [first, second]), undefined);
  assert.equal(rootsBeyondRuntime([], undefined), undefined);
  // The real default store: the runtime's own roots add nothing.
  assert.equal(rootsBeyondRuntime([tls.rootCertificates.join("\n")], undefined), undefined);
});

Deno.test("an upstream pool trusts a root of the bundle beyond the runtime's, and no other", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-roots-" });
  const trusted = await loadOrCreateCa(join(dir, "trusted"));
  const stranger = await loadOrCreateCa(join(dir, "stranger"));
  const serve = async (ca: typeof trusted) => {
    const leaf = await ca.issueLeaf("origin.test");
    const server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (socket) => {
      socket.on("error", () => {});
      socket.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  };
  const good = await serve(trusted);
  const bad = await serve(stranger);
  const target = (server: tls.Server) => ({
    address: "127.0.0.1",
    family: 4 as const,
    port: (server.address() as net.AddressInfo).port,
    servername: "origin.test",
  });
  // A system bundle: the runtime's roots with the bottle's own root among them.
  const pool = new UpstreamPool({ roots: [[...tls.rootCertificates, trusted.certPem].join("\n")] });
  try {
    const conn = await pool.acquire(target(good), true);
    conn.socket.destroy();
    await assert.rejects(async () => await pool.acquire(target(bad), true), UpstreamConnectError);
  } finally {
    pool.close();
    await new Promise<void>((resolve) => good.close(() => resolve()));
    await new Promise<void>((resolve) => bad.close(() => resolve()));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a process that may not read the runtime's roots reads the list written at build time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-roots-" });
  const written = join(dir, "runtime-roots.pem");
  const script = join(dir, "probe.ts");
  await Deno.writeTextFile(
    script,
    `import { rootsBeyondRuntime, runtimeRoots } from ${
      JSON.stringify(new URL("./_upstream_roots.ts", import.meta.url).href)
    };
console.log(rootsBeyondRuntime([${JSON.stringify(first + second)}], undefined, runtimeRoots(${
      JSON.stringify(written)
    }))?.length);`,
  );
  // `deno run` grants nothing unless told: the sidecar's daemons run without `--allow-sys`.
  const run = (flags: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", CONFIG, "--allow-read", "--allow-env", ...flags, script],
      env: { NO_COLOR: "1" },
      stderr: "piped",
    }).output().then((out) =>
      out.success
        ? new TextDecoder().decode(out.stdout).trim()
        : `failed: ${new TextDecoder().decode(out.stderr)}`
    );
  try {
    assert.equal(await run([]), "2", "no permission, no list: both roots are passed");
    assert.equal(writeRuntimeRoots(written), tls.rootCertificates.length);
    assert.equal(await run([]), "undefined", "no permission, the list: both are the runtime's");
    assert.equal(await run(["--allow-sys"]), "undefined", "the permission: the runtime says so");
    await Deno.writeTextFile(written, "not a certificate\n");
    assert.equal(await run([]), "2", "a list without certificates omits nothing");
    // A list that is there but cannot be read is a broken image: the proxy does not start.
    await Deno.remove(written);
    await Deno.mkdir(written);
    assert.match(await run([]), /^failed: .*directory/is);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a root the written list names but the runtime lacks is trusted by neither", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-roots-" });
  try {
    const own = await loadOrCreateCa(join(dir, "own"));
    const system = [first, own.certPem].join("\n");
    assert.deepEqual(rootsBeyondRuntime([system], undefined, [first]), [own.certPem.trim()]);
    // A list that claims the bottle's own root for the runtime: it is left out of what Deno is
    // given, and Deno does not have it either, so fewer roots are trusted, not more.
    assert.equal(rootsBeyondRuntime([system], undefined, [first, own.certPem]), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeRuntimeRoots writes every runtime root, and needs the permission to read them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-roots-" });
  try {
    const file = join(dir, "deeper", "runtime-roots.pem");
    assert.equal(
      runtimeRoots(file).length,
      tls.rootCertificates.length,
      "a process that may read them asks the runtime, whatever the file",
    );
    assert.equal(writeRuntimeRoots(file), tls.rootCertificates.length);
    const text = await Deno.readTextFile(file);
    assert.equal(text.match(/-----BEGIN CERTIFICATE-----/g)?.length, tls.rootCertificates.length);
    assert.equal(
      rootsBeyondRuntime([tls.rootCertificates.join("\n")], undefined, [text]),
      undefined,
    );
    const script = join(dir, "write.ts");
    await Deno.writeTextFile(
      script,
      `import { writeRuntimeRoots } from ${
        JSON.stringify(new URL("./_upstream_roots.ts", import.meta.url).href)
      };
writeRuntimeRoots(${JSON.stringify(join(dir, "refused", "roots.pem"))});`,
    );
    const refused = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--config", CONFIG, "--allow-read", `--allow-write=${dir}`, script],
      env: { NO_COLOR: "1" },
      stderr: "piped",
    }).output();
    assert.equal(refused.success, false);
    assert.match(new TextDecoder().decode(refused.stderr), /sys access to "ca"/);
    await assert.rejects(Deno.stat(join(dir, "refused")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
