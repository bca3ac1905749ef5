import assert from "node:assert/strict";
import { DnsCache } from "./_dns_cache.ts";

// Only "localhost" is resolved here: it comes from /etc/hosts, so no DNS query leaves the machine.

Deno.test("DnsCache.resolve() answers from the cache within the TTL", async () => {
  const cache = new DnsCache({ ttlMs: 60_000 });
  const first = cache.resolve("localhost");
  assert.equal(cache.resolve("localhost"), first);
  const addresses = await first;
  assert.ok(addresses.some((a) => a.address === "127.0.0.1" || a.address === "::1"));
});

Deno.test("DnsCache.resolve() asks again once the TTL has passed", async () => {
  const cache = new DnsCache({ ttlMs: 0 });
  const first = cache.resolve("localhost");
  await first;
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.notEqual(cache.resolve("localhost"), first);
});

Deno.test("DnsCache.resolve() gives a settled answer at once", async () => {
  const cache = new DnsCache({ ttlMs: 60_000 });
  const first = cache.resolve("localhost");
  assert.ok(first instanceof Promise, "the first ask waits for the resolver");
  const addresses = await first;
  const again = cache.resolve("localhost");
  assert.ok(!(again instanceof Promise), "a cached answer comes without a promise");
  assert.deepEqual(again, addresses);
});
