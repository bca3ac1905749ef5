/**
 * The parity matrix over the smolmachines backend: the shared launch against the strict fake
 * `smolvm` (smolvm cannot run here), with the sidecar on the memory engine as its docker. The
 * fake's guest enforces the machine's allowlist and resolves only its `/etc/hosts`, so the
 * isolation rows test what the backend asked smolvm for; a root image is a fake whose image user
 * is uid 0.
 */
import { join } from "node:path";
import { MemoryBackend, memoryNames } from "../../backends/memory/mod.ts";
import { machineName, smolmachinesBackend } from "../../backends/smolmachines/mod.ts";
import type { Backend } from "../../backends/mod.ts";
import { simulatedAgent } from "../../src/launch/testing/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { memorySidecarHost } from "../fakes/memory_sidecar_host.ts";
import { type FakeSmolvm, installFakeSmolvm } from "../fakes/smolvm_fake.ts";
import { type BottleKind, LEAKY_NAME, parityMatrix } from "./parity_matrix.ts";
import { memoryAttachments, memoryObjectsNamed, memorySidecarSees } from "./_engine_views.ts";

const MIB = 1024 ** 2;

interface Subject {
  backend: Backend;
  fake: FakeSmolvm;
  memory: MemoryBackend;
}

Deno.test("parity matrix: the smolmachines backend (fake smolvm)", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "bb-parity-smol-" });
  const subjects = new Map<BottleKind, Subject>();
  const made: Subject[] = [];
  const make = async (kind: BottleKind) => {
    const fake = await installFakeSmolvm({ agentUid: kind === "root-user" ? 0 : 1000 });
    const memory = new MemoryBackend({ agent: simulatedAgent() });
    const backend = smolmachinesBackend({
      cli: fake.cli,
      sidecars: memorySidecarHost(memory),
      runDir: join(fake.dir, "run"),
    });
    const subject = { backend, fake, memory };
    subjects.set(kind, subject);
    made.push(subject);
  };
  for (const kind of ["isolated", "root-user", "leaky"] as const) await make(kind);
  const of = (backend: Backend) => made.find((s) => s.backend === backend)!;
  try {
    await parityMatrix(t, {
      label: "smolmachines",
      paths: homePaths({ BOT_BOTTLE_HOME: home }),
      hostEnv: {
        BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80",
        BOT_BOTTLE_SELFTEST_DNS: "outside.test",
      },
      bottle: (kind) => ({
        backend: subjects.get(kind)!.backend,
        ...(kind === "leaky"
          ? { hostEnv: { BOT_BOTTLE_SELFTEST_DNS: `outside.test,${LEAKY_NAME}` } }
          : {}),
      }),
      engineArgv: async () => {
        const argv: string[][] = [];
        for (const s of made) {
          argv.push(...(await s.fake.calls()).map((c) => ["smolvm", ...c.argv]));
          argv.push(...s.memory.world.commands);
        }
        return argv;
      },
      agentSees: async (backend, slug, name) => {
        const result = await backend.exec(slug, ["printenv", name], { tty: false, capture: true });
        return result.code === 0 ? result.stdout.replace(/\n$/, "") : undefined;
      },
      limitsOf: async (backend, slug) => {
        const { fake, memory } = of(backend);
        const machine = (await fake.machines())[machineName(slug)];
        const sidecar = memory.world.objects.get(memoryNames(slug).sidecar)?.limits;
        if (machine === undefined || sidecar === undefined) {
          throw new Error(`smolmachines: no machine or sidecar for ${slug}`);
        }
        return {
          agent: { memory: machine.memory_mib * MIB, cpus: machine.cpus, pids: 0 },
          sidecar: { ...sidecar },
        };
      },
      objectsNamed: async (backend, slug) => {
        const { fake, memory } = of(backend);
        const machines = Object.values(await fake.machines()).filter((m) => m.name.includes(slug))
          .map((m) => ({ kind: "container" as const, name: m.name, labels: m.labels }));
        return [...machines, ...memoryObjectsNamed(memory.world, slug)];
      },
      // The machine's one network is TSI: it routes out unless the allowlist holds only the
      // bottle's loopback alias.
      attachments: async (backend, slug) => {
        const { fake, memory } = of(backend);
        const machine = (await fake.machines())[machineName(slug)];
        if (machine === undefined) throw new Error(`smolmachines: no machine for ${slug}`);
        const wide = machine.allowed_cidrs.length === 0 ||
          machine.allowed_cidrs.some((c) => !/^127\.\d+\.\d+\.\d+\/32$/.test(c));
        return {
          agent: machine.network ? [{ network: "tsi", routeOut: wide }] : [],
          sidecar: memoryAttachments(memory.world, memoryNames(slug).sidecar),
        };
      },
      sidecarSees: (backend, slug) =>
        memorySidecarSees(of(backend).memory.world, memoryNames(slug).sidecar),
      // Whole vCPUs, memory in MiB, and no process cap: the micro-VM's own kernel holds them.
      limitsGranted: ({ agent, sidecar }) => ({
        agent: {
          memory: Math.ceil(agent.memory / MIB) * MIB,
          cpus: Math.ceil(agent.cpus),
          pids: 0,
        },
        sidecar,
      }),
    });
  } finally {
    for (const s of made) await s.fake.remove();
    await Deno.remove(home, { recursive: true });
  }
});
