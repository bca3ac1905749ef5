/**
 * The parity matrix over the macos-container backend, driving the strict fake of Apple's
 * `container` CLI (`tests/fakes/container/`): the real tool needs macOS, so this checks the
 * backend against the tool's documented contract. The fake records every argv and the names of
 * the variables each call got, and answers in the agent like a real image (a root image and a
 * leaky bottle are fake configurations). `parity_test.ts` runs the same rows over the memory
 * backend, `tests/e2e/parity_test.ts` over Docker.
 */
import { macosContainerBackend } from "../../backends/macos_container/mod.ts";
import type { ResourceLimits } from "../../backends/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { FakeContainerCli } from "../fakes/container/mod.ts";
import { type BottleKind, type EngineObject, LEAKY_NAME, parityMatrix } from "./parity_matrix.ts";
import { mountedRoutes } from "./_engine_views.ts";

const MIB = 1024 * 1024;

Deno.test("parity matrix: the macos-container backend (strict fake CLI)", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "bb-parity-apple-" });
  const fakes = new Map<BottleKind, FakeContainerCli>();
  for (const kind of ["isolated", "root-user", "leaky"] as const) {
    fakes.set(
      kind,
      await FakeContainerCli.create({
        agentUid: kind === "root-user" ? 0 : 1000,
        reachable: kind === "leaky" ? [LEAKY_NAME] : [],
      }),
    );
  }
  const backends = new Map([...fakes].map(([kind, fake]) => [
    kind,
    macosContainerBackend({ cli: fake.cli }),
  ]));
  const fakeOf = (backend: unknown) =>
    [...fakes].find(([kind]) => backends.get(kind) === backend)?.[1];
  try {
    await parityMatrix(t, {
      label: "macos-container",
      paths: homePaths({ BOT_BOTTLE_HOME: home }),
      hostEnv: {
        BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80",
        BOT_BOTTLE_SELFTEST_DNS: "outside.test",
      },
      bottle: (kind) => ({
        backend: backends.get(kind)!,
        ...(kind === "leaky"
          ? { hostEnv: { BOT_BOTTLE_SELFTEST_DNS: `outside.test,${LEAKY_NAME}` } }
          : {}),
      }),
      engineArgv: async () =>
        (await Promise.all([...fakes.values()].map((f) => f.calls()))).flat().map((c) => c.argv),
      agentSees: async (b, slug, name) => {
        const result = await b.exec(slug, ["printenv", name], { tty: false, capture: true });
        return result.code === 0 ? result.stdout.replace(/\n$/, "") : undefined;
      },
      // Whole CPUs (rounded up) and MiB of memory (rounded down); the CLI has no pids cap.
      limitsGranted: (asked) => ({ agent: whole(asked.agent), sidecar: whole(asked.sidecar) }),
      limitsOf: async (b, slug) => {
        const state = await fakeOf(b)!.state();
        const caps = (name: string): ResourceLimits => {
          const found = state.containers[name];
          if (found === undefined) throw new Error(`fake container: no ${name}`);
          return { memory: found.memoryInBytes, cpus: found.cpus, pids: 0 };
        };
        return { agent: caps(`bot-bottle-${slug}`), sidecar: caps(`bot-bottle-sidecars-${slug}`) };
      },
      objectsNamed: async (b, slug) => {
        const state = await fakeOf(b)!.state();
        const of = (
          kind: EngineObject["kind"],
          held: Record<string, { labels: EngineObject["labels"] }>,
        ) =>
          Object.entries(held).filter(([name]) => name.includes(slug))
            .map(([name, { labels }]) => ({ kind, name, labels }));
        return [...of("container", state.containers), ...of("network", state.networks)];
      },
      // A host-only network has no route beyond the host; a NAT network routes out.
      attachments: async (b, slug) => {
        const state = await fakeOf(b)!.state();
        const on = (name: string) =>
          (state.containers[name]?.networks ?? []).map(({ network }) => ({
            network,
            routeOut: state.networks[network]?.mode !== "hostOnly",
          }));
        return { agent: on(`bot-bottle-${slug}`), sidecar: on(`bot-bottle-sidecars-${slug}`) };
      },
      sidecarSees: async (b, slug) => {
        const sidecar = (await fakeOf(b)!.state()).containers[`bot-bottle-sidecars-${slug}`];
        if (sidecar === undefined) throw new Error(`fake container: no sidecar for ${slug}`);
        return { env: sidecar.env, routes: await mountedRoutes(sidecar.mounts.map(bindMount)) };
      },
    });
  } finally {
    for (const fake of fakes.values()) await fake[Symbol.asyncDispose]();
    await Deno.remove(home, { recursive: true });
  }
});

/** What the CLI can enforce of caps: whole CPUs (rounded up), MiB of memory, no pids cap. */
function whole(asked: ResourceLimits): ResourceLimits {
  return { memory: Math.floor(asked.memory / MIB) * MIB, cpus: Math.ceil(asked.cpus), pids: 0 };
}

/** A `--mount type=bind,source=…,target=…[,readonly]` value as source and target. */
function bindMount(spec: string): { source: string; target: string } {
  const fields = new Map(spec.split(",").map((f) => f.split("=", 2) as [string, string]));
  return { source: fields.get("source") ?? "", target: fields.get("target") ?? "" };
}
