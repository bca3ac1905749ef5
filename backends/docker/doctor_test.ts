import assert from "node:assert/strict";
import type { ProgramResult, ProgramRunner } from "../types.ts";
import { dockerChecks } from "./doctor.ts";

async function dockerDaemonUp(): Promise<boolean> {
  const out = await new Deno.Command("docker", { args: ["info"], stdout: "null", stderr: "null" })
    .output().catch(() => undefined);
  return out?.success === true;
}

/**
 * Runs the real docker CLI, but `docker info` reports the engine as if `runsc` were not
 * registered (this machine's engine may have it; gVisor cannot be unregistered for one test).
 */
async function withoutRunsc(
  [program, ...args]: Parameters<ProgramRunner>[0],
): Promise<ProgramResult> {
  const out = await new Deno.Command(program, { args, stdin: "null" }).output();
  let stdout = new TextDecoder().decode(out.stdout);
  if (args[0] === "info" && out.success) {
    const info = JSON.parse(stdout);
    delete info.Runtimes?.runsc;
    stdout = JSON.stringify(info);
  }
  return { started: true, code: out.code, stdout, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test({
  name: "dockerChecks() says how to add gVisor when runsc is not registered, per OS",
  ignore: !(await dockerDaemonUp()),
  fn: async () => {
    for (
      const [os, hint] of [
        [
          "linux",
          /; to add gVisor: sudo apt-get install runsc .*sudo runsc install, sudo systemctl restart docker$/,
        ],
        ["darwin", /; gVisor runs only on Linux hosts$/],
      ] as const
    ) {
      const { checks } = await dockerChecks("docker", withoutRunsc, { os, baseImages: [] });
      const isolation = checks.find((check) => check.name === "docker isolation");
      assert.equal(isolation?.status, "warn");
      assert.match(isolation?.detail ?? "", /^runsc not registered: bottles use runc/);
      assert.match(isolation?.detail ?? "", hint);
    }
  },
});
