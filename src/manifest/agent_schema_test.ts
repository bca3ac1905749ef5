import assert from "node:assert/strict";
import { loadAgent } from "./mod.ts";
import { manifestError, tempHome } from "./_testing.ts";

const BOTTLE_ONLY = (key: string) =>
  `"${key}" belongs in a bottle, not an agent: agents cannot declare env, repos, routes or ` +
  "credentials (a repository may ship agents, never bottles)";

// [case, frontmatter, line, column, message after 'Cannot load agent "a": ']
const INVALID: [string, string, number, number, string][] = [
  ["env", "bottle: b\nenv: {A: x}\n", 3, 1, BOTTLE_ONLY("env")],
  ["egress", "bottle: b\negress: {}\n", 3, 1, BOTTLE_ONLY("egress")],
  ["routes", "routes: []\nbottle: b\n", 2, 1, BOTTLE_ONLY("routes")],
  ["repos", "bottle: b\nrepos: {}\n", 3, 1, BOTTLE_ONLY("repos")],
  ["credentials", "bottle: b\ncredentials: x\n", 3, 1, BOTTLE_ONLY("credentials")],
  ["agent_provider", "bottle: b\nagent_provider: {}\n", 3, 1, BOTTLE_ONLY("agent_provider")],
  [
    "git-gate.repos",
    "bottle: b\ngit-gate:\n  repos: {}\n",
    4,
    3,
    '"git-gate.repos" belongs in a bottle: an agent may only set git-gate.user (name, email)',
  ],
  ["no bottle", "skills: []\n", 2, 1, 'missing required key "bottle"'],
  ["an empty frontmatter", "", 2, 1, 'missing required key "bottle"'],
  [
    "a bottle that is not a name",
    "bottle: ../bottles/x\n",
    2,
    9,
    "bottle must be a bottle name: lower-case letters, digits and -, starting with a letter",
  ],
  [
    "a path-like skill",
    "bottle: b\nskills: [ok, ../etc]\n",
    3,
    14,
    "skills[1] must be a skill directory name: letters, digits, ., _ and -, starting with a " +
    "letter, digit or _",
  ],
  [
    "an option-like skill",
    "bottle: b\nskills: [-rf]\n",
    3,
    10,
    "skills[0] must be a skill directory name: letters, digits, ., _ and -, starting with a " +
    "letter, digit or _",
  ],
  ["a skill listed twice", "bottle: b\nskills: [a, b, a]\n", 3, 16, "skills[2] is listed twice"],
  [
    "tools (not a passthrough field)",
    "bottle: b\ntools: [Read]\n",
    3,
    1,
    'unknown key "tools" (allowed: bottle, skills, git-gate, name, description, model, color, ' +
    "memory)",
  ],
  [
    "a bad identity email",
    "bottle: b\ngit-gate:\n  user: {email: 'a b@x.io'}\n",
    4,
    17,
    "git-gate.user.email must be a plain address like dev@example.com",
  ],
];

for (const [name, frontmatter, line, column, message] of INVALID) {
  Deno.test(`loadAgent() rejects ${name} at ${line}:${column}`, async () => {
    await using t = await tempHome();
    await t.bottle("b", "");
    const path = await t.agent("a", frontmatter);
    const err = await manifestError(loadAgent("a", t.opts));
    assert.equal(err.detail, `Cannot load agent "a": ${message}`);
    assert.deepEqual([err.file, err.line, err.column], [path, line, column]);
  });
}

Deno.test("loadAgent() accepts and ignores the Claude Code subagent fields", async () => {
  await using t = await tempHome();
  await t.bottle("b", "");
  await t.agent(
    "a",
    "name: something-else\ndescription: Reviews code\nmodel: opus\ncolor: red\n" +
      "memory: {scope: project}\nbottle: b\n",
    "Prompt.",
  );
  const agent = await loadAgent("a", t.opts);
  assert.equal(agent.name, "a", "the file name is the key, not the name field");
  assert.equal(agent.prompt, "Prompt.");
  assert.deepEqual(agent.skills, []);
  assert.deepEqual(agent.gitUser, {});
});
