import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeContainerCli } from "../../tests/fakes/container/mod.ts";
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
    assert.match(byName.get("git")?.detail ?? "", /; install git \(.*apt-get install git\)$/);
    assert.equal(byName.get("ssh")?.status, "warn");
    assert.match(byName.get("ssh")?.detail ?? "", /apt-get install openssh-client\)$/);
    assert.equal(byName.get("config dir")?.status, "warn");
    assert.equal(report.defaultBackend, "docker");
    assert.equal(report.defaultBackendUsable, false);
    assert.equal(report.checks.at(-1)?.status, "fail");
  });
});

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";
/** Base images the engine has once tests/e2e/images/build.sh ran: doctor then pulls nothing. */
const LOCAL_BASES = {
  BOT_BOTTLE_AGENT_BASE_IMAGE: "bot-bottle-test/debian:bookworm",
  BOT_BOTTLE_SIDECAR_BASE_IMAGE: `bot-bottle-test/deno:${Deno.version.deno}`,
};
/** A base no engine can pull: its registry is a closed loopback port. */
const UNPULLABLE = "localhost:1/bot-bottle-test/unpullable:doctor";

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
    assert.match(daemon?.detail ?? "", /; start it: sudo systemctl start docker \(without systemd/);
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
      const report = await runDoctor({
        env: { PATH: SYSTEM_PATH, HOME: dir, ...LOCAL_BASES },
        os: "linux",
      });
      const byName = new Map(report.checks.map((check) => [check.name, check]));
      assert.equal(byName.get("docker daemon")?.status, "ok");
      for (const image of Object.values(LOCAL_BASES)) {
        assert.deepEqual(byName.get(`base image ${image}`), {
          status: "ok",
          name: `base image ${image}`,
          detail: "on the engine",
        });
      }
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
      env: { PATH: dir, HOME: dir, BOT_BOTTLE_BACKEND: "lxd" },
      os: "linux",
    });
    const check = report.checks.find((c) => c.name === "BOT_BOTTLE_BACKEND");
    assert.equal(check?.status, "fail");
    assert.match(check?.detail ?? "", /unknown backend "lxd"/);
    assert.equal(report.defaultBackendUsable, false);
  });
});

Deno.test("runDoctor() takes BOT_BOTTLE_BACKEND=podman and says how to install it", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({
      env: { PATH: dir, HOME: dir, BOT_BOTTLE_BACKEND: "podman" },
      os: "linux",
    });
    assert.equal(report.defaultBackend, "podman");
    assert.equal(report.defaultBackendUsable, false);
    const podman = report.checks.find((c) => c.name === "podman");
    assert.equal(podman?.status, "warn");
    assert.match(podman?.detail ?? "", /sudo apt-get install podman /);
    const last = report.checks.find((c) => c.name === "default backend");
    assert.equal(last?.detail, "podman cannot run bottles here (see the checks above)");
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

Deno.test("runDoctor() tells how to get an engine and how to start it, per OS", async () => {
  await withTempDir(async (dir) => {
    const missing = async (os: string) =>
      (await runDoctor({ env: { PATH: dir, HOME: dir }, os })).checks
        .find((check) => check.name === "docker")?.detail;
    assert.match(
      await missing("linux") ?? "",
      /; install a Docker engine \(.*apt-get install docker\.io\)$/,
    );
    assert.match(await missing("darwin") ?? "", /; install Docker Desktop, Colima or OrbStack$/);
    const git = (await runDoctor({ env: { PATH: dir, HOME: dir }, os: "darwin" })).checks
      .find((check) => check.name === "git");
    assert.match(git?.detail ?? "", /; install git: xcode-select --install$/);
    const stopped = await runDoctor({
      env: { PATH: SYSTEM_PATH, HOME: dir, DOCKER_HOST: `unix://${dir}/no-daemon.sock` },
      os: "darwin",
    });
    const daemon = stopped.checks.find((check) => check.name === "docker daemon");
    assert.match(daemon?.detail ?? "", /; start it: open Docker Desktop/);
  });
});

Deno.test({
  name: "runDoctor() fails a base image the engine cannot pull and names the setting that fixes it",
  ignore: !(await dockerDaemonUp()),
  fn: async () => {
    await withTempDir(async (dir) => {
      const report = await runDoctor({
        env: {
          PATH: SYSTEM_PATH,
          HOME: dir,
          ...LOCAL_BASES,
          BOT_BOTTLE_SIDECAR_BASE_IMAGE: UNPULLABLE,
        },
        os: "linux",
      });
      const check = report.checks.find((c) => c.name === `base image ${UNPULLABLE}`);
      assert.equal(check?.status, "fail");
      assert.match(check?.detail ?? "", /^not on the engine and cannot be pulled \(.*localhost:1/);
      assert.match(
        check?.detail ?? "",
        /; on a machine without a registry, set BOT_BOTTLE_SIDECAR_BASE_IMAGE to an image the engine has/,
      );
      assert.equal(report.defaultBackendUsable, false);
    });
  },
});

Deno.test("runDoctor() refuses a malformed base image setting by name", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({
      env: { PATH: dir, HOME: dir, BOT_BOTTLE_AGENT_BASE_IMAGE: "Not An Image" },
      os: "linux",
    });
    const check = report.checks.find((c) => c.name === "base images");
    assert.equal(check?.status, "fail");
    assert.match(check?.detail ?? "", /BOT_BOTTLE_AGENT_BASE_IMAGE/);
  });
});

Deno.test("runDoctor() on macOS names macos-container the default while its system runs", async () => {
  await withTempDir(async (dir) => {
    // Apple's `container` cannot run here: the strict fake of its CLI stands in, first on PATH.
    await using fake = await FakeContainerCli.create({ systemRunning: false });
    const bin = join(dir, "bin");
    await Deno.mkdir(bin);
    await Deno.symlink(fake.cli, join(bin, "container"));
    const env = { PATH: `${bin}:${SYSTEM_PATH}`, HOME: dir, ...LOCAL_BASES };

    const stopped = await runDoctor({ env, os: "darwin" });
    const check = stopped.checks.find((c) => c.name === "macos-container");
    assert.equal(check?.status, "fail");
    assert.equal(check?.detail, "container system not running (run `container system start`)");
    assert.equal(stopped.defaultBackend, "docker");

    await fake.configure({
      systemRunning: true,
      agentUid: 1000,
      reachable: [],
      sidecarSysctls: {},
    });
    const running = await runDoctor({ env, os: "darwin" });
    assert.equal(running.checks.find((c) => c.name === "macos-container")?.status, "ok");
    assert.equal(running.defaultBackend, "macos-container");
    assert.equal(running.defaultBackendUsable, true);
    assert.equal(running.checks.at(-1)?.detail, "macos-container can run bottles");

    const gvisor = await runDoctor({ env: { ...env, BOT_BOTTLE_RUNTIME: "runsc" }, os: "darwin" });
    assert.equal(gvisor.checks.find((c) => c.name === "macos-container isolation")?.status, "fail");
  });
});

Deno.test("runDoctor() on Linux does not ask about Apple's container", async () => {
  await withTempDir(async (dir) => {
    const report = await runDoctor({ env: { PATH: dir, HOME: dir }, os: "linux" });
    assert.equal(report.checks.some((c) => c.name.startsWith("macos-container")), false);
  });
});
