import assert from "node:assert/strict";
import {
  addressInSubnet,
  parseConnectTo,
  parseHostPort,
  parseSubnet,
  parseWholeSeconds,
  type Subnet,
} from "./mod.ts";

const interfaces = [
  { family: "IPv4", address: "127.0.0.1" },
  { family: "IPv6", address: "fe80::1" },
  { family: "IPv4", address: "192.168.224.2" },
  { family: "IPv4", address: "172.20.0.3" },
];

function subnet(text: string): Subnet {
  const parsed = parseSubnet(text);
  assert.ok(parsed !== undefined, text);
  return parsed;
}

Deno.test("addressInSubnet() picks the address on the bottle's internal network only", () => {
  assert.equal(addressInSubnet(subnet("172.20.0.0/16"), interfaces), "172.20.0.3");
  assert.equal(addressInSubnet(subnet("192.168.224.0/20"), interfaces), "192.168.224.2");
  assert.equal(addressInSubnet(subnet("172.20.0.3/32"), interfaces), "172.20.0.3");
  assert.equal(addressInSubnet(subnet("10.0.0.0/8"), interfaces), undefined);
});

Deno.test("parseSubnet() refuses anything but an IPv4 CIDR", () => {
  for (const bad of ["172.20.0.0", "172.20.0.0/33", "172.20.0.0/0", "300.1.1.1/8", "fd00::/8"]) {
    assert.equal(parseSubnet(bad), undefined, bad);
  }
  assert.equal(parseSubnet("x/16"), undefined);
  assert.equal(parseSubnet(""), undefined);
});

Deno.test("parseHostPort() takes HOST:PORT with IPv6 in brackets and a port up to 65535", () => {
  assert.deepEqual(parseHostPort("0.0.0.0:9099"), { hostname: "0.0.0.0", port: 9099 });
  assert.deepEqual(parseHostPort("[::1]:0"), { hostname: "::1", port: 0 });
  assert.deepEqual(parseHostPort("localhost:80"), { hostname: "localhost", port: 80 });
  for (const bad of ["9099", "0.0.0.0:70000", "::1:80", "a b:80", "host:", ":80", "[x]:80"]) {
    assert.equal(parseHostPort(bad), undefined, bad);
  }
});

Deno.test("parseConnectTo() maps HOST:PORT to an IP, or to a name only when asked", () => {
  assert.deepEqual(parseConnectTo("API.test:443=10.0.0.5:8443"), {
    key: "api.test:443",
    address: "10.0.0.5",
    port: 8443,
  });
  assert.deepEqual(parseConnectTo("a.test:443=[fd00::5]:443")?.address, "fd00::5");
  assert.equal(parseConnectTo("a.test:443=upstream:443"), undefined);
  assert.equal(parseConnectTo("a.test:443=upstream:443", { names: true })?.address, "upstream");
  for (const bad of ["a.test:0=10.0.0.1:443", "a.test:443=10.0.0.1:0", "a.test=10.0.0.1:1", "x"]) {
    assert.equal(parseConnectTo(bad, { names: true }), undefined, bad);
  }
  assert.equal(parseConnectTo("a:1=10.0.0.1:1=2"), undefined);
});

Deno.test("parseWholeSeconds() takes 1 to 86400 whole seconds", () => {
  assert.equal(parseWholeSeconds("1"), 1);
  assert.equal(parseWholeSeconds("86400"), 86_400);
  for (const bad of ["0", "86401", "1.5", "01", "-1", " 5", "1e3", ""]) {
    assert.equal(parseWholeSeconds(bad), undefined, bad);
  }
});
