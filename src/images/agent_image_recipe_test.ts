import assert from "node:assert/strict";
import { join } from "node:path";
import { toFileUrl } from "../../tests/images/_testing.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { agentImageRecipe } from "./agent_image_recipe.ts";
import type { ImageRecipe } from "../../backends/mod.ts";

const SHELL_DOCKERFILE = new URL("../../images/shell/Dockerfile", import.meta.url).href;

function shell(dockerfile = SHELL_DOCKERFILE) {
  return { kind: "provider", template: "shell", dockerfile } as const;
}

function built(recipe: ImageRecipe) {
  assert.ok(recipe.needsBuild, "the recipe builds an image");
  return recipe;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-images-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("agentImageRecipe() builds a provider's Dockerfile with the agent setup, tagged by its content", async () => {
  const recipe = built(await agentImageRecipe(shell()));
  assert.match(recipe.tag, /^bot-bottle\/agent-shell:[0-9a-f]{16}$/);
  assert.equal(recipe.role, "agent");
  assert.deepEqual(recipe.buildArgs, {});
  assert.equal(recipe.context.kind, "files");
  if (recipe.context.kind !== "files") return;
  assert.deepEqual([...recipe.context.files.keys()], [
    "Dockerfile",
    "agent-setup.sh",
    "build-ca.pem",
  ]);
  assert.equal(recipe.context.files.get("build-ca.pem")?.length, 0, "no build CA unless set");
  assert.match(
    new TextDecoder().decode(recipe.context.files.get("agent-setup.sh")),
    /useradd --uid 1000/,
  );
  const text = new TextDecoder().decode(recipe.context.files.get("Dockerfile"));
  assert.match(text, /ARG BASE_IMAGE=debian:bookworm-slim/);
  assert.equal((await agentImageRecipe(shell())).tag, recipe.tag, "same inputs, same tag");
});

Deno.test("agentImageRecipe() changes the tag when the base image or the Dockerfile changes", async () => {
  const plain = (await agentImageRecipe(shell())).tag;
  const based = built(
    await agentImageRecipe(shell(), { baseImage: "bot-bottle-test/debian:bookworm" }),
  );
  assert.deepEqual(based.buildArgs, { BASE_IMAGE: "bot-bottle-test/debian:bookworm" });
  assert.notEqual(based.tag, plain);
  const other = await agentImageRecipe(shell(), { baseImage: "bot-bottle-test/debian:other" });
  assert.notEqual(other.tag, based.tag);
  await withDir(async (dir) => {
    const file = join(dir, "Dockerfile");
    const original = await Deno.readTextFile(new URL(SHELL_DOCKERFILE));
    await Deno.writeTextFile(file, original);
    assert.equal((await agentImageRecipe(shell(toFileUrl(file)))).tag, plain);
    await Deno.writeTextFile(file, `${original}RUN true\n`);
    assert.notEqual((await agentImageRecipe(shell(toFileUrl(file)))).tag, plain);
  });
});

Deno.test("agentImageRecipe() refuses a provider Dockerfile that is missing or empty, or a bad name", async () => {
  await withDir(async (dir) => {
    const missing = toFileUrl(join(dir, "nope"));
    await assert.rejects(agentImageRecipe(shell(missing)), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /the Dockerfile of provider "shell" .* cannot be read/);
      return true;
    });
    await Deno.writeTextFile(join(dir, "Dockerfile"), "\n  \n");
    await assert.rejects(
      agentImageRecipe(shell(toFileUrl(join(dir, "Dockerfile")))),
      (err) => err instanceof ConfigError && /is empty$/.test(err.message),
    );
  });
  await assert.rejects(
    agentImageRecipe({ kind: "provider", template: "Bad/Name", dockerfile: SHELL_DOCKERFILE }),
    (err) => err instanceof ConfigError && /provider name "Bad\/Name"/.test(err.message),
  );
});

Deno.test("agentImageRecipe() uses a bottle Dockerfile's folder as the context", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "agent.Dockerfile");
    await Deno.writeTextFile(file, "FROM scratch\nCOPY conf/ /conf/\n");
    await Deno.mkdir(join(dir, "conf"));
    await Deno.writeTextFile(join(dir, "conf", "a.txt"), "one");
    const recipe = built(await agentImageRecipe({ kind: "dockerfile", path: file }));
    assert.match(recipe.tag, /^bot-bottle\/agent-custom:[0-9a-f]{16}$/);
    assert.deepEqual(recipe.context, { kind: "dir", dir, dockerfile: "agent.Dockerfile" });
    const tag = () => agentImageRecipe({ kind: "dockerfile", path: file }).then((r) => r.tag);

    await Deno.utime(join(dir, "conf", "a.txt"), 1, 1);
    assert.equal(await tag(), recipe.tag, "a new mtime alone keeps the tag");
    await Deno.writeTextFile(join(dir, "conf", "a.txt"), "two");
    const changed = await tag();
    assert.notEqual(changed, recipe.tag, "a changed context file changes the tag");
    await Deno.writeTextFile(join(dir, "conf", "b.txt"), "");
    const added = await tag();
    assert.notEqual(added, changed, "an added context file changes the tag");
    await Deno.chmod(join(dir, "conf", "b.txt"), 0o755);
    assert.notEqual(await tag(), added, "an execute bit changes the tag");
  });
});

