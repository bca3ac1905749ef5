import assert from "node:assert/strict";
import type { DoctorHost, ProgramResult, ProgramRunner } from "../types.ts";
import { podmanChecks } from "./doctor.ts";

const HOST: DoctorHost = { os: "linux", baseImages: [], runtime: "auto" };

async function realRun([program, ...args]: Parameters<ProgramRunner>[0]): Promise<ProgramResult> {
  try {
    const out = await new Deno.Command(program, { args, stdin: "null" }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      started: true,
      code: out.code,
      stdout: decode(out.stdout),
      stderr: decode(out.stderr),
    };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return { started: false, code: -1, stdout: "", stderr: "" };
  }
}

/** The real CLIs, with one program's answer rewritten (what this host cannot be made to say). */
function rewriting(
  program: string,
  rewrite: (result: ProgramResult) => ProgramResult,
): ProgramRunner {
  return async (argv) => {
    const result = await realRun(argv);
    return argv[0] === program ? rewrite(result) : result;
  };
}

function podmanInfo(change: (info: Record<string, Record<string, unknown>>) => void) {
  return rewriting("podman", (result) => {
    if (!result.stdout.trimStart().startsWith("{")) return result;
    const info = JSON.parse(result.stdout);
    change(info);
    return { ...result, stdout: JSON.stringify(info) };
  });
}

const podmanHere = (await realRun(["podman", "info", "--format", "json"])).code === 0;

Deno.test({
  name: "podmanChecks() finds this host's rootful podman with netavark and runc",
  ignore: !podmanHere,
  fn: async () => {
    const { checks, usable } = await podmanChecks("podman", realRun, HOST);
    const byName = new Map(checks.map((check) => [check.name, check]));
    assert.equal(byName.get("podman engine")?.status, "ok", JSON.stringify(checks));
    assert.match(
      byName.get("podman engine")?.detail ?? "",
      /^podman \d+\.\d+\.\d+, rootful, netavark$/,
    );
    assert.match(byName.get("podman runtime")?.detail ?? "", /^runc version /);
    assert.equal(byName.get("podman isolation")?.status, "warn");
    assert.equal(usable, !checks.some((check) => check.status === "fail"));
  },
});

Deno.test("podmanChecks() without a podman CLI warns (it is optional) and says how to install it", async () => {
  const { checks, usable } = await podmanChecks("/nonexistent/podman", realRun, HOST);
  assert.equal(usable, false);
  assert.deepEqual(checks.map((check) => [check.status, check.name]), [["warn", "podman"]]);
  assert.match(
    checks[0]?.detail ?? "",
    /^\/nonexistent\/podman CLI not found on PATH .*sudo apt-get install podman netavark/,
  );
  const mac = await podmanChecks("podman", realRun, { ...HOST, os: "darwin" });
  assert.deepEqual([mac.usable, mac.checks[0]?.status], [false, "warn"]);
});

Deno.test({
  name: "podmanChecks() refuses CNI networks, rootless podman and runsc, each with the fix",
  ignore: !podmanHere,
  fn: async () => {
    const cni = await podmanChecks(
      "podman",
      podmanInfo((info) => (info.host!.networkBackend = "cni")),
      HOST,
    );
    const cniEngine = cni.checks.find((check) => check.name === "podman engine");
    assert.equal(cni.usable, false);
    assert.equal(cniEngine?.status, "fail");
    assert.match(cniEngine?.detail ?? "", /uses the cni network backend; .*install netavark/);

    const rootless = await podmanChecks(
      "podman",
      podmanInfo((info) => ((info.host!.security as Record<string, unknown>).rootless = true)),
      HOST,
    );
    assert.equal(rootless.usable, false);
    assert.match(
      rootless.checks.find((check) => check.name === "podman engine")?.detail ?? "",
      /runs rootless; this version runs bottles on rootful podman only/,
    );

    const runsc = await podmanChecks("podman", realRun, { ...HOST, runtime: "runsc" });
    const isolation = runsc.checks.find((check) => check.name === "podman isolation");
    assert.equal(runsc.usable, false);
    assert.equal(isolation?.status, "fail");
    assert.match(isolation?.detail ?? "", /use --backend docker for gVisor$/);
  },
});

Deno.test({
  name: "podmanChecks() fails when Docker's FORWARD DROP would keep the agent from its sidecar",
  ignore: !podmanHere,
  fn: async () => {
    const forward = (lines: string[]) =>
      rewriting("iptables", () => ({
        started: true,
        code: 0,
        stdout: `${lines.join("\n")}\n`,
        stderr: "",
      }));
    const dropping = ["-P FORWARD DROP", "-A FORWARD -j DOCKER-USER"];
    const blocked = await podmanChecks("podman", forward(dropping), HOST);
    const network = blocked.checks.find((check) => check.name === "podman network");
    assert.equal(blocked.usable, false);
    assert.equal(network?.status, "fail");
    assert.match(
      network?.detail ?? "",
      /: sudo iptables -I FORWARD 1 -m physdev --physdev-is-bridged -i podman\+ -j ACCEPT$/,
    );
    const allowed = await podmanChecks(
      "podman",
      forward([
        ...dropping,
        '-A FORWARD -i podman+ -m physdev --physdev-is-bridged -m comment --comment "x" -j ACCEPT',
      ]),
      HOST,
    );
    assert.equal(allowed.checks.find((check) => check.name === "podman network"), undefined);
    const open = await podmanChecks("podman", forward(["-P FORWARD ACCEPT"]), HOST);
    assert.equal(open.checks.find((check) => check.name === "podman network"), undefined);
  },
});
