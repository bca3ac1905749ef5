import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { parseConnectTo, parseListen, parseLogLevel } from "./egress_serve.ts";

Deno.test("parseListen() reads HOST:PORT and bracketed IPv6", () => {
  assert.deepEqual(parseListen("127.0.0.1:9099"), { hostname: "127.0.0.1", port: 9099 });
  assert.deepEqual(parseListen("[::1]:0"), { hostname: "::1", port: 0 });
  for (const bad of ["9099", "host:", "host:70000", ":80", "a b:1"]) {
    assert.throws(() => parseListen(bad), UsageError, bad);
  }
});

Deno.test("parseConnectTo() maps HOST:PORT=ADDR:PORT and rejects anything else", () => {
  assert.deepEqual(parseConnectTo("API.test:443=127.0.0.1:8443"), {
    key: "api.test:443",
    address: "127.0.0.1",
    port: 8443,
  });
  assert.equal(parseConnectTo("a.test:443=upstream.test:8443").address, "upstream.test");
  for (const bad of ["x", "a:1=b", "a:1=b:0", "a:1=b:2=c:3", "a=b:1", "a:1=b c:2"]) {
    assert.throws(() => parseConnectTo(bad), UsageError, bad);
  }
});

Deno.test("parseLogLevel() accepts 0, 1, 2 or nothing", () => {
  assert.equal(parseLogLevel(undefined), undefined);
  assert.equal(parseLogLevel("2"), 2);
  assert.throws(() => parseLogLevel("7"), UsageError);
});
