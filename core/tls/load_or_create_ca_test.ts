import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors/mod.ts";
import { CaFileError, type CaFileProblem, loadOrCreateCa } from "./mod.ts";
import { parseCert, snapshot, tempDir, wholeSecond, x509 } from "./_testing.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

Deno.test("loadOrCreateCa() creates a P-256 CA, then reloads the same one", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "state", "egress");
  const now = wholeSecond(new Date(Date.now() - DAY));
  const created = await loadOrCreateCa(dir, { now, commonName: "test CA" });
  const reloaded = await loadOrCreateCa(dir, { now: new Date(now.getTime() + DAY) });
  assert.equal(reloaded.certPem, created.certPem);
  assert.equal(await Deno.readTextFile(join(dir, "ca.pem")), created.certPem);
  assert.deepEqual(Object.keys(await snapshot(dir)).sort(), ["ca-key.pem", "ca.pem"]);

  const cert = parseCert(created.certPem);
  assert.equal(cert.subject, "O=bot-bottle, CN=test CA");
  assert.equal(cert.issuer, cert.subject);
  assert.ok(await cert.verify({ date: now }), "self-signature verifies");
  assert.deepEqual(cert.publicKey.algorithm, { name: "ECDSA", namedCurve: "P-256" });
  assert.equal(cert.notBefore.getTime(), now.getTime() - HOUR);
  assert.equal(cert.notAfter.getTime(), now.getTime() + 30 * DAY);
  assert.equal(created.notAfter.getTime(), cert.notAfter.getTime());
  assert.ok(cert.serialNumber.length >= 32, `128-bit serial, got ${cert.serialNumber}`);

  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  assert.equal(constraints?.ca, true);
  assert.equal(constraints?.pathLength, 0);
  assert.equal(constraints?.critical, true);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  assert.equal(usage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  assert.equal(usage?.critical, true);
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const sha1 = new Uint8Array(await cert.publicKey.getKeyIdentifier());
  assert.equal(ski?.keyId, Array.from(sha1, (b) => b.toString(16).padStart(2, "0")).join(""));
});

Deno.test("loadOrCreateCa() writes the key 0600, the certificate 0644, the directory 0700", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "egress");
  await loadOrCreateCa(dir);
  assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(join(dir, "ca-key.pem"))).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(join(dir, "ca.pem"))).mode! & 0o777, 0o644);
});

Deno.test("loadOrCreateCa() keeps ca.pem readable by clients under umask 077", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "egress");
  const script = `import { loadOrCreateCa } from ${JSON.stringify(import.meta.resolve("./mod.ts"))};
await loadOrCreateCa(Deno.args[0]);`;
  const config = fileURLToPath(import.meta.resolve("../../deno.json"));
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      'umask 077 && exec "$0" run -q -A --no-lock --config "$1" - "$2"',
      Deno.execPath(),
      config,
      dir,
    ],
    stdin: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { code, stderr } = await child.output();
  assert.equal(new TextDecoder().decode(stderr), "");
  assert.equal(code, 0);
  assert.equal((await Deno.stat(join(dir, "ca.pem"))).mode! & 0o777, 0o644);
  assert.equal((await Deno.stat(join(dir, "ca-key.pem"))).mode! & 0o777, 0o600);
});

Deno.test("loadOrCreateCa() gives concurrent callers one CA", async () => {
  await using tmp = await tempDir();
  const cas = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateCa(tmp.path)));
  assert.equal(new Set(cas.map((ca) => ca.certPem)).size, 1);
  assert.deepEqual(Object.keys(await snapshot(tmp.path)).sort(), ["ca-key.pem", "ca.pem"]);
});

Deno.test("loadOrCreateCa() waits for a certificate being published beside its key", async () => {
  await using source = await tempDir();
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(source.path);
  await Deno.copyFile(join(source.path, "ca-key.pem"), join(tmp.path, "ca-key.pem"));
  const loading = loadOrCreateCa(tmp.path);
  await new Promise((resolve) => setTimeout(resolve, 100));
  // Published whole, as a CA is (written elsewhere, then moved in at once): the loader polls,
  // and a file written in place could be read half written.
  await Deno.writeTextFile(join(source.path, "ca.pem.next"), ca.certPem);
  await Deno.rename(join(source.path, "ca.pem.next"), join(tmp.path, "ca.pem"));
  assert.equal((await loading).certPem, ca.certPem);
});

Deno.test("loadOrCreateCa() takes commonName and validityDays for a new CA", async () => {
  await using tmp = await tempDir();
  const now = wholeSecond(new Date());
  const ca = await loadOrCreateCa(tmp.path, { commonName: "bottle dev", validityDays: 2, now });
  const cert = parseCert(ca.certPem);
  assert.equal(cert.subject, "O=bot-bottle, CN=bottle dev");
  assert.equal(cert.notAfter.getTime(), now.getTime() + 2 * DAY);
});

Deno.test("loadOrCreateCa() names each new CA differently by default", async () => {
  await using a = await tempDir();
  await using b = await tempDir();
  const first = parseCert((await loadOrCreateCa(a.path)).certPem).subject;
  const second = parseCert((await loadOrCreateCa(b.path)).certPem).subject;
  assert.match(first, /^O=bot-bottle, CN=bot-bottle egress CA [0-9a-f]{8}$/);
  assert.notEqual(first, second);
});

