import assert from "node:assert/strict";
import { ConfigError, NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { type BottleMetadata, BottleState, recordedColor, stateSlugs } from "./mod.ts";
import { tempBotHome } from "./testing/mod.ts";

const METADATA: BottleMetadata = {
  slug: "dev-1a2b3c",
  agent: "dev",
  bottle: "base",
  backend: "docker",
  label: "dev",
  color: "cyan",
  cwd: "/work/repo",
  started_at: "2025-01-02T03:04:05.000Z",
};

Deno.test("BottleState.create() makes a 0700 dir whose 0600 metadata reads back equal", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, METADATA.slug);
  await state.create(METADATA);
  assert.equal((await Deno.stat(state.dir)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(`${state.dir}/metadata.json`)).mode! & 0o777, 0o600);
  assert.deepEqual(await state.read(), METADATA);
  await state.write({ ...METADATA, committed_image: "img:1" });
  assert.equal((await state.read()).committed_image, "img:1");
  assert.deepEqual(await home.tree(), [
    "state",
    "state/dev-1a2b3c",
    "state/dev-1a2b3c/metadata.json",
  ]);
});

Deno.test("BottleState.create() refuses a slug whose state dir exists", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, METADATA.slug);
  await state.create(METADATA);
  await assert.rejects(state.create(METADATA), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /state\/dev-1a2b3c already exists/);
    return true;
  });
});

Deno.test("BottleState.create() leaves no state dir when its metadata cannot be written", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, METADATA.slug);
  // A value JSON cannot hold stands in for a full disk: the write fails after the mkdir.
  const unwritable = { ...METADATA, cwd: 1n } as unknown as BottleMetadata;
  await assert.rejects(state.create(unwritable), TypeError);
  assert.equal(await state.exists(), false);
  await state.create(METADATA);
  assert.deepEqual(await state.read(), METADATA);
});

Deno.test("BottleState.read() names the state dir when there is none", async () => {
  await using home = await tempBotHome();
  await assert.rejects(new BottleState(home.paths, "gone-1").read(), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(
      err.message,
      `No state for bottle "gone-1": ${home.paths.state}/gone-1/metadata.json does not exist`,
    );
    return true;
  });
});

Deno.test("BottleState.read() rejects broken, invalid and foreign metadata", async () => {
  await using home = await tempBotHome();
  const cases: [string, RegExp][] = [
    ["{not json", /is not JSON/],
    [JSON.stringify({ ...METADATA, backend: "lxd" }), /backend: /],
    [JSON.stringify({ ...METADATA, slug: "../etc" }), /slug: /],
    [JSON.stringify({ ...METADATA, slug: "other-1" }), /belongs to "other-1"/],
  ];
  for (const [text, message] of cases) {
    await home.write(`state/${METADATA.slug}/metadata.json`, text);
    await assert.rejects(new BottleState(home.paths, METADATA.slug).read(), (err: unknown) => {
      assert.ok(err instanceof ConfigError, text);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("BottleState preserve marker comes and goes; remove() takes the queue dir too", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, METADATA.slug);
  await state.create(METADATA);
  await home.write(`queue/${METADATA.slug}/x.proposal.json`, "{}");
  assert.equal(await state.preserved(), false);
  await state.preserve();
  assert.equal(await state.preserved(), true);
  await state.unpreserve();
  await state.unpreserve();
  assert.equal(await state.preserved(), false);
  await state.remove();
  await state.remove();
  assert.equal(await state.exists(), false);
  assert.deepEqual(await home.tree(), ["queue", "state"]);
});

Deno.test("stateSlugs() lists slug-named dirs only, and nothing for a fresh home", async () => {
  await using home = await tempBotHome();
  assert.deepEqual(await stateSlugs(home.paths), []);
  await home.write("state/b-2/metadata.json", "{}");
  await home.write("state/a-1/metadata.json", "{}");
  await home.write("state/Not_A_Slug/x", "");
  await home.write("state/file-1", "");
  assert.deepEqual(await stateSlugs(home.paths), ["a-1", "b-2"]);
});

Deno.test("BottleState refuses a slug that is not one, so no path escapes the state dir", async () => {
  await using home = await tempBotHome();
  for (const slug of ["../x", "a/b", "", ".", "UPPER", "x"]) {
    assert.throws(() => new BottleState(home.paths, slug), UsageError, slug);
  }
});

Deno.test("recordedColor() reads the color BottleState recorded, and none for anything else", async () => {
  await using home = await tempBotHome();
  await new BottleState(home.paths, METADATA.slug).create(METADATA);
  await new BottleState(home.paths, "plain-1").create({
    ...METADATA,
    slug: "plain-1",
    color: undefined,
  });
  await home.write("state/odd-1/metadata.json", '{"color": "chartreuse"}');
  await home.write("state/torn-1/metadata.json", '{"color": "cy');
  await home.write("outside/metadata.json", '{"color": "red"}');
  assert.equal(await recordedColor(home.paths, METADATA.slug), "cyan");
  for (const slug of ["plain-1", "odd-1", "torn-1", "gone-1", "../outside", "state/../x"]) {
    assert.equal(await recordedColor(home.paths, slug), undefined, slug);
  }
});
