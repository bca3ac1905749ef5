import assert from "node:assert/strict";
import type { ProgramResult, RuntimeRequest } from "../types.ts";
import { dockerChecks } from "./doctor.ts";

/** An engine that answers `docker info` with these runtimes (the runner is doctor's seam). */
function engine(runtimes: string[]) {
  return (argv: readonly string[]): Promise<ProgramResult> => {
    const info = {
      ServerVersion: "20.10.24",
      Runtimes: Object.fromEntries(runtimes.map((r) => [r, {}])),
    };
    const stdout = argv[1] === "version"
      ? "20.10.24\n"
      : argv[1] === "info"
      ? JSON.stringify(info)
      : "";
    return Promise.resolve({ started: true, code: 0, stdout, stderr: "" });
  };
}

async function isolation(runtimes: string[], runtime: RuntimeRequest) {
  const { checks, usable } = await dockerChecks("docker", { run: engine(runtimes), runtime });
  const check = checks.find((c) => c.name === "docker isolation");
  assert.ok(check !== undefined);
  return { ...check, usable };
}

Deno.test("dockerChecks() says the agent runs under gVisor when runsc is registered", async () => {
  const check = await isolation(["runc", "runsc"], "auto");
  assert.equal(check.status, "ok");
  assert.match(check.detail, /gVisor \(runsc\) registered; the agent runs under it/);
  assert.equal((await isolation(["runc", "runsc"], "runsc")).status, "ok");
});

Deno.test("dockerChecks() warns when the agent gets runc, and says how to add gVisor", async () => {
  const absent = await isolation(["runc"], "auto");
  assert.equal(absent.status, "warn");
  assert.match(absent.detail, /the agent gets runc .*apt-get install runsc.*daemon\.json/);
  assert.equal(absent.usable, true);
  const optedOut = await isolation(["runc", "runsc"], "runc");
  assert.equal(optedOut.status, "warn");
  assert.match(optedOut.detail, /gVisor opted out \(BOT_BOTTLE_RUNTIME=runc\)/);
});

Deno.test("dockerChecks() fails when gVisor is insisted on and absent", async () => {
  const check = await isolation(["runc"], "runsc");
  assert.equal(check.status, "fail");
  assert.match(check.detail, /BOT_BOTTLE_RUNTIME=runsc, but install runsc/);
  assert.equal(check.usable, false);
});
