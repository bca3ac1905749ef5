import assert from "node:assert/strict";
import { antiFronting } from "./_anti_fronting.ts";
import { request, type RequestOverrides } from "./_testing.ts";

const ALLOWED: [label: string, overrides: RequestOverrides][] = [
  ["a tunnel whose CONNECT, SNI and Host agree", {}],
  ["hosts that differ only in case", {
    connectAuthority: "API.GitHub.com:443",
    sni: "Api.Github.Com",
    headers: [["host", "API.GITHUB.COM"]],
  }],
  ["a Host header with the CONNECT port", { headers: [["Host", "api.github.com:443"]] }],
  ["a Host header without a port in a tunnel to 8443", {
    connectAuthority: "api.github.com:8443",
    port: 8443,
  }],
  ["a tunnel without SNI (an IP literal)", {
    host: "140.82.112.6",
    sni: undefined,
    connectAuthority: "140.82.112.6:443",
  }],
  ["an empty SNI", { sni: "" }],
  ["an IPv6 literal in brackets", {
    host: "2606:4700::1111",
    connectAuthority: "[2606:4700::1111]:443",
    sni: undefined,
    headers: [["Host", "[2606:4700::1111]"]],
  }],
  ["plain HTTP in absolute form", {
    scheme: "http",
    connectAuthority: undefined,
    sni: undefined,
    target: "http://example.com/a?b",
    host: "example.com",
    port: 80,
  }],
  ["plain HTTP with matching explicit ports", {
    scheme: "http",
    connectAuthority: undefined,
    sni: undefined,
    target: "http://example.com:8080/",
    host: "example.com",
    port: 8080,
    headers: [["Host", "example.com:8080"]],
  }],
  ["plain HTTP without a Host header (HTTP/1.0)", {
    scheme: "http",
    connectAuthority: undefined,
    sni: undefined,
    target: "http://example.com/",
    host: "example.com",
    port: 80,
    headers: [],
  }],
];

for (const [label, overrides] of ALLOWED) {
  Deno.test(`antiFronting() allows ${label}`, () => {
    assert.deepEqual(antiFronting({ req: request(overrides) }), { action: "allow" });
  });
}

const DENIED: [label: string, overrides: RequestOverrides, reason: string][] = [
  [
    "an SNI for another host",
    { sni: "a.com", connectAuthority: "b.com:443", host: "b.com", headers: [["Host", "b.com"]] },
    'SNI "a.com" does not match CONNECT authority "b.com"',
  ],
  [
    "a Host header for another host",
    { headers: [["Host", "evil.example"]] },
    'Host header "evil.example" does not match CONNECT authority "api.github.com"',
  ],
  [
    "a routed host that differs from the CONNECT authority",
    { connectAuthority: "allowed.example:443", sni: undefined, headers: [] },
    'upstream "api.github.com" does not match CONNECT authority "allowed.example"',
  ],
  [
    "an absolute-form target for another host inside a tunnel",
    { target: "https://evil.example/user" },
    'request target "evil.example" does not match CONNECT authority "api.github.com"',
  ],
  [
    "a Host port that differs from the CONNECT port",
    { headers: [["Host", "api.github.com:8443"]] },
    "Host header port 8443 does not match CONNECT authority port 443",
  ],
  [
    "an upstream port that differs from the CONNECT port",
    { port: 8443 },
    "upstream port 8443 does not match CONNECT authority port 443",
  ],
  [
    "plain HTTP whose Host names another host than the target",
    {
      scheme: "http",
      connectAuthority: undefined,
      sni: undefined,
      target: "http://user:hunter2@allowed.example/",
      host: "allowed.example",
      port: 80,
      headers: [["Host", "evil.example"]],
    },
    'Host header "evil.example" does not match request target "allowed.example"',
  ],
  [
    "plain HTTP whose Host port differs from the target port",
    {
      scheme: "http",
      connectAuthority: undefined,
      sni: undefined,
      target: "http://example.com:8080/",
      host: "example.com",
      port: 8080,
      headers: [["Host", "example.com:9090"]],
    },
    "Host header port 9090 does not match request target port 8080",
  ],
  [
    "two Host headers",
    { headers: [["Host", "api.github.com"], ["host", "evil.example"]] },
    "request has 2 Host headers; send exactly one",
  ],
  [
    "a Host header that is not a host",
    { headers: [["Host", "ghp_secretvalue@evil"]] },
    "Host header is not a valid host[:port]",
  ],
  ["an SNI with a port", { sni: "api.github.com:443" }, "SNI is not a valid host[:port]"],
  [
    "a CONNECT authority with port 0",
    { connectAuthority: "api.github.com:0" },
    "CONNECT authority is not a valid host[:port]",
  ],
  [
    "a request with no host at all",
    { host: "", connectAuthority: undefined, sni: undefined, headers: [] },
    "request names no valid host",
  ],
];

for (const [label, overrides, reason] of DENIED) {
  Deno.test(`antiFronting() denies ${label}`, () => {
    assert.deepEqual(antiFronting({ req: request(overrides) }), {
      action: "deny",
      rule: "fronting",
      reason,
      status: 403,
    });
  });
}

Deno.test("antiFronting() never echoes a malformed header value", () => {
  const decision = antiFronting({ req: request({ headers: [["Host", "ghp_secretvalue@evil"]] }) });
  assert.equal(decision.action, "deny");
  assert.ok(!JSON.stringify(decision).includes("ghp_secretvalue"));
});
