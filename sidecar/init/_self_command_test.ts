import assert from "node:assert/strict";
import { selfCommand } from "./_self_command.ts";

const FLAGS = ["--no-prompt", "--allow-net"];

Deno.test("selfCommand() re-runs the entry point with deno run, a small young generation, an exposed gc, the flags and --daemon", () => {
  const command = selfCommand("egress", {
    flags: FLAGS,
    mainModule: "file:///app/sidecar.js",
    standalone: false,
    query: () => "granted",
  });
  assert.deepEqual(command, {
    command: Deno.execPath(),
    args: [
      "run",
      "--v8-flags=--max-semi-space-size=1,--expose-gc",
      "--no-prompt",
      "--allow-net",
      "/app/sidecar.js",
      "--daemon",
      "egress",
    ],
  });
});

Deno.test("selfCommand() falls back to deno on PATH when only that may run", () => {
  const command = selfCommand("egress", {
    flags: FLAGS,
    mainModule: "file:///app/sidecar.js",
    standalone: false,
    query: (d) => d.name === "run" && d.command === "deno" ? "granted" : "prompt",
  });
  assert.equal(command.command, "deno");
});

Deno.test("selfCommand() runs a compiled binary itself, without deno run or flags", () => {
  const command = selfCommand("egress", { flags: FLAGS, standalone: true, query: () => "granted" });
  assert.deepEqual(command, { command: Deno.execPath(), args: ["--daemon", "egress"] });
});

Deno.test("selfCommand() says how to fix a sidecar that may not run deno", () => {
  assert.throws(
    () => selfCommand("egress", { flags: FLAGS, standalone: false, query: () => "prompt" }),
    {
      name: "ConfigError",
      message:
        'Cannot start daemon "egress": the sidecar may not run "deno" (add it to the run list of the sidecar\'s permission set)',
    },
  );
});
