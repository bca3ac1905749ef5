/**
 * The parity matrix over Docker, or Podman under `BOT_BOTTLE_E2E_ENGINE=podman`, on a real
 * engine: the shared launch (`src/launch`) drives the backend in this process, on this file's
 * test internet. The backend runs a logging shim as its CLI, so "no secret value on any argv" is
 * checked at the process boundary, where `ps` would see it. `tests/backends/parity_test.ts` runs
 * the same rows over the memory backend.
 */
import { join } from "node:path";
import { dockerBackend } from "../../backends/docker/mod.ts";
import { PODMAN_DIALECT } from "../../backends/podman/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import {
  type Attached,
  type EngineObject,
  LEAKY_NAME,
  parityMatrix,
} from "../backends/parity_matrix.ts";
import { mountedRoutes } from "../backends/_engine_views.ts";
import { which } from "../install/_sandbox.ts";
import { dockerOk, e2eEngine, startWorld } from "./_harness/mod.ts";
import type { ResourceLimits } from "../../backends/mod.ts";

/** The offline base image: its user is root, so as an agent image it must be refused. */
const ROOT_IMAGE = "bot-bottle-test/debian:bookworm";

const ENGINE = e2eEngine();

Deno.test(`parity matrix: the ${ENGINE} backend`, async (t) => {
  await using world = await startWorld("parity");
  const realCli = which(ENGINE);
  if (realCli === undefined) throw new Error(`${ENGINE} is not on PATH`);
  // Outside the world's folder: its disposal removes only what the world itself made.
  await using shim = await tempDir("bb-e2e-parity-shim-");
  const shimDir = join(shim.path, "bin");
  const argvDir = join(shim.path, "argv");
  await Deno.mkdir(shimDir);
  await Deno.mkdir(argvDir);
  // One file per invocation, its arguments NUL-separated, then the real CLI.
  await Deno.writeTextFile(
    join(shimDir, ENGINE),
    `#!/bin/sh\nf=$(mktemp ${argvDir}/argv.XXXXXX)\nprintf '%s\\0' "$@" > "$f"\n` +
      `exec ${realCli} "$@"\n`,
    { mode: 0o755 },
  );
  const backend = dockerBackend({
    cli: join(shimDir, ENGINE),
    ...(ENGINE === "podman" ? { dialect: PODMAN_DIALECT } : {}),
  });
  await parityMatrix(t, {
    label: ENGINE,
    paths: homePaths({ BOT_BOTTLE_HOME: world.home }),
    hostEnv: world.cliEnv,
    bottle: (kind) => ({
      backend,
      ...(kind === "root-user" ? { committedImage: ROOT_IMAGE } : {}),
      ...(kind === "leaky"
        ? { hostEnv: { BOT_BOTTLE_SELFTEST_DNS: `${world.outsideName},${LEAKY_NAME}` } }
        : {}),
    }),
    engineArgv: async () => {
      const calls: string[][] = [];
      for await (const entry of Deno.readDir(argvDir)) {
        const text = await Deno.readTextFile(join(argvDir, entry.name));
        calls.push(text.split("\u0000").slice(0, -1));
      }
      return calls;
    },
    agentSees: async (b, slug, name) => {
      const result = await b.exec(slug, ["printenv", name], { tty: false, capture: true });
      return result.code === 0 ? result.stdout.replace(/\n$/, "") : undefined;
    },
    limitsOf: async (_b, slug) => ({
      agent: await engineLimits(`bot-bottle-${slug}`),
      sidecar: await engineLimits(`bot-bottle-sidecars-${slug}`),
    }),
    objectsNamed: async (_b, slug) => [
      ...await Promise.all((await listed(["ps", "-a", "--format", "{{.Names}}"], slug)).map(
        async (name) => ({
          kind: "container" as const,
          name,
          labels: await labels(name, ".Config"),
        }),
      )),
      ...await Promise.all((await listed(["network", "ls", "--format", "{{.Name}}"], slug)).map(
        async (name) => ({ kind: "network" as const, name, labels: await labels(name, "") }),
      )),
    ],
    // The world's network is internal (no route to the real internet), but it stands in for the
    // internet here: it is the one route out a bottle has.
    attachments: async (_b, slug) => ({
      agent: await attached(`bot-bottle-${slug}`, world.cliEnv.BOT_BOTTLE_EGRESS_NETWORK),
      sidecar: await attached(
        `bot-bottle-sidecars-${slug}`,
        world.cliEnv.BOT_BOTTLE_EGRESS_NETWORK,
      ),
    }),
    sidecarSees: async (_b, slug) => {
      const name = `bot-bottle-sidecars-${slug}`;
      const env = JSON.parse(await dockerOk(["inspect", "--format", "{{json .Config.Env}}", name]));
      const mounts: { Source: string; Destination: string }[] = JSON.parse(
        await dockerOk(["inspect", "--format", "{{json .Mounts}}", name]),
      );
      return {
        env: Object.fromEntries((env as string[]).map((e) => e.split(/=(.*)/s, 2))),
        routes: await mountedRoutes(
          mounts.map((m) => ({ source: m.Source, target: m.Destination })),
        ),
      };
    },
  });
});

/** The caps the engine holds for a container; memory only when swap is capped at it too. */
async function engineLimits(container: string): Promise<ResourceLimits> {
  const format = "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.CpuQuota}} " +
    "{{.HostConfig.CpuPeriod}} {{.HostConfig.PidsLimit}}";
  const [memory, swap, quota, period, pids] =
    (await dockerOk(["inspect", "--format", format, container]))
      .split(" ").map(Number) as [number, number, number, number, number];
  return { memory: swap === memory ? memory : -swap, cpus: quota / period, pids };
}

/** The names an engine listing prints that carry the slug (the listing itself, not a filter). */
async function listed(argv: string[], slug: string): Promise<string[]> {
  return (await dockerOk(argv)).split("\n").filter((name) => name.includes(slug));
}

/** An object's labels; `path` is where inspect keeps them (`.Config` for a container). */
async function labels(name: string, path: string): Promise<EngineObject["labels"]> {
  const kind = path === "" ? ["network", "inspect"] : ["inspect"];
  return JSON.parse(await dockerOk([...kind, "--format", `{{json ${path}.Labels}}`, name])) ?? {};
}

/** The networks a container is on; an internal one has no route out, bar the world's. */
async function attached(container: string, internet: string | undefined): Promise<Attached[]> {
  const networks = Object.keys(JSON.parse(
    await dockerOk(["inspect", "--format", "{{json .NetworkSettings.Networks}}", container]),
  ));
  return await Promise.all(networks.map(async (network) => ({
    network,
    routeOut: network === internet ||
      (await dockerOk(["network", "inspect", "--format", "{{.Internal}}", network])).trim() !==
        "true",
  })));
}

async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}
