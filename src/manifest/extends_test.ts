import assert from "node:assert/strict";
import { join } from "node:path";
import { loadBottle } from "./mod.ts";
import { manifestError, tempHome } from "./_testing.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
const SHELL = "agent_provider: {template: shell}\n";

function literal(value: string) {
  return { kind: "literal", value };
}

Deno.test("loadBottle() folds a list of parents left to right, then the child", async () => {
  await using t = await tempHome();
  const a = await t.bottle("a", `${SHELL}env: {A: a, X: a, Y: a}\n`);
  const b = await t.bottle("b", "env: {B: b, X: b}\n");
  const child = await t.bottle("child", "extends: [a, b]\nenv: {Y: child}\n");
  const resolved = await loadBottle("child", t.opts);
  assert.deepEqual(resolved.chain, [a, b, child]);
  assert.deepEqual(resolved.env, {
    A: literal("a"),
    X: literal("b"),
    Y: literal("child"),
    B: literal("b"),
  });
});

Deno.test("loadBottle() resolves a diamond once, keeping each side's overrides", async () => {
  await using t = await tempHome();
  const base = await t.bottle(
    "base",
    `${SHELL}env: {X: base, Y: base}\negress:\n  routes:\n    - host: base.example\n`,
  );
  const left = await t.bottle("left", "extends: base\nenv: {X: left}\n");
  const right = await t.bottle(
    "right",
    "extends: base\nenv: {Y: right}\negress:\n  routes:\n    - host: right.example\n",
  );
  const child = await t.bottle("child", "extends: [left, right]\n");
  const resolved = await loadBottle("child", t.opts);
  assert.deepEqual(resolved.chain, [base, left, right, child]);
  assert.deepEqual(resolved.env, { X: literal("left"), Y: literal("right") });
  assert.deepEqual(resolved.egress.routes.map((r) => r.host), ["base.example", "right.example"]);
});

const ERRORS: [string, Record<string, string>, string, string, number, number, string][] = [
  [
    "self-extension",
    { a: "extends: a\n" },
    "a",
    "a",
    2,
    10,
    'extends itself; remove "a" from extends',
  ],
  [
    "a two-bottle cycle",
    { a: "extends: b\n", b: "extends: a\n" },
    "a",
    "b",
    2,
    10,
    "extends cycle: a -> b -> a",
  ],
  [
    "a three-bottle cycle inside a list",
    { a: "extends: b\n", b: "extends: [x, c]\n", c: "extends: a\n", x: "" },
    "a",
    "c",
    2,
    10,
    "extends cycle: a -> b -> c -> a",
  ],
  [
    "a missing parent",
    { a: "extends: [b, nope]\n", b: "", c: "" },
    "a",
    "a",
    2,
    14,
    'extends "nope", which does not exist (available bottles: b, c)',
  ],
  [
    "a parent listed twice",
    { a: "extends: [b, b]\n", b: "" },
    "a",
    "a",
    2,
    14,
    'extends lists "b" twice',
  ],
];

for (const [name, files, load, culprit, line, column, detail] of ERRORS) {
  Deno.test(`loadBottle() rejects ${name}`, async () => {
    await using t = await tempHome();
    for (const [bottle, fm] of Object.entries(files)) await t.bottle(bottle, fm);
    const err = await manifestError(loadBottle(load, t.opts));
    assert.equal(err.file, join(t.opts.home, "bottles", `${culprit}.md`));
    assert.deepEqual([err.line, err.column], [line, column]);
    assert.equal(err.detail, `Cannot load bottle "${culprit}": ${detail}`);
  });
}

Deno.test("loadBottle() defaults supervise to true and lets an explicit value travel", async () => {
  await using t = await tempHome();
  await t.bottle("loud", SHELL);
  await t.bottle("quiet", `${SHELL}supervise: false\n`);
  await t.bottle("inherits-quiet", "extends: quiet\n");
  await t.bottle("turns-on", "extends: quiet\nsupervise: true\n");
  await t.bottle("inherits-default", "extends: loud\n");
  await t.bottle("last-parent-wins", "extends: [quiet, loud]\n");
  const supervise = async (name: string) => (await loadBottle(name, t.opts)).supervise;
  assert.equal(await supervise("loud"), true);
  assert.equal(await supervise("quiet"), false);
  assert.equal(await supervise("inherits-quiet"), false);
  assert.equal(await supervise("turns-on"), true);
  assert.equal(await supervise("inherits-default"), true);
  assert.equal(await supervise("last-parent-wins"), false, "loud declares nothing: quiet stays");
});

Deno.test("loadBottle() refuses a bottle named like a YAML 1.1 boolean unless quoted", async () => {
  await using t = await tempHome();
  await t.bottle("off", SHELL);
  await t.bottle("bare", "extends: off\n");
  await t.bottle("quoted", 'extends: "off"\n');
  const err = await manifestError(loadBottle("bare", t.opts));
  assert.match(err.detail, /ambiguous value off/);
  assert.deepEqual([err.line, err.column], [2, 10]);
  assert.equal((await loadBottle("quoted", t.opts)).chain.length, 2);
});

