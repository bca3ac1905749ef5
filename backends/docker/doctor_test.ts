import assert from "node:assert/strict";
import type { ProgramResult, ProgramRunner, RuntimeRequest } from "../types.ts";
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
      const { checks } = await dockerChecks("docker", withoutRunsc, {
        os,
        baseImages: [],
        runtime: "auto",
      });
      const isolation = checks.find((check) => check.name === "docker isolation");
      assert.equal(isolation?.status, "warn");
      assert.match(isolation?.detail ?? "", /^the agent gets runc .*: runsc not registered; /);
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
        runtime: "auto",
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
  const { checks, usable } = await dockerChecks("docker", engine(runtimes), {
    os: "linux",
    baseImages: [],
    runtime,
  });
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
  assert.match(absent.detail, /the agent gets runc .*apt-get install runsc/);
  assert.equal(absent.usable, true);
  const optedOut = await isolation(["runc", "runsc"], "runc");
  assert.equal(optedOut.status, "warn");
  assert.match(optedOut.detail, /gVisor opted out \(BOT_BOTTLE_RUNTIME=runc\)/);
});

Deno.test("dockerChecks() fails when gVisor is insisted on and absent", async () => {
  const check = await isolation(["runc"], "runsc");
  assert.equal(check.status, "fail");
  assert.match(
    check.detail,
    /BOT_BOTTLE_RUNTIME=runsc, but runsc is not registered; to add gVisor/,
  );
  assert.equal(check.usable, false);
});
