import assert from "node:assert/strict";
import { join } from "node:path";
import { ManifestError, NotFoundError } from "../../core/errors/mod.ts";
import {
  BUILTIN_DESCRIPTIONS,
  BUILTIN_TEMPLATES,
  builtinProvider,
  dockerfileProblem,
  findProvider,
  listProviders,
  loadContribProvider,
} from "./mod.ts";

const IMAGES = new URL("../../images/", import.meta.url);
const CONTRIB = new URL("../../contrib/", import.meta.url);

async function tempContrib(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "bb-contrib-" });
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

async function plugin(dir: string, name: string, yaml: string, dockerfile: string) {
  await Deno.mkdir(join(dir, name), { recursive: true });
  await Deno.writeTextFile(join(dir, name, "provider.yaml"), yaml);
  await Deno.writeTextFile(join(dir, name, "Dockerfile"), dockerfile);
}

const GOOD_DOCKERFILE = "ARG BASE_IMAGE=debian\nFROM ${BASE_IMAGE}\nUSER agent\n";
const GOOD_YAML = "description: d\nuser: agent\nworkdir: /home/agent/workspace\ncommand: [x]\n";

Deno.test("every shipped provider folder passes the plugin checks (built-ins and contrib/pi)", async () => {
  for (const name of ["claude", "codex", "shell"]) {
    const provider = builtinProvider(name);
    assert.equal(provider.dockerfile, new URL(`${name}/Dockerfile`, IMAGES).href);
    const text = await Deno.readTextFile(new URL(`${name}/Dockerfile`, IMAGES));
    assert.equal(dockerfileProblem(text), undefined, name);
  }
  const pi = await loadContribProvider(new URL(".", CONTRIB).pathname, "pi");
  assert.equal(pi.origin, "contrib");
  assert.equal(pi.spec.credential?.placeholder_env, "ANTHROPIC_API_KEY");
});

Deno.test("the built-ins' descriptions `list` prints are those of their provider.yaml", () => {
  for (const name of BUILTIN_TEMPLATES) {
    assert.equal(BUILTIN_DESCRIPTIONS[name], builtinProvider(name).spec.description, name);
  }
});

Deno.test("dockerfileProblem() wants BASE_IMAGE as the first FROM and a final USER agent", () => {
  const cases: [string, number | undefined, RegExp | undefined][] = [
    [GOOD_DOCKERFILE, undefined, undefined],
    [
      "# c\nARG BASE_IMAGE\nFROM $BASE_IMAGE AS a\nFROM ${BASE_IMAGE}\nUSER agent:agent\n",
      undefined,
      undefined,
    ],
    ["", 1, /empty/],
    ["ARG X\n", 1, /no FROM/],
    ["FROM debian\nUSER agent\n", 1, /ARG BASE_IMAGE before its first FROM/],
    ["FROM debian\nARG BASE_IMAGE\nUSER agent\n", 1, /ARG BASE_IMAGE before/],
    ["ARG BASE_IMAGE\nFROM debian\nUSER agent\n", 2, /first FROM must be \$\{BASE_IMAGE\}/],
    ["ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n", 2, /USER agent/],
    ["ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nUSER agent\nUSER root\n", 4, /USER agent/],
    ["ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nUSER agent\nFROM ${BASE_IMAGE}\n", 4, /USER agent/],
    ["ARG BASE_IMAGE\nRUN a \\\n  b\nFROM \\\n  ${BASE_IMAGE}\nUSER agent\n", undefined, undefined],
  ];
  for (const [text, line, message] of cases) {
    const problem = dockerfileProblem(text);
    assert.equal(problem?.line, line, text);
    if (message) assert.match(problem?.message ?? "", message, text);
  }
});

Deno.test("listProviders() lists built-ins then plugins; a broken one carries its positioned error", async () => {
  await using c = await tempContrib();
  await plugin(c.dir, "good", GOOD_YAML, GOOD_DOCKERFILE);
  await plugin(c.dir, "bad-yaml", "description: d\nusr: agent\n", GOOD_DOCKERFILE);
  await plugin(c.dir, "bad-docker", GOOD_YAML, "FROM debian\nUSER agent\n");
  await plugin(c.dir, "claude", GOOD_YAML, GOOD_DOCKERFILE);
  await Deno.mkdir(join(c.dir, "no-files"));
  await Deno.mkdir(join(c.dir, "Not_A_Name"));
  const entries = await listProviders(c.dir);
  assert.deepEqual(entries.map((e) => [e.name, e.origin, e.error?.line]), [
    ["claude", "builtin", undefined],
    ["codex", "builtin", undefined],
    ["shell", "builtin", undefined],
    ["bad-docker", "contrib", 1],
    ["bad-yaml", "contrib", 2],
    ["claude", "contrib", 1],
    ["good", "contrib", undefined],
    ["no-files", "contrib", 1],
  ]);
  const byName = (n: string) => entries.find((e) => e.name === n && e.origin === "contrib");
  assert.match(
    byName("bad-yaml")?.error?.message ?? "",
    /unknown key "usr" \(did you mean "user"\?\)/,
  );
  assert.match(byName("bad-docker")?.error?.file ?? "", /bad-docker\/Dockerfile$/);
  assert.match(byName("claude")?.error?.message ?? "", /cannot take a built-in provider's name/);
  assert.match(byName("no-files")?.error?.message ?? "", /provider\.yaml is missing/);
});

Deno.test("findProvider() finds built-ins and plugins, with a did-you-mean for typos", async () => {
  await using c = await tempContrib();
  await plugin(c.dir, "good", GOOD_YAML, GOOD_DOCKERFILE);
  assert.equal((await findProvider("claude", c.dir)).origin, "builtin");
  const good = await findProvider("good", c.dir);
  assert.equal(good.folder, join(c.dir, "good"));
  assert.equal(good.dockerfile, `file://${join(c.dir, "good", "Dockerfile")}`);
  await assert.rejects(findProvider("goo", c.dir), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.match(err.message, /did you mean "good"/);
    return true;
  });
  await plugin(c.dir, "broken", "command: 1\n", GOOD_DOCKERFILE);
  await assert.rejects(findProvider("broken", c.dir), ManifestError);
  assert.deepEqual((await listProviders(join(c.dir, "missing"))).length, 3);
});
