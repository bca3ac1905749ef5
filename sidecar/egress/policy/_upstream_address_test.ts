import assert from "node:assert/strict";
import { upstreamAddress } from "./_upstream_address.ts";
import { request, testEnv } from "./_testing.ts";
import type { PolicyContext, PolicyOptions, PolicyRoute, ResolvedAddress } from "./types.ts";

function answers(...addresses: string[]): PolicyOptions["lookup"] {
  return () =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
}

async function decide(
  host: string,
  options: Partial<PolicyOptions> = {},
  route: PolicyRoute = { host },
) {
  const ctx: PolicyContext = { req: request({ host }), route };
  const decision = await upstreamAddress(ctx, testEnv(options));
  return { decision, upstream: ctx.upstream };
}

Deno.test("upstreamAddress() records the checked public address, preferring IPv4", async () => {
  const { decision, upstream } = await decide("api.github.com", {
    lookup: answers("2606:50c0:8000::64", "140.82.112.6"),
  });
  assert.deepEqual(decision, { action: "allow" });
  assert.deepEqual(upstream, {
    address: "140.82.112.6",
    family: 4,
    port: 443,
    servername: "api.github.com",
  });
  const v6 = await decide("v6.example", { lookup: answers("2606:50c0:8000::64") });
  assert.deepEqual(v6.upstream?.family, 6);
});

const DENIED: [host: string, resolved: string[], reason: string][] = [
  [
    "internal.example",
    ["10.0.0.5"],
    'host "internal.example" resolves to 10.0.0.5, a private address (the route would need allow_private: true)',
  ],
  [
    "mixed.example",
    ["140.82.112.6", "127.0.0.1"],
    'host "mixed.example" resolves to 127.0.0.1, a loopback address (the route would need allow_private: true)',
  ],
  [
    "rebind.example",
    ["::ffff:169.254.169.254"],
    'host "rebind.example" resolves to ::ffff:169.254.169.254, a cloud metadata address, which is never reachable',
  ],
  [
    "ll.example",
    ["fe80::1"],
    'host "ll.example" resolves to fe80::1, a link-local address (the route would need allow_private: true)',
  ],
  [
    "cgnat.example",
    ["100.64.1.1"],
    'host "cgnat.example" resolves to 100.64.1.1, a shared (CGNAT) address (the route would need allow_private: true)',
  ],
  [
    "zero.example",
    ["0.0.0.0"],
    'host "zero.example" resolves to 0.0.0.0, an unspecified address (the route would need allow_private: true)',
  ],
  [
    "self.example",
    ["203.0.114.7"],
    `host "self.example" resolves to 203.0.114.7, an address of the sidecar's own host (the route would need allow_private: true)`,
  ],
  [
    "garbage.example",
    ["not-an-ip"],
    'host "garbage.example" resolves to not-an-ip, an invalid address',
  ],
];

for (const [host, resolved, reason] of DENIED) {
  Deno.test(`upstreamAddress() denies ${host} resolving to ${resolved.join(", ")}`, async () => {
    const { decision, upstream } = await decide(host, {
      lookup: answers(...resolved),
      hostAddresses: () => new Set(["::ffff:203.0.114.7"]),
    });
    assert.deepEqual(decision, { action: "deny", rule: "private_address", reason, status: 403 });
    assert.equal(upstream, undefined);
  });
}

Deno.test("upstreamAddress() checks IP-literal hosts without DNS", async () => {
  const lookup = () => Promise.reject(new Error("DNS must not be used"));
  const loopback = await decide("127.0.0.1", { lookup });
  assert.deepEqual(loopback.decision, {
    action: "deny",
    rule: "private_address",
    reason: "host 127.0.0.1 is a loopback address (the route would need allow_private: true)",
    status: 403,
  });
  const v6 = await decide("::ffff:7f00:1", { lookup });
  assert.equal(v6.decision.action, "deny");
  const metadata = await decide("169.254.169.254", { lookup }, {
    host: "169.254.169.254",
    allow_private: true,
  });
  assert.equal(metadata.decision.action, "deny");
  const open = await decide("140.82.112.6", { lookup });
  assert.deepEqual(open.upstream, {
    address: "140.82.112.6",
    family: 4,
    port: 443,
    servername: "",
  });
});

