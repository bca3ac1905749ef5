import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, X509Certificate as NodeX509 } from "node:crypto";
import { CaFileError, type CertificateAuthority, loadOrCreateCa } from "./mod.ts";
import { parseCert, tempDir, wholeSecond, x509 } from "./_testing.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Run `test` with a fresh CA created at `created` (the current time). */
async function withCa(
  test: (ca: CertificateAuthority, created: Date) => Promise<void>,
  validityDays = 90,
): Promise<void> {
  await using tmp = await tempDir();
  const created = wholeSecond(new Date());
  await test(await loadOrCreateCa(tmp.path, { now: created, validityDays }), created);
}

Deno.test("issueLeaf() mints a server certificate for a DNS name, chained to the CA", async () => {
  await withCa(async (ca, created) => {
    const now = new Date(created.getTime() + DAY);
    const leaf = await ca.issueLeaf("API.Example.com", { now });
    const cert = parseCert(leaf.certPem);
    const caCert = parseCert(ca.certPem);
    assert.equal(cert.subject, "CN=api.example.com");
    assert.equal(cert.issuer, caCert.subject);
    assert.ok(await cert.verify({ publicKey: caCert.publicKey, date: now }), "signed by the CA");
    assert.ok(new NodeX509(leaf.certPem).checkHost("api.example.com"), "SAN matches the host");

    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: "dns", value: "api.example.com" }]);
    assert.equal(san?.critical, false);
    const constraints = cert.getExtension(x509.BasicConstraintsExtension);
    assert.equal(constraints?.ca, false);
    assert.equal(constraints?.critical, true);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    assert.equal(usage?.usages, x509.KeyUsageFlags.digitalSignature);
    assert.equal(usage?.critical, true);
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
    assert.deepEqual([...eku?.usages ?? []], [x509.ExtendedKeyUsage.serverAuth]);
    const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
    assert.equal(aki?.keyId, caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    assert.ok(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);

    assert.equal(cert.notBefore.getTime(), now.getTime() - HOUR);
    assert.equal(cert.notAfter.getTime(), now.getTime() + 30 * DAY);
    assert.equal(leaf.notAfter.getTime(), cert.notAfter.getTime());
  });
});

Deno.test("issueLeaf() gives each leaf its own key and a random serial", async () => {
  await withCa(async (ca) => {
    const [a, b] = await Promise.all([ca.issueLeaf("a.example"), ca.issueLeaf("a.example")]);
    assert.ok(a && b);
    assert.notEqual(a.keyPem, b.keyPem);
    assert.notEqual(parseCert(a.certPem).serialNumber, parseCert(b.certPem).serialNumber);
    const spki = createPublicKey(createPrivateKey(a.keyPem)).export({
      type: "spki",
      format: "der",
    });
    assert.ok(spki.equals(new Uint8Array(parseCert(a.certPem).publicKey.rawData)), "key fits");
  });
});

Deno.test("issueLeaf() puts IP literals in an iPAddress SAN, and names the leaf by it", async () => {
  await withCa(async (ca) => {
    const rows: [string, string, string][] = [
      ["127.0.0.1", "127.0.0.1", "127.0.0.1"],
      ["2001:DB8:0:0::1", "2001:db8::1", "2001:db8::1"],
      ["::ffff:10.0.0.1", "::ffff:a00:1", "::ffff:a00:1"],
    ];
    for (const [host, subject, san] of rows) {
      const leaf = await ca.issueLeaf(host);
      assert.equal(leaf.name, san, host);
      const cert = parseCert(leaf.certPem);
      assert.equal(cert.subject, `CN=${subject}`, host);
      const names = cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON();
      assert.deepEqual(names, [{ type: "ip", value: san }], host);
    }
  });
});

Deno.test("issueLeaf() leaves CN out for hosts over 64 characters and marks the SAN critical", async () => {
  await withCa(async (ca) => {
    const host = `${"a".repeat(63)}.${"b".repeat(20)}.example`;
    const cert = parseCert((await ca.issueLeaf(host)).certPem);
    assert.equal(cert.subject, "");
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    assert.deepEqual(san?.names.toJSON(), [{ type: "dns", value: host }]);
    assert.equal(san?.critical, true);
  });
});

Deno.test("issueLeaf() rejects hosts that are not DNS names or IP literals", async () => {
  await withCa(async (ca) => {
    const invalid = [
      "",
      "*.example.com",
      "*",
      "exa_mple.com",
      "-a.example",
      "a-.example",
      "a..example",
      "example.com.",
      ".example.com",
      "ex ample.com",
      "exämple.com",
      "example.com:443",
      `${"a".repeat(64)}.example`,
      `${"a.".repeat(127)}ab`,
      "1.2.3",
      "01.2.3.4",
      "256.1.1.1",
      "example.123",
      "[::1]",
      "fe80::1%eth0",
      "1::2::3",
      "a\nb",
    ];
    for (const host of invalid) {
      await assert.rejects(ca.issueLeaf(host), (err: unknown) => {
        assert.ok(err instanceof TypeError, `${JSON.stringify(host)}: ${err}`);
        assert.equal(
          err.message,
          `Cannot issue a certificate for ${
            JSON.stringify(host)
          }: not a DNS name or an IP address literal`,
        );
        return true;
      });
    }
    for (const host of ["localhost", "xn--bcher-kva.example", "a-b.c0.example", "1.example"]) {
      assert.ok((await ca.issueLeaf(host)).certPem, host);
    }
  });
});

Deno.test("issueLeaf() never outlives the CA and never predates it", async () => {
  await withCa(async (ca, created) => {
    const caCert = parseCert(ca.certPem);
    const early = parseCert((await ca.issueLeaf("a.example", { now: created })).certPem);
    assert.equal(early.notBefore.getTime(), caCert.notBefore.getTime());
    const late = new Date(ca.notAfter.getTime() - DAY);
    const cert = parseCert((await ca.issueLeaf("a.example", { now: late })).certPem);
    assert.equal(cert.notAfter.getTime(), ca.notAfter.getTime());
  }, 30);
});

Deno.test("issueLeaf() refuses to issue from an expired CA", async () => {
  await withCa(async (ca, created) => {
    const now = new Date(ca.notAfter.getTime() + 1000);
    await assert.rejects(ca.issueLeaf("a.example", { now }), (err: unknown) => {
      assert.ok(err instanceof CaFileError);
      assert.equal(err.problem, "expired");
      assert.match(err.file, /ca\.pem$/);
      return true;
    });
    const before = new Date(created.getTime() - 2 * HOUR);
    await assert.rejects(ca.issueLeaf("a.example", { now: before }), (err: unknown) => {
      assert.ok(err instanceof CaFileError);
      assert.equal(err.problem, "not-yet-valid");
      return true;
    });
  });
});
