import assert from "node:assert/strict";
import { join } from "node:path";
import { runDoctor } from "./mod.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-doctor-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runDoctor() fails the default backend when no docker CLI is on PATH", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({ env: { PATH: dir, HOME: dir }, os: "linux" });
    const byName = new Map(report.checks.map((check) => [check.name, check]));
    assert.equal(byName.get("docker")?.status, "fail");
    assert.match(byName.get("docker")?.detail ?? "", /not found on PATH/);
    assert.equal(byName.get("git")?.status, "fail");
    assert.equal(byName.get("ssh")?.status, "warn");
    assert.equal(byName.get("config dir")?.status, "warn");
    assert.equal(report.defaultBackend, "docker");
    assert.equal(report.defaultBackendUsable, false);
    assert.equal(report.checks.at(-1)?.status, "fail");
  });
});

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

async function dockerDaemonUp(): Promise<boolean> {
  const out = await new Deno.Command("docker", { args: ["info"], stdout: "null", stderr: "null" })
    .output().catch(() => undefined);
  return out?.success === true;
}

Deno.test("runDoctor() reports an unreachable docker daemon with its reason", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({
      env: { PATH: SYSTEM_PATH, HOME: dir, DOCKER_HOST: `unix://${dir}/no-daemon.sock` },
      os: "linux",
    });
    const daemon = report.checks.find((check) => check.name === "docker daemon");
    assert.equal(daemon?.status, "fail");
    assert.match(daemon?.detail ?? "", /not reachable: .*no-daemon\.sock/);
    assert.equal(report.defaultBackendUsable, false);
    assert.match(report.checks.at(-1)?.detail ?? "", /docker cannot run bottles/);
  });
});

Deno.test({
  name: "runDoctor() accepts a reachable docker daemon as the default backend",
  ignore: !(await dockerDaemonUp()),
  fn: async () => {
    await withTempDir(async (dir) => {
      await Deno.mkdir(join(dir, ".bot-bottle"));
      const report = await runDoctor({ env: { PATH: SYSTEM_PATH, HOME: dir }, os: "linux" });
      const byName = new Map(report.checks.map((check) => [check.name, check]));
      assert.equal(byName.get("docker daemon")?.status, "ok");
      assert.ok(byName.has("docker isolation"));
      assert.equal(byName.get("config dir")?.status, "ok");
      assert.equal(byName.get("git")?.status, "ok");
      assert.equal(report.defaultBackendUsable, true);
    });
  },
});

Deno.test("runDoctor() rejects an unknown BOT_BOTTLE_BACKEND", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({
      env: { PATH: dir, HOME: dir, BOT_BOTTLE_BACKEND: "podman" },
      os: "linux",
    });
    const check = report.checks.find((c) => c.name === "BOT_BOTTLE_BACKEND");
    assert.equal(check?.status, "fail");
    assert.match(check?.detail ?? "", /unknown backend "podman"/);
    assert.equal(report.defaultBackendUsable, false);
  });
});

Deno.test("runDoctor() names a malformed BOT_BOTTLE_RUNTIME", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({
      env: { PATH: dir, HOME: dir, BOT_BOTTLE_RUNTIME: "gvisor" },
      os: "linux",
    });
    const check = report.checks.find((c) => c.name === "BOT_BOTTLE_RUNTIME");
    assert.equal(check?.status, "fail");
    assert.match(check?.detail ?? "", /"gvisor" is not auto, runsc/);
  });
});
