import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import { agentRunArgs, GVISOR_PIDS_OVERHEAD } from "./_argv.ts";
import { bottleNames } from "./_names.ts";
import { pickRuntime } from "./_runtime.ts";

Deno.test("pickRuntime() gives the agent gVisor whenever the engine has it, unless opted out", () => {
  assert.deepEqual(pickRuntime("auto", true), { runtime: "runsc", words: "gVisor (runsc)" });
  assert.deepEqual(pickRuntime("runsc", true), { runtime: "runsc", words: "gVisor (runsc)" });
  assert.deepEqual(pickRuntime("auto", false), {
    words: "runc (Linux namespaces, shared kernel)",
  });
  assert.deepEqual(pickRuntime("runc", true), {
    words: "runc (Linux namespaces, shared kernel); gVisor opted out",
  });
});

Deno.test("pickRuntime() refuses runsc where the engine has none, and says how to add it", () => {
  assert.throws(
    () => pickRuntime("runsc", false),
    (err: unknown) =>
      err instanceof ConfigError && /no runsc runtime registered/.test(err.message) &&
      /daemon\.json/.test(err.message),
  );
});

Deno.test("agentRunArgs() leaves gVisor's own tasks room under the agent's pids cap", () => {
  const spec = {
    image: "img",
    env: {},
    secretEnv: [],
    mounts: [],
    limits: { memory: 1024 ** 3, cpus: 1, pids: 300 },
    runtime: "auto" as const,
  };
  const names = bottleNames("dev-1");
  const bottle = { slug: "dev-1", label: "dev", agent: "dev" };
  const pids = (argv: string[]) => argv[argv.indexOf("--pids-limit") + 1];
  assert.equal(pids(agentRunArgs(bottle, spec, { names, sidecarIp: "10.0.0.2" })), "300");
  const gvisor = agentRunArgs(bottle, spec, { names, sidecarIp: "10.0.0.2", runtime: "runsc" });
  assert.equal(pids(gvisor), String(300 + GVISOR_PIDS_OVERHEAD));
  assert.equal(gvisor[gvisor.indexOf("--runtime") + 1], "runsc");
});
