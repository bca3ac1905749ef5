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

Deno.test("dockerChecks() says why the daemon does not answer, with every docker CLI here", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-docker-doctor-" });
  try {
    // Docker 20.10's CLI (Debian's docker.io) reports it in the JSON, newer ones on stderr.
    const clis = ["/usr/bin/docker", "/usr/local/bin/docker"].filter((path) => {
      try {
        return Deno.statSync(path).isFile;
      } catch {
        return false;
      }
    });
    assert.ok(clis.length > 0, "a docker CLI is installed");
    const unreachable = async ([program, ...args]: Parameters<ProgramRunner>[0]) => {
      const out = await new Deno.Command(program, {
        args,
        env: { DOCKER_HOST: `unix://${dir}/no-daemon.sock` },
        stdin: "null",
      }).output();
      const decoder = new TextDecoder();
      return {
        started: true,
        code: out.code,
        stdout: decoder.decode(out.stdout),
        stderr: decoder.decode(out.stderr),
      };
    };
    for (const cli of clis) {
      const { checks, usable } = await dockerChecks(cli, unreachable, {
        os: "linux",
        baseImages: [],
      });
      const daemon = checks.find((check) => check.name === "docker daemon");
      assert.equal(daemon?.status, "fail", cli);
      assert.match(daemon?.detail ?? "", /^not reachable: .*no-daemon\.sock.*; start it: /, cli);
      assert.equal(usable, false);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