Deno.test("loadOrCreateCa() rejects out-of-range options before touching the disk", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "egress");
  for (const validityDays of [0, -1, 399, Number.NaN]) {
    await assert.rejects(loadOrCreateCa(dir, { validityDays }), RangeError);
  }
  for (const commonName of ["", "x".repeat(65)]) {
    await assert.rejects(loadOrCreateCa(dir, { commonName }), RangeError);
  }
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
});

/** A directory holding a valid CA, to be damaged by each case below. */
async function caDir(path: string, now?: Date): Promise<{ cert: string; key: string }> {
  await loadOrCreateCa(path, now ? { now } : {});
  return { cert: join(path, "ca.pem"), key: join(path, "ca-key.pem") };
}

/** Assert that loading refuses the damaged CA with `problem` naming `file`, changing nothing. */
async function assertRefused(
  dir: string,
  problem: CaFileProblem,
  file: string,
  message: RegExp,
): Promise<void> {
  const before = await snapshot(dir);
  const err = await loadOrCreateCa(dir).then(
    () => assert.fail("loaded a damaged CA"),
    (err: unknown) => err,
  );
  assert.ok(err instanceof CaFileError, `expected CaFileError, got ${err}`);
  assert.ok(err instanceof ConfigError);
  assert.equal(err.problem, problem);
  assert.equal(err.file, file);
  assert.ok(err.message.startsWith(`Cannot use CA file "${file}": `), err.message);
  assert.match(err.message, message);
  assert.deepEqual(await snapshot(dir), before, "the CA files were left untouched");
}

Deno.test("loadOrCreateCa() refuses a corrupted key and leaves the files alone", async () => {
  await using tmp = await tempDir();
  const { key } = await caDir(tmp.path);
  await Deno.writeTextFile(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  await assertRefused(tmp.path, "malformed", key, /not an unencrypted PEM private key$/);
});

Deno.test("loadOrCreateCa() refuses a key that belongs to another CA", async () => {
  await using tmp = await tempDir();
  await using other = await tempDir();
  const { key } = await caDir(tmp.path);
  await Deno.writeTextFile(key, await Deno.readTextFile((await caDir(other.path)).key));
  await assertRefused(tmp.path, "key-mismatch", key, /does not match ".*ca\.pem" \(delete "/);
});

Deno.test("loadOrCreateCa() refuses a key that is not P-256", async () => {
  await using tmp = await tempDir();
  const { key } = await caDir(tmp.path);
  const p384 = generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey;
  await Deno.writeTextFile(key, p384.export({ type: "pkcs8", format: "pem" }).toString());
  await assertRefused(tmp.path, "unsupported-key", key, /must be ECDSA P-256, found EC secp384r1$/);
});

Deno.test("loadOrCreateCa() refuses a key readable by group or others", async () => {
  await using tmp = await tempDir();
  const { key } = await caDir(tmp.path);
  await Deno.chmod(key, 0o640);
  await assertRefused(tmp.path, "insecure-permissions", key, /\(mode 0640\); run chmod 600/);
});

Deno.test("loadOrCreateCa() refuses a certificate that is garbage or not one certificate", async () => {
  await using tmp = await tempDir();
  const { cert } = await caDir(tmp.path);
  const pem = await Deno.readTextFile(cert);
  await Deno.writeTextFile(cert, "not a certificate\n");
  await assertRefused(tmp.path, "malformed", cert, /found 0$/);
  await Deno.writeTextFile(cert, pem + pem);
  await assertRefused(tmp.path, "malformed", cert, /found 2$/);
  await Deno.writeTextFile(cert, await Deno.readTextFile(join(tmp.path, "ca-key.pem")));
  await assertRefused(tmp.path, "malformed", cert, /not a valid X\.509 certificate$/);
});

Deno.test("loadOrCreateCa() refuses a leaf certificate in place of the CA", async () => {
  await using tmp = await tempDir();
  const { cert, key } = await caDir(tmp.path);
  const leaf = await (await loadOrCreateCa(tmp.path)).issueLeaf("example.com");
  await Deno.writeTextFile(cert, leaf.certPem);
  await Deno.writeTextFile(key, leaf.keyPem);
  await assertRefused(tmp.path, "not-ca", cert, /not a CA certificate/);
});

Deno.test("loadOrCreateCa() refuses half a CA instead of minting over it", async () => {
  await using tmp = await tempDir();
  const { cert, key } = await caDir(tmp.path);
  await Deno.remove(key);
  await assertRefused(tmp.path, "incomplete", key, /missing while its pair exists/);
  await Deno.remove(cert);
  await Deno.writeTextFile(key, "whatever", { mode: 0o600 });
  await assertRefused(tmp.path, "incomplete", cert, /missing while its pair exists/);
});

Deno.test("loadOrCreateCa() refuses a CA file it cannot read", async () => {
  await using tmp = await tempDir();
  const { cert } = await caDir(tmp.path);
  await Deno.remove(cert);
  await Deno.mkdir(cert);
  await assertRefused(tmp.path, "unreadable", cert, /not a regular file$/);
});

Deno.test("loadOrCreateCa() refuses an expired CA and one not yet valid", async () => {
  await using tmp = await tempDir();
  await using future = await tempDir();
  const { cert } = await caDir(tmp.path, new Date(Date.now() - 31 * DAY));
  await assertRefused(tmp.path, "expired", cert, /certificate expired at .* \(delete "/);
  const later = await caDir(future.path, new Date(Date.now() + 2 * DAY));
  await assertRefused(
    future.path,
    "not-yet-valid",
    later.cert,
    /not valid before .*check the clock/,
  );
});