Deno.test("loadBottle() takes egress.log and agent_provider (as a whole) from the last file", async () => {
  await using t = await tempHome();
  await t.bottle(
    "base",
    "agent_provider: {template: codex, forward_host_credentials: true}\negress: {log: 2}\n",
  );
  await t.bottle("keeps", "extends: base\n");
  await t.bottle(
    "replaces",
    "extends: base\nagent_provider: {dockerfile: ./Dockerfile}\negress: {log: 0}\n",
  );
  const keeps = await loadBottle("keeps", t.opts);
  assert.equal(keeps.egress.log, 2);
  assert.deepEqual(keeps.agentProvider, {
    template: "codex",
    builtin: true,
    forwardHostCredentials: true,
  });
  assert.deepEqual(keeps.egress.routes.map((r) => r.host), ["api.openai.com", "chatgpt.com"]);
  const replaces = await loadBottle("replaces", t.opts);
  assert.equal(replaces.egress.log, 0);
  assert.deepEqual(replaces.agentProvider, {
    template: "claude",
    builtin: true,
    forwardHostCredentials: false,
    dockerfile: join(t.opts.home, "bottles", "Dockerfile"),
  });
});

Deno.test("loadBottle() overlays git-gate.user per field and records which file set it", async () => {
  await using t = await tempHome();
  const base = await t.bottle("base", `${SHELL}git-gate:\n  user: {name: Base, email: b@x.io}\n`);
  const child = await t.bottle("child", "extends: base\ngit-gate:\n  user: {email: c@x.io}\n");
  const resolved = await loadBottle("child", t.opts);
  assert.deepEqual(resolved.gitGate.user, {
    name: { value: "Base", from: base },
    email: { value: "c@x.io", from: child },
  });
});

Deno.test("loadBottle() merges repos by name per field and checks them after the merge", async () => {
  await using t = await tempHome();
  await t.bottle(
    "base",
    `${SHELL}git-gate:\n  repos:\n    app:\n      url: ssh://git@h.example/app.git\n` +
      `      host_key: ${KEY}\n      key: {provider: static, path: base.key}\n`,
  );
  await t.write("home/bottles/sub/x", "");
  await t.bottle(
    "child",
    "extends: base\ngit-gate:\n  repos:\n    app:\n      key: {provider: static, path: sub/child.key}\n",
  );
  const app = (await loadBottle("child", t.opts)).gitGate.repos.app;
  assert.equal(app?.url, "ssh://git@h.example/app.git");
  assert.equal(app?.key.path, join(t.opts.home, "bottles", "sub", "child.key"));
  await t.bottle(
    "incomplete",
    "extends: base\ngit-gate:\n  repos:\n    other:\n      url: ssh://git@h.example/o.git\n",
  );
  const err = await manifestError(loadBottle("incomplete", t.opts));
  assert.equal(err.file, join(t.opts.home, "bottles", "incomplete.md"));
  assert.deepEqual([err.line, err.column], [5, 5]);
  assert.match(err.detail, /git-gate\.repos\.other is missing host_key/);
});

Deno.test("loadBottle() concatenates routes and rejects a host routed by two files", async () => {
  await using t = await tempHome();
  const base = await t.bottle("base", `${SHELL}egress:\n  routes:\n    - host: a.example\n`);
  await t.bottle("child", "extends: base\negress:\n  routes:\n    - host: b.example\n");
  const routes = (await loadBottle("child", t.opts)).egress.routes;
  assert.deepEqual(routes.map((r) => r.host), ["a.example", "b.example"]);
  await t.bottle("clash", "extends: base\negress:\n  routes:\n    - host: A.example\n");
  const err = await manifestError(loadBottle("clash", t.opts));
  assert.equal(err.file, join(t.opts.home, "bottles", "clash.md"));
  assert.deepEqual([err.line, err.column], [5, 13]);
  assert.equal(
    err.detail,
    `Cannot load bottle "clash": egress.routes[0].host repeats "a.example", already routed at ` +
      `${base}:5:13; each host may have one route: merge the two`,
  );
});

Deno.test("loadBottle() warns when a claude or codex bottle has no credential", async () => {
  await using t = await tempHome();
  await t.bottle("bare", "agent_provider: {template: claude}\n");
  await t.bottle("login", "agent_provider: {template: codex, forward_host_credentials: true}\n");
  await t.bottle("keyed", "agent_provider: {template: codex, auth_token: OPENAI_KEY}\n");
  const bare = await loadBottle("bare", t.opts);
  assert.deepEqual(bare.warnings, [
    'bottle "bare": the claude provider has no credential, so the agent will ask to log in, ' +
    "which its bottle cannot do; set agent_provider.auth_token",
  ]);
  assert.deepEqual((await loadBottle("login", t.opts)).warnings, []);
  assert.deepEqual((await loadBottle("keyed", t.opts)).warnings, []);
});

Deno.test("loadBottle() lets a provider route win over a manifest route, with a warning", async () => {
  await using t = await tempHome();
  const base = await t.bottle(
    "base",
    "agent_provider: {template: claude, auth_token: CLAUDE_TOKEN}\n" +
      "egress:\n  routes:\n    - host: pypi.org\n    - host: API.anthropic.com\n      auth: " +
      "{scheme: Bearer, token_ref: MINE}\n",
  );
  await t.bottle("child", "extends: base\n");
  const child = await loadBottle("child", t.opts);
  assert.deepEqual(child.egress.routes, [
    {
      host: "api.anthropic.com",
      auth: { scheme: "Bearer", token_ref: "CLAUDE_TOKEN" },
      outbound_on_match: "redact",
      inbound_on_secret: "redact",
      allow_private: false,
    },
    {
      host: "pypi.org",
      outbound_on_match: "supervise",
      inbound_on_secret: "redact",
      allow_private: false,
    },
  ]);
  assert.deepEqual(child.warnings, [
    `bottle "child": dropped the route for "api.anthropic.com" at ${base}:6:13: the claude ` +
    "provider owns that host",
  ]);
});
