import assert from "node:assert/strict";
import {
  CaFileError,
  type CertificateAuthority,
  type IssuedLeaf,
  type IssueLeafOptions,
  LeafCache,
  type LeafIssuer,
  loadOrCreateCa,
} from "./mod.ts";
import { tempDir } from "./_testing.ts";

const DAY = 86_400_000;

/** A real CA that records every mint, so tests can count them. */
class CountingIssuer implements LeafIssuer {
  readonly minted: string[] = [];
  readonly #ca: CertificateAuthority;

  constructor(ca: CertificateAuthority) {
    this.#ca = ca;
  }

  issueLeaf(host: string, options?: IssueLeafOptions): Promise<IssuedLeaf> {
    this.minted.push(host);
    return this.#ca.issueLeaf(host, options);
  }
}

async function withIssuer(test: (issuer: CountingIssuer) => Promise<void>): Promise<void> {
  await using tmp = await tempDir();
  await test(new CountingIssuer(await loadOrCreateCa(tmp.path)));
}

Deno.test("leaf() shares one in-flight mint among concurrent callers", async () => {
  await withIssuer(async (issuer) => {
    const cache = new LeafCache(issuer);
    const hosts = ["api.example.com", "API.example.com", "Api.Example.Com", "api.example.com"];
    const leaves = await Promise.all(hosts.map((host) => cache.leaf(host)));
    assert.deepEqual(issuer.minted, ["api.example.com"]);
    assert.equal(new Set(leaves).size, 1);
    assert.equal(await cache.leaf("api.example.com"), leaves[0]);
    assert.deepEqual(issuer.minted, ["api.example.com"]);
  });
});

Deno.test("leaf() evicts the least recently used host beyond max", async () => {
  await withIssuer(async (issuer) => {
    const cache = new LeafCache(issuer, { max: 2 });
    await cache.leaf("a.example");
    await cache.leaf("b.example");
    await cache.leaf("a.example");
    await cache.leaf("c.example");
    assert.equal(cache.size, 2);
    await cache.leaf("a.example");
    await cache.leaf("b.example");
    assert.deepEqual(issuer.minted, ["a.example", "b.example", "c.example", "b.example"]);
  });
});

Deno.test("leaf() rejects an invalid host without minting or evicting", async () => {
  await withIssuer(async (issuer) => {
    const cache = new LeafCache(issuer, { max: 1 });
    await cache.leaf("a.example");
    await assert.rejects(cache.leaf("*.example"), TypeError);
    await assert.rejects(cache.leaf("bad_host"), TypeError);
    await cache.leaf("a.example");
    assert.deepEqual(issuer.minted, ["a.example"]);
  });
});

Deno.test("leaf() mints a new leaf shortly before the cached one expires", async () => {
  await withIssuer(async (issuer) => {
    let now = new Date();
    const cache = new LeafCache(issuer, { clock: () => now });
    const first = await cache.leaf("a.example");
    now = new Date(now.getTime() + 29 * DAY);
    assert.equal(await cache.leaf("a.example"), first);
    now = new Date(now.getTime() + DAY - 60_000);
    assert.notEqual(await cache.leaf("a.example"), first);
    assert.deepEqual(issuer.minted, ["a.example", "a.example"]);
  });
});

Deno.test("leaf() does not cache a failed mint", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path, { validityDays: 1 });
  const issuer = new CountingIssuer(ca);
  let now = new Date(ca.notAfter.getTime() + 1000);
  const cache = new LeafCache(issuer, { clock: () => now });
  await assert.rejects(cache.leaf("a.example"), CaFileError);
  await assert.rejects(cache.leaf("a.example"), CaFileError);
  assert.equal(cache.size, 0);
  now = new Date();
  await cache.leaf("a.example");
  assert.equal(issuer.minted.length, 3);
});

Deno.test("LeafCache() rejects a max that is not a positive integer", async () => {
  await withIssuer((issuer) => {
    for (const max of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new LeafCache(issuer, { max }), RangeError);
    }
    return Promise.resolve();
  });
});
