import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { chooseBackend, findActive, isLive, scanActive, takenSlugs } from "./mod.ts";
import { FakeBackend, fakeRegistry } from "./testing/mod.ts";

const DOWN = { ok: false as const, reason: "the engine does not answer" };

Deno.test("chooseBackend() takes the requested backend when it can run here", async () => {
  const docker = new FakeBackend();
  const smol = new FakeBackend({}, "smolmachines");
  const chosen = await chooseBackend(fakeRegistry(docker, smol), { requested: "smolmachines" });
  assert.equal(chosen.backend, smol);
  assert.deepEqual(chosen.warnings, []);
  await assert.rejects(chooseBackend(fakeRegistry(docker), { requested: "podman" }), UsageError);
});

Deno.test("chooseBackend() refuses an unavailable requested backend with its reason", async () => {
  const registry = fakeRegistry(new FakeBackend({ availability: DOWN }));
  await assert.rejects(
    chooseBackend(registry, { requested: "docker" }),
    /^Error: Cannot use backend "docker": the engine does not answer; run bot-bottle doctor$/,
  );
  const dry = await chooseBackend(registry, { requested: "docker", allowUnavailable: true });
  assert.deepEqual(dry.warnings, ["backend docker cannot run here: the engine does not answer"]);
});

Deno.test("chooseBackend() without a request takes the first available, or asks", async () => {
  const down = new FakeBackend({ availability: DOWN });
  const a = new FakeBackend({}, "macos-container");
  const b = new FakeBackend({}, "smolmachines");
  assert.equal((await chooseBackend(fakeRegistry(down, a, b))).backend, a);
  const offered: string[][] = [];
  const picked = await chooseBackend(fakeRegistry(down, a, b), {
    pick: (names) => {
      offered.push(names);
      return Promise.resolve("smolmachines");
    },
  });
  assert.equal(picked.backend, b);
  assert.deepEqual(offered, [["macos-container", "smolmachines"]]);
  const single = await chooseBackend(fakeRegistry(down, a), {
    pick: () => Promise.reject(new Error("no question when there is one choice")),
  });
  assert.equal(single.backend, a);
});

Deno.test("chooseBackend() with nobody to ask never probes a backend after the first available", async () => {
  const down = new FakeBackend({ availability: DOWN });
  const a = new FakeBackend({}, "macos-container");
  const b = new FakeBackend({}, "smolmachines");
  b.isAvailable = () => Promise.reject(new Error("probed a backend nobody will use"));
  assert.equal((await chooseBackend(fakeRegistry(down, a, b))).backend, a);
});

Deno.test("takenSlugs() gives every backend's slugs, a backend that cannot list giving none", async () => {
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const smol = new FakeBackend({}, "smolmachines");
  smol.addRunning("dev-2");
  const broken = new FakeBackend({}, "macos-container");
  broken.enumerateActive = () => Promise.reject(new Error("the CLI is not installed"));
  assert.deepEqual(
    [...await takenSlugs(fakeRegistry(docker, broken, smol))].sort(),
    ["dev-1", "dev-2"],
  );
});

Deno.test("chooseBackend() explains why no backend can run", async () => {
  await assert.rejects(
    chooseBackend(fakeRegistry(new FakeBackend({ availability: DOWN }))),
    /no backend can run here \(docker: the engine does not answer\); run bot-bottle doctor$/,
  );
});

Deno.test("scanActive() asks available backends and reports the others", async () => {
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const down = new FakeBackend({ availability: DOWN }, "smolmachines");
  const broken = new FakeBackend({}, "macos-container");
  broken.enumerateActive = () => Promise.reject(new Error("bad output"));
  const scan = await scanActive(fakeRegistry(docker, down, broken));
  assert.deepEqual(scan.bottles.map((b) => b.slug), ["dev-1"]);
  assert.deepEqual(scan.available, [docker]);
  assert.deepEqual(scan.warnings, [
    "backend smolmachines cannot be asked: the engine does not answer",
    "backend macos-container cannot list its bottles: bad output",
  ]);
});

Deno.test("scanActive() asks every backend at once, and tells them in registry order", async () => {
  // The first backend answers only once the second has been asked: asked one after the other,
  // the scan would never end.
  const asked = Promise.withResolvers<void>();
  const slow = new FakeBackend();
  slow.addRunning("slow-1");
  const fast = new FakeBackend({}, "smolmachines");
  fast.addRunning("fast-1");
  const slowAvailable = slow.isAvailable.bind(slow);
  slow.isAvailable = async () => {
    await asked.promise;
    return await slowAvailable();
  };
  const fastAvailable = fast.isAvailable.bind(fast);
  fast.isAvailable = () => {
    asked.resolve();
    return fastAvailable();
  };
  const scan = await scanActive(fakeRegistry(slow, fast));
  assert.deepEqual(scan.bottles.map((b) => b.slug), ["slow-1", "fast-1"]);
  assert.deepEqual(scan.available, [slow, fast]);
});

