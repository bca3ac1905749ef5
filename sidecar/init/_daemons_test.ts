import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { availableDaemon, parseDaemonList } from "./_daemons.ts";

Deno.test("parseDaemonList() reads a comma-separated list, spaces and empty items allowed", () => {
  assert.deepEqual(parseDaemonList("egress"), ["egress"]);
  assert.deepEqual(parseDaemonList(" egress , "), ["egress"]);
  assert.deepEqual(parseDaemonList("egress,supervise"), ["egress", "supervise"]);
  assert.deepEqual(parseDaemonList("egress,git-gate"), ["egress", "git-gate"]);
});

Deno.test("parseDaemonList() rejects bad lists with a message that says what to write", () => {
  const cases: [string | undefined, RegExp][] = [
    [
      undefined,
      /^BOT_BOTTLE_SIDECAR_DAEMONS is empty: name the daemons to run \(egress, supervise, git-gate\)$/,
    ],
    ["", /is empty/],
    [" , ", /is empty/],
    [
      "egres",
      /^BOT_BOTTLE_SIDECAR_DAEMONS names unknown daemon "egres" \(valid: egress, supervise, git-gate\)$/,
    ],
    ["Egress", /unknown daemon "Egress"/],
    ["egress,egress", /^BOT_BOTTLE_SIDECAR_DAEMONS names "egress" twice$/],
    ["constructor", /unknown daemon "constructor"/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => parseDaemonList(value), (err) => {
      assert.ok(err instanceof ConfigError, String(value));
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("availableDaemon() returns the three daemons and refuses unknown names", () => {
  for (const name of ["egress", "supervise", "git-gate"]) {
    assert.equal(typeof availableDaemon(name).run, "function");
  }
  for (const name of ["nope", "__proto__", "constructor"]) {
    assert.throws(() => availableDaemon(name), {
      name: "ConfigError",
      message: `No daemon "${name}" in this sidecar (available: egress, supervise, git-gate)`,
    });
  }
});
