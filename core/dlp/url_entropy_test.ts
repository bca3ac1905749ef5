import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { DlpEngine } from "./mod.ts";
import { opaqueValue } from "./_url_entropy.ts";
import { spans, streamAll } from "./_testing.ts";

const dlp = new DlpEngine({ knownSecrets: [] });
const URL_ONLY = { detectors: ["url_entropy"] as const };

/** A deterministic pseudo-random string over `alphabet` (xorshift, seeded). */
function random(alphabet: string, length: number, seed: number): string {
  let x = seed;
  let out = "";
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += alphabet[(x >>> 0) % alphabet.length];
  }
  return out;
}

const B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL = `${B62}-_`;
const B36 = "abcdefghijklmnopqrstuvwxyz0123456789";

function flagged(url: string): string[] {
  return dlp.scanUrl(url, URL_ONLY).map((f) => url.slice(f.start, f.end));
}

Deno.test("url_entropy blocks random keys of 28+ characters in a path segment or a query value", () => {
  let missed = 0;
  let total = 0;
  for (const [alphabet, name] of [[B62, "base62"], [B64URL, "base64url"], [B36, "base36"]]) {
    for (const length of [28, 32, 40, 48, 64]) {
      for (let seed = 1; seed <= 20; seed++) {
        const value = random(alphabet!, length, seed * 7919 + length);
        total += 2;
        if (flagged(`/v1/collect/${value}/x`).join() !== value) missed++;
        if (flagged(`/search?q=hello&d=${value}&page=2`).join() !== value) missed++;
        void name;
      }
    }
  }
  assert.ok(missed / total <= 0.05, `missed ${missed} of ${total}`);
});

Deno.test("url_entropy blocks base64 of text and standard base64 with + and / in a query", () => {
  const env = Buffer.from("DATABASE_URL=postgres://admin:pw@db.internal/prod\n").toString("base64");
  assert.deepEqual(flagged(`/log?data=${env}`), [env.replace(/=+$/, "")]);
  const passwd = Buffer.from("root:x:0:0:root:/root:/bin/bash\n").toString("base64url");
  assert.deepEqual(flagged(`/p/${passwd}`), [passwd]);
  const finding = dlp.scanUrl(`/p/${passwd}`, URL_ONLY)[0]!;
  assert.deepEqual([finding.detector, finding.rule, finding.severity], [
    "url_entropy",
    "opaque_url_value",
    "block",
  ]);
  assert.ok(!finding.snippet.includes(passwd.slice(0, 6)), "the snippet hides the value");
});

Deno.test("url_entropy passes hashes, UUIDs, JWTs, integrity strings, slugs and cache busters", () => {
  const benign = [
    "/repos/octo/app/commits/9fceb02d0ae598e95dc970b74767f19372d61af8",
    "/v2/library/node/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "/packages/3b/8f/0a1e5c8d9b7f6e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d/pkg.whl",
    "/api/items/123e4567-e89b-12d3-a456-426614174000?expand=owner",
    "/callback?token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." +
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "/tiles?access_token=pk.eyJ1IjoiZXhhbXBsZSIsImEiOiJjbGZ4In0.k2Jd8sH3Zq9LmN4vP6xYtQ",
    "/check?integrity=sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR",
    "/blog/2024/01/release-notes-for-version-20-and-migration-guide",
    "/api/v1/getUserProfileSettingsByAccountIdentifier",
    "/src/AbstractSingletonProxyFactoryBeanImplementation.java",
    "/static/js/main.3f2a1b9c.chunk.js?v=1700000000000",
    "/assets/app.js?_=1699999999999&cb=8f3a2c1d9e",
    "/_next/static/k2Jd8sH3Zq9LmN4vP6xYt/_buildManifest.js",
    "/node/v20.10.0/node-v20.10.0-linux-x64.tar.xz",
    "/@babel/core/-/core-7.23.5.tgz",
    "/github.com/!azure/azure-sdk-for-go/@v/v68.0.0+incompatible.zip",
    "/search?q=how+to+configure+typescript+strict+mode+in+deno+projects",
    "/files/Screenshot_2024-01-05_at_10-22-33_PM_final_version.png",
    "/maven2/org/springframework/spring-core/6.1.2/spring-core-6.1.2.jar",
    "/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/readme",
    "/0c6kzph7l0dcbf1gqxl4b4ynnk8qqbmk.narinfo",
    "/repo.git/objects/pack/pack-9a01fd1ce6273686412cc81257135e8d13d4b4ab.pack",
    "/dist/vendors~main.ff35b0541296c5c96456.chunk.js",
  ];
  for (const url of benign) assert.deepEqual(flagged(url), [], url);
});

Deno.test("url_entropy reads only URLs and can be left off a route's list", () => {
  const value = random(B62, 40, 42);
  assert.deepEqual(dlp.scanOutbound(value, { detectors: ["url_entropy"], location: "body" }), []);
  assert.deepEqual(dlp.scanUrl(`/x/${value}`, { detectors: ["token_patterns"] }), []);
});

Deno.test("url_entropy finds a value percent-encoded in the URL, on the raw bytes", () => {
  const value = random(B62, 36, 9);
  const encoded = [...value].map((c, i) => i % 5 === 0 ? `%${c.charCodeAt(0).toString(16)}` : c)
    .join("");
  const url = `/q?d=${encoded}`;
  const found = dlp.scanUrl(url, URL_ONLY);
  assert.equal(found.length, 1);
  assert.equal(url.slice(found[0]!.start, found[0]!.end), encoded);
});

Deno.test("url_entropy gives the same findings in a stream whatever the cuts", () => {
  const url = `/a/${random(B62, 40, 3)}?x=${random(B64URL, 50, 4)}&y=plain`;
  const whole = spans(dlp.scanUrl(url, URL_ONLY));
  assert.equal(whole.length, 2);
  for (let cut = 1; cut < url.length; cut += 7) {
    const stream = dlp.outboundStream({ detectors: ["url_entropy"], location: "url" });
    assert.deepEqual(spans(streamAll(stream, url, [cut, Math.min(url.length, cut + 3)])), whole);
  }
});

Deno.test("opaqueValue() judges a long value on its first 4 KiB and stays linear", () => {
  const long = random(B62, 100_000, 5);
  const found = dlp.scanUrl(`/x/${long}`, URL_ONLY);
  assert.equal(found.length, 1);
  const started = performance.now();
  assert.deepEqual(dlp.scanUrl(`/${"a1-".repeat(300_000)}`, URL_ONLY), []);
  assert.equal(opaqueValue(new TextEncoder().encode("ab".repeat(20))), undefined);
  assert.ok(performance.now() - started < 2000);
});