Deno.test("scanActive() says nothing of a backend whose CLI is not installed", async () => {
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const absent = new FakeBackend(
    { availability: { ok: false, reason: "the smolvm CLI is not installed", absent: true } },
    "smolmachines",
  );
  const scan = await scanActive(fakeRegistry(docker, absent));
  assert.deepEqual(scan.bottles.map((b) => b.slug), ["dev-1"]);
  assert.deepEqual(scan.available, [docker]);
  assert.deepEqual(scan.warnings, []);
});

Deno.test("scanActive() asks canList, not the full probe, when a backend has one", async () => {
  const podman = new FakeBackend({}, "podman");
  podman.addRunning("dev-1");
  podman.isAvailable = () => Promise.reject(new Error("the full probe must not run"));
  Object.assign(podman, { canList: () => Promise.resolve({ ok: true, detail: "podman 4.3.1" }) });
  const down = new FakeBackend({}, "docker");
  Object.assign(down, { canList: () => Promise.resolve(DOWN) });
  const scan = await scanActive(fakeRegistry(down, podman));
  assert.deepEqual(scan.bottles.map((b) => `${b.backend} ${b.slug}`), ["podman dev-1"]);
  assert.deepEqual(scan.available, [podman]);
  assert.deepEqual(scan.warnings, ["backend docker cannot be asked: the engine does not answer"]);
});

Deno.test("scanActive() lists while it probes, and never waits on the list of a backend it cannot ask", async () => {
  const listing = Promise.withResolvers<void>();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const enumerate = docker.enumerateActive.bind(docker);
  docker.enumerateActive = () => {
    listing.resolve();
    return enumerate();
  };
  // The probe answers only once the list was asked for: asked in turn, the scan would never end.
  Object.assign(docker, {
    canList: async () => {
      await listing.promise;
      return { ok: true, detail: "docker" };
    },
  });
  const hung = new FakeBackend({ availability: DOWN }, "podman");
  hung.enumerateActive = () => new Promise(() => {});
  const scan = await scanActive(fakeRegistry(docker, hung));
  assert.deepEqual(scan.bottles.map((b) => b.slug), ["dev-1"]);
  assert.deepEqual(scan.warnings, ["backend podman cannot be asked: the engine does not answer"]);
});

Deno.test("scanActive() gives a bottle to the backend that runs its agent", async () => {
  const docker = new FakeBackend();
  const smol = new FakeBackend({}, "smolmachines");
  docker.enumerateActive = () =>
    Promise.resolve([
      { backend: "docker", slug: "vm-1", label: "a", agent: "a", services: ["sidecar:running"] },
      { backend: "docker", slug: "orphan-1", label: "b", agent: "b", services: ["sidecar:exited"] },
    ]);
  smol.enumerateActive = () =>
    Promise.resolve([{
      backend: "smolmachines",
      slug: "vm-1",
      label: "a",
      agent: "a",
      services: ["agent:running", "sidecar:running"],
    }]);
  const scan = await scanActive(fakeRegistry(docker, smol));
  assert.deepEqual(scan.bottles.map((b) => `${b.backend} ${b.slug}`), [
    "docker orphan-1",
    "smolmachines vm-1",
  ]);
});

Deno.test("isLive() is true while any service runs", () => {
  const bottle = { backend: "docker" as const, slug: "a-1", label: "a", agent: "a" };
  assert.equal(isLive({ ...bottle, services: ["agent:exited", "sidecar:running"] }), true);
  assert.equal(isLive({ ...bottle, services: ["agent:exited", "sidecar:created"] }), false);
  assert.equal(isLive({ ...bottle, services: [] }), false);
});

Deno.test("findActive() names the running slugs when the one asked for is not among them", async () => {
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  docker.addRunning("dev-2");
  const scan = await scanActive(fakeRegistry(docker));
  assert.equal(findActive(scan, "dev-2").backend, docker);
  assert.throws(() => findActive(scan, "dev-9"), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.message, 'No running bottle "dev-9" (running: dev-1, dev-2)');
    return true;
  });
});
