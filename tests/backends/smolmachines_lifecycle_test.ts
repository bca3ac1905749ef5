/**
 * The smolmachines backend's whole lifecycle through the shared launch, against the strict fake
 * `smolvm` (smolvm cannot run here) and a sidecar engine in memory: start, exec, reload, commit,
 * list, stop, cleanup; the post-start allowlist check; resume from the committed pack.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import { MemoryBackend } from "../../backends/memory/mod.ts";
import { launchBottle } from "../../src/launch/mod.ts";
import { simulatedAgent } from "../../src/launch/testing/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { type BottlePlan, buildPlan, demoAgent, type LaunchSecrets } from "../../src/plan/mod.ts";
import { memorySidecarHost } from "../fakes/memory_sidecar_host.ts";
import { type FakeSmolvm, installFakeSmolvm } from "../fakes/smolvm_fake.ts";
import {
  loopbackAlias,
  machineName,
  smolmachinesBackend,
} from "../../backends/smolmachines/mod.ts";

const GREETING = "hello-from-the-host-5b1d";

interface Bed {
  fake: FakeSmolvm;
  memory: MemoryBackend;
  backend: ReturnType<typeof smolmachinesBackend>;
  plan: (slug: string, committedImage?: string) => BottlePlan;
  secrets: LaunchSecrets;
}

async function withBed(test: (bed: Bed) => Promise<void>, widen?: string[]): Promise<void> {
  const fake = await installFakeSmolvm(widen === undefined ? {} : { widen });
  const memory = new MemoryBackend({ agent: simulatedAgent() });
  const backend = smolmachinesBackend({
    cli: fake.cli,
    sidecars: memorySidecarHost(memory),
    runDir: join(fake.dir, "run"),
  });
  const paths = homePaths({ BOT_BOTTLE_HOME: join(fake.dir, "home") });
  const agent = demoAgent();
  agent.bottle.env = { GREETING: { kind: "literal", value: GREETING } };
  const plan = (slug: string, committedImage?: string) =>
    buildPlan(agent, {
      slug,
      label: "life",
      cwd: "/w",
      paths,
      hostEnv: {
        BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80",
        BOT_BOTTLE_SELFTEST_DNS: "outside.test",
      },
      ...(committedImage === undefined ? {} : { committedImage }),
    });
  const canary = "bot-bottle-canary-7c1e";
  const secrets = {
    agentEnv: { GREETING, BOT_BOTTLE_CANARY: canary },
    tokens: {},
    canary,
    agentFiles: [],
  };
  try {
    await test({ fake, memory, backend, plan, secrets });
  } finally {
    await fake.remove();
  }
}

const quiet = { progress: () => {} };

Deno.test("smolmachines: start, exec, reload, commit, list, stop and cleanup on the fake", async () => {
  await withBed(async ({ fake, memory, backend, plan, secrets }) => {
    const slug = "life-a1b2c3";
    await launchBottle(plan(slug), secrets, { backend, ...quiet });
    const alias = loopbackAlias(slug);
    const create = (await fake.calls()).find((c) => c.argv[1] === "create")!.argv;
    assert.deepEqual(
      create.slice(create.indexOf("--allow-cidr"), create.indexOf("--allow-cidr") + 2),
      [
        "--allow-cidr",
        `${alias}/32`,
      ],
    );
    const secretFile = create[create.indexOf("--secret-file") + 1]!.split("=")[1]!;
    assert.equal((await Deno.stat(secretFile)).mode! & 0o777, 0o600);
    assert.ok(
      memory.world.commands.some((c) => c.includes(`--publish=${alias}`)),
      "the sidecar's ports are published on the bottle's alias",
    );

    const seen = await backend.exec(slug, ["printenv", "GREETING"], { tty: false, capture: true });
    assert.deepEqual(seen, { code: 0, stdout: `${GREETING}\n`, stderr: "" });
    const extra = await backend.exec(slug, ["printenv", "ONE_OFF"], {
      tty: false,
      capture: true,
      env: { ONE_OFF: "just-this-exec" },
    });
    assert.equal(extra.stdout, "just-this-exec\n");
    await backend.reloadEgress(slug);

    const pack = await backend.commit(slug);
    assert.ok(pack.endsWith(".smolmachine") && (await Deno.stat(pack)).isFile);
    assert.equal((await fake.machines())[machineName(slug)]?.state, "running", "running again");

    assert.deepEqual(await backend.enumerateActive(), [{
      backend: "smolmachines",
      slug,
      label: "life",
      agent: "demo",
      services: ["agent:running", "sidecar:running"],
    }]);

    await backend.stop(slug);
    assert.deepEqual(await backend.enumerateActive(), []);
    assert.deepEqual(await fake.machines(), {});
    await assert.rejects(Deno.stat(secretFile), Deno.errors.NotFound);

    const argv = (await fake.calls()).map((c) => c.argv.join(" ")).join("\n") +
      memory.world.commands.map((c) => c.join(" ")).join("\n");
    for (const value of [GREETING, "just-this-exec", secrets.canary]) {
      assert.ok(!argv.includes(value), `${value} reached an argv`);
    }
    const extraCall = (await fake.calls()).find((c) => c.argv.includes("ONE_OFF=ONE_OFF"));
    assert.ok(extraCall?.env.includes("ONE_OFF"), "a one-off variable travels by name");
  });
});

Deno.test("smolmachines: cleanup removes a leftover machine and its sidecar, keeps the kept", async () => {
  await withBed(async ({ fake, memory, backend, plan, secrets }) => {
    await launchBottle(plan("left-000001"), secrets, { backend, ...quiet });
    await launchBottle(plan("kept-000002"), secrets, { backend, ...quiet });
    const steps = await backend.cleanupPlan(new Set(["kept-000002"]));
    assert.deepEqual(new Set(steps.map((s) => s.slug)), new Set(["left-000001"]));
    assert.ok(steps.some((s) => s.name === machineName("left-000001")));
    assert.deepEqual(await backend.cleanup(steps), []);
    assert.deepEqual(Object.keys(await fake.machines()), [machineName("kept-000002")]);
    assert.deepEqual(memory.world.of("left-000001"), []);
    assert.notDeepEqual(memory.world.of("kept-000002"), []);
  });
});

Deno.test("smolmachines: a machine whose allowlist is wider than its alias is refused", async () => {
  await withBed(async ({ fake, memory, backend, plan, secrets }) => {
    const slug = "wide-000003";
    await assert.rejects(
      launchBottle(plan(slug), secrets, { backend, ...quiet }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.includes(`limited to ${loopbackAlias(slug)}/32`) &&
        err.message.includes("0.0.0.0/0"),
    );
    assert.deepEqual(await fake.machines(), {}, "the machine is gone");
    assert.deepEqual(memory.world.of(slug), [], "the sidecar and networks are gone");
    const ran = (await fake.calls()).filter((c) => c.argv[1] === "exec");
    assert.deepEqual(ran, [], "nothing ran in the machine");
  }, ["0.0.0.0/0"]);
});

Deno.test("smolmachines: resume boots the committed pack and gives the home back to the agent", async () => {
  await withBed(async ({ fake, backend, plan, secrets }) => {
    await launchBottle(plan("pack-000004"), secrets, { backend, ...quiet });
    const pack = await backend.commit("pack-000004");
    await backend.stop("pack-000004");
    await launchBottle(plan("pack-000005", pack), secrets, { backend, ...quiet });
    const calls = (await fake.calls()).map((c) => c.argv);
    const create = calls.filter((a) => a[1] === "create").at(-1)!;
    assert.equal(create[create.indexOf("--from") + 1], pack);
    assert.ok(calls.some((a) => a.includes("remap") && a.includes("--user") && a.includes("root")));
    await backend.stop("pack-000005");
  });
});

Deno.test("smolmachines: availability, isolation and doctor name what is missing", async () => {
  await withBed(async ({ fake, memory }) => {
    const missing = smolmachinesBackend({
      cli: join(fake.dir, "no-such-smolvm"),
      sidecars: memorySidecarHost(memory),
    });
    assert.deepEqual(await missing.isAvailable(), {
      ok: false,
      reason: `the ${join(fake.dir, "no-such-smolvm")} CLI is not installed`,
      absent: true,
    });
    const run = async (argv: readonly [string, ...string[]]) => {
      try {
        const out = await new Deno.Command(argv[0], { args: argv.slice(1) }).output();
        const text = (b: Uint8Array) => new TextDecoder().decode(b);
        return {
          started: true,
          code: out.code,
          stdout: text(out.stdout),
          stderr: text(out.stderr),
        };
      } catch {
        return { started: false, code: -1, stdout: "", stderr: "" };
      }
    };
    const host = { os: "linux", baseImages: [], runtime: "auto" as const };
    const absent = await missing.checks(run, host);
    assert.equal(absent.usable, false);
    assert.deepEqual(absent.checks.map((c) => c.status), ["warn"]);
    assert.match(absent.checks[0]!.detail, /not found on PATH; install smolvm/);

    const present = smolmachinesBackend({ cli: fake.cli, sidecars: memorySidecarHost(memory) });
    assert.deepEqual(await present.isAvailable(), {
      ok: true,
      detail: "smolvm 1.23.0; sidecars on memory engine",
    });
    const doctor = await present.checks(run, host);
    assert.equal(doctor.usable, true);
    assert.deepEqual(doctor.checks.map((c) => `${c.status} ${c.name}`), [
      "ok smolvm",
      "ok smolvm machines",
      "ok smolmachines sidecars",
    ]);
    assert.match(await present.isolation("auto"), /micro-VM/);
    await assert.rejects(present.isolation("runsc"), ConfigError);
  });
});
