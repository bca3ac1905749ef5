/**
 * The engine restarted under a bottle (issue 17's fault suite). A private engine
 * (`_harness/private_engine.ts`) runs the bottle so the engine every other test shares is never
 * restarted. While the engine is down, `list active` does not claim that nothing runs and
 * `cleanup` keeps the bottle's state; once it is back, the bottle's containers have stopped
 * (no restart policy) and `list active` says so, and `cleanup` removes every object and the state.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startWorld } from "./_harness/mod.ts";
import { privateEngineCli } from "./_harness/private_engine.ts";

interface Listed {
  slug: string;
  services: string[];
}

Deno.test("after an engine restart, list active and cleanup tell the truth", async () => {
  await using world = await startWorld("restart");
  const { engine: made, cli } = await privateEngineCli(world);
  await using engine = made;
  const listed = async (): Promise<Listed[]> => {
    const list = await cli(["list", "active", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    return JSON.parse(list.stdout) as Listed[];
  };

  const started = await cli(["start", "demo", "--yes", "--detach"]);
  assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
  const slug = started.stdout.trim().split("\n").at(-1)!.trim();
  world.track(slug);
  const state = join(world.home, "state", slug);
  const services = async () =>
    (await listed()).find((bottle) => bottle.slug === slug)?.services.sort();
  assert.deepEqual(await services(), ["agent:running", "sidecar:running"]);

  await engine.stop();
  const down = await cli(["list", "active"]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(down.stdout, "No running bottles found (not every backend could be asked).\n");
  assert.match(down.stderr, /warning: backend docker cannot be asked/);
  const keep = await cli(["cleanup", "--yes"]);
  assert.equal(keep.code, 0, `${keep.stdout}\n${keep.stderr}`);
  assert.match(keep.stderr, new RegExp(`keeping ${state}: backend docker cannot be asked`));
  assert.ok((await Deno.stat(state)).isDirectory, "the state of a bottle nobody can ask is kept");

  await engine.restart();
  assert.deepEqual(await services(), ["agent:exited", "sidecar:exited"]);
  const human = await cli(["list", "active"]);
  assert.match(
    human.stdout,
    new RegExp(`^No running bottles\\.\n\nStopped bottles\n\n  ${slug}: `),
  );
  assert.match(human.stdout, /bot-bottle cleanup removes what is left of it/);

  const cleanup = await cli(["cleanup", "--yes"]);
  assert.equal(cleanup.code, 0, `${cleanup.stdout}\n${cleanup.stderr}`);
  for (const name of [`bot-bottle-${slug}`, `bot-bottle-sidecars-${slug}`, state]) {
    assert.ok(cleanup.stdout.includes(name), `cleanup did not list ${name}:\n${cleanup.stdout}`);
  }
  assert.deepEqual(await listed(), []);
  const label = `label=bot-bottle.slug=${slug}`;
  const containers = await engine.docker(["ps", "--all", "--quiet", "--filter", label]);
  const networks = await engine.docker(["network", "ls", "--quiet", "--filter", label]);
  assert.deepEqual([containers.stdout.trim(), networks.stdout.trim()], ["", ""]);
  await assert.rejects(Deno.stat(state), Deno.errors.NotFound);
});