Deno.test("agentImageRecipe() records a symlink in the context without following it", async () => {
  await withDir(async (dir) => {
    const context = join(dir, "ctx");
    await Deno.mkdir(context);
    await Deno.writeTextFile(join(context, "Dockerfile"), "FROM scratch\n");
    await Deno.writeTextFile(join(dir, "outside.txt"), "secret one");
    await Deno.symlink(join(dir, "outside.txt"), join(context, "link"));
    const tag = () =>
      agentImageRecipe({ kind: "dockerfile", path: join(context, "Dockerfile") }).then((r) =>
        r.tag
      );
    const first = await tag();
    await Deno.writeTextFile(join(dir, "outside.txt"), "secret two");
    assert.equal(await tag(), first, "the target's contents are not read");
    await Deno.remove(join(context, "link"));
    await Deno.symlink(join(dir, "elsewhere.txt"), join(context, "link"));
    assert.notEqual(await tag(), first, "a new link target changes the tag");
  });
});

Deno.test("agentImageRecipe() refuses a bottle Dockerfile that is missing, empty or a folder", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "Dockerfile");
    await assert.rejects(agentImageRecipe({ kind: "dockerfile", path: file }), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        `Cannot build the agent image: Dockerfile "${file}" does not exist`,
      );
      return true;
    });
    await Deno.writeTextFile(file, "");
    await assert.rejects(
      agentImageRecipe({ kind: "dockerfile", path: file }),
      (err) => err instanceof ConfigError && err.message.includes(`Dockerfile "${file}" is empty`),
    );
    await assert.rejects(
      agentImageRecipe({ kind: "dockerfile", path: dir }),
      (err) => err instanceof ConfigError && err.message.includes(`"${dir}" cannot be read`),
    );
  });
});

Deno.test("agentImageRecipe() boots a committed image as is", async () => {
  const recipe = await agentImageRecipe(
    { kind: "committed", ref: "bot-bottle/committed:dev-1a2b3c" },
    { baseImage: "ignored:latest" },
  );
  assert.deepEqual(recipe, {
    needsBuild: false,
    tag: "bot-bottle/committed:dev-1a2b3c",
    role: "agent",
  });
});

Deno.test("agentImageRecipe() gives the build CA to the build, changing the tag, and checks it", async () => {
  await withDir(async (dir) => {
    const pem = join(dir, "ca.pem");
    await Deno.writeTextFile(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const plain = built(await agentImageRecipe(shell()));
    const trusting = built(await agentImageRecipe(shell(), { buildCaFile: pem }));
    assert.notEqual(trusting.tag, plain.tag);
    if (trusting.context.kind !== "files") throw new Error("a files context");
    assert.match(
      new TextDecoder().decode(trusting.context.files.get("build-ca.pem")),
      /BEGIN CERTIFICATE/,
    );
    await assert.rejects(
      agentImageRecipe(shell(), { buildCaFile: join(dir, "gone.pem") }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /BOT_BOTTLE_BUILD_CA_FILE .*gone\.pem.* cannot be read/.test(err.message),
    );
    await Deno.writeTextFile(join(dir, "junk.pem"), "not a certificate\n");
    await assert.rejects(
      agentImageRecipe(shell(), { buildCaFile: join(dir, "junk.pem") }),
      (err: unknown) => err instanceof ConfigError && /holds no PEM certificate/.test(err.message),
    );
  });
});

Deno.test("the claude and codex images pin their CLI, trust the build CA only while installing, run as agent", async () => {
  for (
    const [template, pin] of [["claude", /@anthropic-ai\/claude-code@\$\{CLAUDE_CODE_VERSION\}/], [
      "codex",
      /@openai\/codex@\$\{CODEX_VERSION\}/,
    ]] as const
  ) {
    const text = await Deno.readTextFile(
      new URL(`../../images/${template}/Dockerfile`, import.meta.url),
    );
    assert.match(text, pin);
    assert.match(text, /^ARG (CLAUDE_CODE|CODEX)_VERSION=\d+\.\d+\.\d+$/m, "a pinned version");
    const stages = text.split(/^FROM /m);
    assert.equal(stages.length, 3, `${template}: an install stage and a final stage`);
    assert.match(stages[1]!, /build-ca\.pem/);
    assert.doesNotMatch(stages[2]!, /build-ca/, `${template}: the final image never sees the CA`);
    assert.match(stages[2]!, /^USER agent$/m);
    assert.match(stages[2]!, /agent-setup\.sh/);
  }
});
