import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { addressInSubnet, parseSubnet } from "./_listen_subnet.ts";

const interfaces = [
  { family: "IPv4", address: "127.0.0.1" },
  { family: "IPv6", address: "fe80::1" },
  { family: "IPv4", address: "192.168.224.2" },
  { family: "IPv4", address: "172.20.0.3" },
];

Deno.test("addressInSubnet() picks the address on the bottle's internal network only", () => {
  assert.equal(addressInSubnet(parseSubnet("172.20.0.0/16"), interfaces), "172.20.0.3");
  assert.equal(addressInSubnet(parseSubnet("192.168.224.0/20"), interfaces), "192.168.224.2");
  assert.equal(addressInSubnet(parseSubnet("172.20.0.3/32"), interfaces), "172.20.0.3");
  assert.equal(addressInSubnet(parseSubnet("10.0.0.0/8"), interfaces), undefined);
});

Deno.test("parseSubnet() refuses anything but an IPv4 CIDR", () => {
  for (const bad of ["172.20.0.0", "172.20.0.0/33", "300.1.1.1/8", "fd00::/8", "x/16", ""]) {
    assert.throws(() => parseSubnet(bad), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /is not an IPv4 subnet/);
      return true;
    });
  }
});
