import assert from "node:assert/strict";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { UpstreamConnectError, UpstreamPool } from "./_upstream.ts";
import { rootsBeyondRuntime } from "./_upstream_roots.ts";

const [first, second, third] = tls.rootCertificates as [string, string, string];

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
    await assert.rejects(pool.acquire(target(bad), true), UpstreamConnectError);
  } finally {
    pool.close();
    await new Promise<void>((resolve) => good.close(() => resolve()));
    await new Promise<void>((resolve) => bad.close(() => resolve()));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rootsBeyondRuntime passes every root in a process that may not read the runtime's", async () => {
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    file,
    `import { rootsBeyondRuntime } from ${
      JSON.stringify(new URL("./_upstream_roots.ts", import.meta.url).href)
    };
console.log(rootsBeyondRuntime([${JSON.stringify(first + second)}], undefined)?.length);`,
  );
  // `deno run` grants nothing unless told: the sidecar's daemons run without `--allow-sys`.
  const run = (flags: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--allow-read", ...flags, file],
      stderr: "inherit",
    }).output().then((out) => new TextDecoder().decode(out.stdout).trim());
  try {
    assert.equal(await run([]), "2", "without the permission: both roots");
    assert.equal(await run(["--allow-sys"]), "undefined", "with it: both are the runtime's");
  } finally {
    await Deno.remove(file);
  }
});
