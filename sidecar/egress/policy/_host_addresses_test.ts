import assert from "node:assert/strict";
import { HostAddresses, interfaceAddresses } from "./_host_addresses.ts";

Deno.test("HostAddresses.has() compares addresses in canonical form", () => {
  const own = new HostAddresses(() => new Set(["10.0.0.2", "2001:DB8::5", "fe80::1%eth0"]));
  assert.ok(own.has("::ffff:10.0.0.2"));
  assert.ok(own.has("2001:db8:0::5"));
  assert.ok(own.has("fe80::1"));
  assert.ok(!own.has("10.0.0.3"));
});

Deno.test("HostAddresses.has() follows a new set from the getter", () => {
  const live = { set: new Set(["10.0.0.2"]) };
  const own = new HostAddresses(() => live.set);
  assert.ok(own.has("10.0.0.2"));
  live.set = new Set(["10.0.0.3"]);
  assert.ok(!own.has("10.0.0.2"));
  assert.ok(own.has("10.0.0.3"));
});

Deno.test("interfaceAddresses() includes loopback and caches between reads", () => {
  const read = interfaceAddresses(60_000);
  const first = read();
  assert.ok(first.has("127.0.0.1"));
  assert.equal(read(), first);
  const uncached = interfaceAddresses(0);
  assert.notEqual(uncached(), uncached());
});
