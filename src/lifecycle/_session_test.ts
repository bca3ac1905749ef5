import assert from "node:assert/strict";
import { BottleSession } from "./_session.ts";
import { BottleState } from "./state.ts";
import { FakeBackend, tempBotHome, testMetadata } from "./testing/mod.ts";

Deno.test("BottleSession stops its bottle once, however many paths ask", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend();
  const state = new BottleState(home.paths, "dev-1");
  const log = { info: () => {}, warn: () => {} };
  {
    await using session = new BottleSession(backend, {
      slug: "dev-1",
      state,
      log,
      workspace: { archive: `${home.paths.root}/ws.tar`, maxBytes: 1024 },
    });
    await Promise.all([session.stop(), session.stop()]);
    assert.equal(await session.finish(0), false);
  }
  assert.deepEqual(backend.calls, ["stop dev-1"]);
});

Deno.test("BottleSession disposal stops a bottle nothing stopped, and warns on failure", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend({
    onStop: () => {
      throw new Error("engine gone");
    },
  });
  const warnings: string[] = [];
  const state = new BottleState(home.paths, "dev-1");
  {
    await using _session = new BottleSession(backend, {
      slug: "dev-1",
      state,
      log: { info: () => {}, warn: (line) => warnings.push(line) },
      workspace: { archive: `${home.paths.root}/ws.tar`, maxBytes: 1024 },
    });
  }
  assert.deepEqual(backend.calls, ["stop dev-1"]);
  assert.deepEqual(warnings, [
    'Cannot tear down bottle "dev-1": engine gone; run bot-bottle cleanup',
  ]);
});

Deno.test("BottleSession saves the workspace when it keeps the state, and only then", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend({
    onExec: async (_slug, argv, options) => {
      if (argv[0] !== "tar" || options.stdout === undefined) return 2;
      const writer = options.stdout.getWriter();
      await writer.write(new TextEncoder().encode("tar-bytes"));
      await writer.close();
      return 0;
    },
  });
  backend.addRunning("dev-1");
  const archive = `${home.paths.root}/ws.tar`;
  const state = new BottleState(home.paths, "dev-1");
  await state.create(testMetadata("dev-1"));
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (line: string) => warnings.push(line) };
  {
    await using session = new BottleSession(backend, {
      slug: "dev-1",
      state,
      log,
      workspace: { archive, maxBytes: 1024 },
    });
    assert.equal(await session.finish(3), true);
  }
  assert.equal(await Deno.readTextFile(archive), "tar-bytes");
  assert.equal((await Deno.stat(archive)).mode! & 0o777, 0o600);
  assert.deepEqual(backend.calls, [
    "exec dev-1 tar --create --file=- --directory /home/agent --ignore-failed-read workspace",
    "stop dev-1",
  ]);
  await Deno.remove(archive);
  {
    await using session = new BottleSession(backend, {
      slug: "dev-1",
      state,
      log,
      workspace: { archive, maxBytes: 1024 },
    });
    assert.equal(await session.finish(0), false);
  }
  assert.equal(
    await Deno.lstat(archive).catch(() => undefined),
    undefined,
    "a clean exit saves none",
  );
  assert.deepEqual(warnings, []);
});
