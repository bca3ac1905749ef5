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
import { LEAKY_NAME, parityMatrix } from "../backends/parity_matrix.ts";
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

async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}
