import assert from "node:assert/strict";
import { homePaths } from "../../src/paths/mod.ts";
import { launchSpec } from "../../src/launch/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { type Backend, BACKEND_NAMES, backendByName } from "../../backends/mod.ts";
import { PODMAN_ULIMITS } from "../../backends/podman/mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });

function steps(backend: Backend): Map<string, string[]> {
  const plan = buildPlan(demoAgent(), {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths,
    hostEnv: {},
  });
  const prepared = backend.prepare(launchSpec(plan, backend.superviseUrl("dev")));
  assert.equal(prepared.backend, backend.name);
  return new Map(prepared.steps.map((s) => [s.title, s.argv]));
}

/** The value after each occurrence of a flag. */
function values(argv: readonly string[] | undefined, flag: string): string[] {
  assert.ok(argv !== undefined, "no such step");
  return argv.flatMap((arg, i) => arg === flag ? [argv[i + 1] ?? ""] : []);
}

Deno.test("--backend podman names a shipped backend that runs the podman CLI", () => {
  assert.ok(BACKEND_NAMES.includes("podman"));
  const podman = backendByName("podman");
  assert.equal(podman.name, "podman");
  for (const argv of steps(podman).values()) assert.equal(argv[0], "podman");
});

Deno.test("podman's internal network has no DNS, so netavark gives the host no address on it", () => {
  const internal = steps(backendByName("podman")).get("create the internal network");
  assert.ok(internal?.includes("--internal") && internal.includes("--disable-dns"), `${internal}`);
  assert.deepEqual(values(internal, "--opt"), [], "docker's bridge option means nothing here");
  // With a subnet of its own netavark may give the host a gateway there: podman's is its own.
  assert.deepEqual(values(internal, "--subnet"), []);
  const docker = steps(backendByName("docker")).get("create the internal network");
  assert.deepEqual(values(docker, "--opt"), ["com.docker.network.bridge.inhibit_ipv4=true"]);
  assert.ok(!docker?.includes("--disable-dns"));
});

Deno.test("every podman container runs under runc with ulimits under the host's hard limits", () => {
  const podman = steps(backendByName("podman"));
  const docker = steps(backendByName("docker"));
  for (const title of ["create the sidecar on the internal network", "start the agent"]) {
    assert.deepEqual(values(podman.get(title), "--runtime"), ["runc"], title);
    assert.deepEqual(values(podman.get(title), "--ulimit"), [
      `nofile=${PODMAN_ULIMITS.nofile}:${PODMAN_ULIMITS.nofile}`,
      `nproc=${PODMAN_ULIMITS.nproc}:${PODMAN_ULIMITS.nproc}`,
    ], title);
    // docker passes its daemon's limits and picks the agent's runtime at launch.
    assert.deepEqual(values(docker.get(title), "--ulimit"), [], title);
    assert.deepEqual(values(docker.get(title), "--runtime"), [], title);
  }
  // 20000 open files is the lowest hard limit seen on a host; podman would ask for 1048576.
  assert.ok(PODMAN_ULIMITS.nofile <= 20_000 && PODMAN_ULIMITS.nproc <= 32_768);
});

Deno.test({
  name: "the podman backend asks this host's podman whether it can run bottles",
  ignore: !(await new Deno.Command("podman", { args: ["info"], stdout: "null", stderr: "null" })
    .output().then((out) => out.success, () => false)),
  fn: async () => {
    const availability = await backendByName("podman").isAvailable();
    assert.ok(availability.ok, JSON.stringify(availability));
    assert.match(availability.detail, /^podman engine \d+\.\d+\.\d+ \(rootful, netavark\)$/);
  },
});
