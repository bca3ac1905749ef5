import assert from "node:assert/strict";
import { assertSelfTest, SelfTestError } from "./mod.ts";

Deno.test("assertSelfTest() returns for a passing report", () => {
  const probes = [{ name: "proxy", ok: true, detail: "answered with HTTP 200" }];
  assert.equal(assertSelfTest({ ok: true, probes }), undefined);
});

Deno.test("assertSelfTest() throws SelfTestError naming every failed probe", () => {
  const probes = [
    { name: "tools", ok: true, detail: "curl and getent found" },
    { name: "tcp 203.0.113.5:443", ok: false, detail: "connected directly (expected no route)" },
    { name: "dns example.com", ok: false, detail: "resolved to 192.0.2.1 (expected no answer)" },
  ];
  assert.throws(() => assertSelfTest({ ok: false, probes }), (err: unknown) => {
    assert.ok(err instanceof SelfTestError);
    assert.equal(err.name, "SelfTestError");
    assert.equal(
      err.message,
      "Isolation self-test failed, the agent was not started: " +
        "tcp 203.0.113.5:443 connected directly (expected no route); " +
        "dns example.com resolved to 192.0.2.1 (expected no answer)",
    );
    assert.deepEqual(err.failed.map((probe) => probe.name), [
      "tcp 203.0.113.5:443",
      "dns example.com",
    ]);
    return true;
  });
});

Deno.test("assertSelfTest() refuses a not-ok report even when no probe is marked failed", () => {
  const probes = [{ name: "proxy", ok: true, detail: "answered with HTTP 200" }];
  assert.throws(
    () => assertSelfTest({ ok: false, probes }),
    new SelfTestError([{ name: "self-test", ok: false, detail: "did not pass" }]),
  );
});

Deno.test("SelfTestError keeps its cause", () => {
  const cause = new Error("exec failed");
  const err = new SelfTestError([{ name: "self-test", ok: false, detail: "x" }], { cause });
  assert.equal(err.cause, cause);
});
