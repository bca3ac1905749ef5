/**
 * The parity matrix over the memory backend: the shared launch against an engine in memory,
 * with an agent that behaves like a real image (and misbehaves as a root image or a leaky
 * bottle would). `tests/e2e/parity_test.ts` runs the same rows over Docker.
 */
import { MemoryBackend, memoryNames } from "../../backends/memory/mod.ts";
import { simulatedAgent } from "../../src/launch/testing/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { type BottleKind, LEAKY_NAME, parityMatrix } from "./parity_matrix.ts";
import { memoryAttachments, memoryObjectsNamed, memorySidecarSees } from "./_engine_views.ts";

Deno.test("parity matrix: the memory backend", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "bb-parity-" });
  const backends = new Map<BottleKind, MemoryBackend>();
  const backend = (kind: BottleKind) => {
    const made = backends.get(kind) ?? new MemoryBackend({
      agent: simulatedAgent({
        uid: kind === "root-user" ? 0 : 1000,
        reachable: new Set(kind === "leaky" ? [LEAKY_NAME] : []),
      }),
    });
    backends.set(kind, made);
    return made;
  };
  try {
    await parityMatrix(t, {
      label: "memory",
      paths: homePaths({ BOT_BOTTLE_HOME: home }),
      hostEnv: {
        BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80",
        BOT_BOTTLE_SELFTEST_DNS: "outside.test",
      },
      bottle: (kind) => ({
        backend: backend(kind),
        ...(kind === "leaky"
          ? { hostEnv: { BOT_BOTTLE_SELFTEST_DNS: `outside.test,${LEAKY_NAME}` } }
          : {}),
      }),
      engineArgv: () => Promise.resolve([...backends.values()].flatMap((b) => b.world.commands)),
      agentSees: (b, slug, name) =>
        Promise.resolve((b as MemoryBackend).world.secrets.get(`memory-agent-${slug}`)?.[name]),
      limitsOf: (b, slug) => {
        const limits = (role: "agent" | "sidecar") => {
          const found = (b as MemoryBackend).world.objects.get(memoryNames(slug)[role])?.limits;
          if (found === undefined) throw new Error(`memory engine: no ${role} for ${slug}`);
          return { ...found };
        };
        return Promise.resolve({ agent: limits("agent"), sidecar: limits("sidecar") });
      },
      objectsNamed: (b, slug) =>
        Promise.resolve(memoryObjectsNamed((b as MemoryBackend).world, slug)),
      attachments: (b, slug) => {
        const { world } = b as MemoryBackend;
        const names = memoryNames(slug);
        return Promise.resolve({
          agent: memoryAttachments(world, names.agent),
          sidecar: memoryAttachments(world, names.sidecar),
        });
      },
      sidecarSees: (b, slug) =>
        memorySidecarSees((b as MemoryBackend).world, memoryNames(slug).sidecar),
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