Deno.test("upstreamAddress() lets allow_private reach private and own addresses but not metadata", async () => {
  const route = (host: string): PolicyRoute => ({ host, allow_private: true });
  const own = () => new Set(["192.168.1.10"]);
  for (const address of ["10.0.0.5", "127.0.0.1", "::1", "fd12::1", "192.168.1.10"]) {
    const { decision, upstream } = await decide("lan.example", {
      lookup: answers(address),
      hostAddresses: own,
    }, route("lan.example"));
    assert.deepEqual(decision, { action: "allow" }, address);
    assert.equal(upstream?.address, address);
  }
  for (const address of ["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]) {
    const { decision } = await decide("lan.example", { lookup: answers(address) }, route("x"));
    assert.equal(decision.action === "deny" && decision.rule, "private_address", address);
  }
});

Deno.test("upstreamAddress() uses a --connect-to mapping and skips the address check", async () => {
  const connectTo = new Map([["api.github.com:443", { address: "127.0.0.1", port: 8443 }]]);
  const lookup = () => Promise.reject(new Error("DNS must not be used"));
  const { decision, upstream } = await decide("api.github.com", { connectTo, lookup });
  assert.deepEqual(decision, { action: "allow" });
  assert.deepEqual(upstream, {
    address: "127.0.0.1",
    family: 4,
    port: 8443,
    servername: "api.github.com",
  });
  const otherPort = await upstreamAddress(
    { req: request({ host: "api.github.com", port: 444, connectAuthority: "api.github.com:444" }) },
    testEnv({ connectTo, lookup: answers("127.0.0.1") }),
  );
  assert.equal(otherPort.action, "deny");
});

Deno.test("upstreamAddress() resolves a host-name --connect-to target", async () => {
  const connectTo = new Map([["api.github.com:443", { address: "localhost", port: 8443 }]]);
  const { upstream } = await decide("api.github.com", { connectTo, lookup: answers("::1") });
  assert.deepEqual(upstream, {
    address: "::1",
    family: 6,
    port: 8443,
    servername: "api.github.com",
  });
  await assert.rejects(decide("api.github.com", { connectTo, lookup: answers() }));
});

Deno.test("upstreamAddress() answers 502 dns_error when the host does not resolve", async () => {
  const notFound = Object.assign(new Error("getaddrinfo ENOTFOUND nx.example"), {
    code: "ENOTFOUND",
  });
  const failed = await decide("nx.example", { lookup: () => Promise.reject(notFound) });
  assert.deepEqual(failed.decision, {
    action: "deny",
    rule: "dns_error",
    reason: 'cannot resolve host "nx.example" (ENOTFOUND)',
    status: 502,
  });
  const empty = await decide("empty.example", {
    lookup: () => Promise.resolve([] as ResolvedAddress[]),
  });
  assert.deepEqual(empty.decision, {
    action: "deny",
    rule: "dns_error",
    reason: 'host "empty.example" has no address',
    status: 502,
  });
});

Deno.test("upstreamAddress() decides at once on a cached answer, and the same way once one comes", async () => {
  for (const [address, action] of [["140.82.112.6", "allow"], ["10.0.0.5", "deny"]] as const) {
    const found = [{ address, family: 4 }];
    const sync: PolicyContext = { req: request({ host: "api.example" }), route: { host: "x" } };
    const now = upstreamAddress(sync, testEnv({ lookup: () => found }));
    assert.ok(!(now instanceof Promise), "a cached answer costs no promise");
    assert.equal(now.action, action);
    const later: PolicyContext = { req: request({ host: "api.example" }), route: { host: "x" } };
    const waited = upstreamAddress(later, testEnv({ lookup: () => Promise.resolve(found) }));
    assert.ok(waited instanceof Promise);
    assert.equal((await waited).action, action);
    assert.deepEqual(later.upstream, sync.upstream);
  }
  // A resolver that fails at once (not in a promise) is a dns_error too, not a thrown step.
  const notFound = Object.assign(new Error("no"), { code: "ENOTFOUND" });
  const failing = upstreamAddress(
    { req: request({ host: "gone.example" }), route: { host: "x" } },
    testEnv({
      lookup: () => {
        throw notFound;
      },
    }),
  );
  assert.deepEqual(failing, {
    action: "deny",
    rule: "dns_error",
    reason: 'cannot resolve host "gone.example" (ENOTFOUND)',
    status: 502,
  });
});
