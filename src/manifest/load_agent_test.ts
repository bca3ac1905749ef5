import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, NotFoundError } from "../../core/errors/mod.ts";
import { listAgents, listBottles, loadAgent, loadBottle } from "./mod.ts";
import { manifestError, tempHome } from "./_testing.ts";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

Deno.test("loadAgent() resolves the agent, its bottle chain, identity and routes", async () => {
  await using t = await tempHome("basic");
  const agent = await loadAgent("gitea-helper", t.opts);
  const bottles = join(t.opts.home, "bottles");
  const agentPath = join(t.opts.home, "agents", "gitea-helper.md");
  assert.equal(agent.path, agentPath);
  assert.equal(agent.source, "home");
  assert.equal(agent.prompt, "You help maintain Gitea-hosted projects.\n\nBe careful.");
  assert.deepEqual(agent.skills, ["gitea", "code-review"]);
  assert.deepEqual(agent.gitUser, {
    name: { value: "Gitea Helper", from: agentPath },
    email: { value: "dev@example.com", from: join(bottles, "gitea-dev.md") },
  });
  const b = agent.bottle;
  assert.equal(b.name, "gitea-dev");
  assert.deepEqual(b.chain, [join(bottles, "claude.md"), join(bottles, "gitea-dev.md")]);
  assert.match(b.description, /^The `gitea-dev` bottle/);
  assert.deepEqual(b.env, {
    EDITOR: { kind: "literal", value: "vi" },
    LOG_LEVEL: { kind: "literal", value: "debug" },
    GITEA_URL: { kind: "host", name: "GITEA_URL" },
    DEPLOY_PASSWORD: { kind: "prompt" },
  });
  assert.deepEqual(b.agentProvider, {
    template: "claude",
    builtin: true,
    authToken: "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN",
    forwardHostCredentials: false,
  });
  assert.deepEqual(b.gitGate.user, {
    name: { value: "Bot Builder", from: join(bottles, "claude.md") },
    email: { value: "dev@example.com", from: join(bottles, "gitea-dev.md") },
  });
  assert.deepEqual(b.gitGate.repos, {
    app: {
      name: "app",
      url: "ssh://git@gitea.example.com:2222/acme/app.git",
      user: "git",
      host: "gitea.example.com",
      port: 2222,
      path: "acme/app.git",
      hostKey: HOST_KEY,
      key: { provider: "static", path: join(bottles, "keys", "app_ed25519") },
      extraHosts: { "gitea.example.com": "192.0.2.10" },
    },
  });
  assert.equal(b.egress.log, 1);
  assert.deepEqual(b.egress.routes.map((r) => [r.host, r.auth?.token_ref, r.outbound_on_match]), [
    ["api.anthropic.com", "BOT_BOTTLE_CLAUDE_OAUTH_TOKEN", "redact"],
    ["registry.npmjs.org", undefined, "supervise"],
    ["gitea.example.com", "BOT_BOTTLE_GITEA_TOKEN", "supervise"],
  ]);
  assert.deepEqual(b.egress.routes[2]?.dlp, {
    outbound_detectors: ["token_patterns", "known_secrets"],
    inbound_detectors: false,
  });
  assert.equal(b.supervise, false);
  assert.deepEqual(b.warnings, []);
  assert.deepEqual(agent.warnings, [
    `ignoring ${join(t.opts.cwd, ".bot-bottle", "bottles")}: bottles load only from ${bottles} ` +
    "(a repository may ship agents, never bottles)",
  ]);
});

Deno.test("loadAgent() prefers a repo-local agent over the home agent of the same name", async () => {
  await using t = await tempHome("basic");
  const agent = await loadAgent("reviewer", t.opts);
  assert.equal(agent.source, "repo");
  assert.equal(agent.path, join(t.opts.cwd, ".bot-bottle", "agents", "reviewer.md"));
  assert.equal(agent.prompt, "You review code (repo version).");
  assert.deepEqual(agent.skills, ["code-review"]);
  assert.equal(agent.bottle.supervise, true, "supervise defaults to true");
  assert.equal(
    agent.warnings[1],
    `agent "reviewer" comes from ${agent.path}, in place of ${
      join(t.opts.home, "agents", "reviewer.md")
    }`,
  );
});

Deno.test("listAgents() lists home and repo agents and warns about a repo bottles folder", async () => {
  await using t = await tempHome("basic");
  const { agents, warnings } = await listAgents(t.opts);
  assert.deepEqual(agents.map((a) => [a.name, a.source]), [
    ["gitea-helper", "home"],
    ["reviewer", "repo"],
  ]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /^ignoring .*\/repo\/\.bot-bottle\/bottles: bottles load only/);
  const { bottles } = await listBottles(t.opts);
  assert.deepEqual(bottles, ["claude", "gitea-dev"], "the repo's evil bottle is not listed");
});

Deno.test("loadBottle() never loads a bottle from the repository", async () => {
  await using t = await tempHome("basic");
  await assert.rejects(loadBottle("evil", t.opts), (err: Error) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(
      err.message,
      `Cannot load bottle "evil": no such bottle in ${
        join(t.opts.home, "bottles")
      } (available: claude, gitea-dev)`,
    );
    return true;
  });
});

Deno.test("loadAgent() reports an unknown agent with the available names", async () => {
  await using t = await tempHome("basic");
  await assert.rejects(loadAgent("nope", t.opts), (err: Error) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(
      err.message,
      'Cannot load agent "nope": no such agent (available: gitea-helper, reviewer)',
    );
    return true;
  });
  await using empty = await tempHome();
  await assert.rejects(
    loadAgent("x", empty.opts),
    /Cannot load agent "x": no such agent \(available: none\)/,
  );
});

Deno.test("loadAgent() reports a missing bottle at the agent's bottle value", async () => {
  await using t = await tempHome("basic");
  await t.agent("lost", "skills: []\nbottle: gone\n");
  const err = await manifestError(loadAgent("lost", t.opts));
  assert.equal(err.file, join(t.opts.home, "agents", "lost.md"));
  assert.deepEqual([err.line, err.column], [3, 9]);
  assert.equal(
    err.detail,
    `Cannot load agent "lost": bottle "gone" does not exist in ${
      join(t.opts.home, "bottles")
    } (available: claude, gitea-dev)`,
  );
});

Deno.test("a broken file blocks neither listAgents() nor loading another agent", async () => {
  await using t = await tempHome("basic");
  await t.agent("broken", "bottle: [unclosed\n");
  await t.bottle("broken-bottle", "env: {A: 1\n");
  await t.agent("uses-broken", "bottle: broken-bottle\n");
  const { agents } = await listAgents(t.opts);
  assert.deepEqual(agents.map((a) => a.name), [
    "broken",
    "gitea-helper",
    "reviewer",
    "uses-broken",
  ]);
  assert.deepEqual((await listBottles(t.opts)).bottles, ["broken-bottle", "claude", "gitea-dev"]);
  assert.equal((await loadAgent("gitea-helper", t.opts)).name, "gitea-helper");
  const err = await manifestError(loadAgent("broken", t.opts));
  assert.match(err.detail, /^Cannot load agent "broken": invalid YAML/);
  const viaBottle = await manifestError(loadAgent("uses-broken", t.opts));
  assert.equal(viaBottle.file, join(t.opts.home, "bottles", "broken-bottle.md"));
  assert.match(viaBottle.detail, /^Cannot load bottle "broken-bottle": invalid YAML/);
});

Deno.test("listAgents() and listBottles() skip invalid file names with a warning", async () => {
  await using t = await tempHome();
  await t.agent("good", "bottle: b\n");
  await t.agent("Bad_Name", "bottle: b\n");
  await t.agent("9lives", "bottle: b\n");
  await t.write("home/agents/notes.txt", "not a manifest");
  await t.write("repo/.bot-bottle/agents/also bad.md", "---\nbottle: b\n---\n");
  await t.bottle("Upper", "");
  await t.bottle("ok", "");
  const agents = await listAgents(t.opts);
  assert.deepEqual(agents.agents.map((a) => a.name), ["good"]);
  assert.deepEqual(agents.warnings, [
    `skipping ${join(t.opts.home, "agents", "9lives.md")}: manifest file names must match ` +
    "[a-z][a-z0-9-]*.md",
    `skipping ${join(t.opts.home, "agents", "Bad_Name.md")}: manifest file names must match ` +
    "[a-z][a-z0-9-]*.md",
    `skipping ${join(t.opts.cwd, ".bot-bottle", "agents", "also bad.md")}: manifest file names ` +
    "must match [a-z][a-z0-9-]*.md",
  ]);
  const bottles = await listBottles(t.opts);
  assert.deepEqual(bottles.bottles, ["ok"]);
  assert.equal(bottles.warnings.length, 1);
  assert.match(bottles.warnings[0] ?? "", /Upper\.md: manifest file names must match/);
  await assert.rejects(loadAgent("Bad_Name", t.opts), NotFoundError);
});

Deno.test("listAgents() copes with missing folders and a cwd that is the home's parent", async () => {
  await using t = await tempHome();
  await Deno.remove(join(t.opts.home, "agents"));
  assert.deepEqual(await listAgents(t.opts), { agents: [], warnings: [] });
  await t.write("home/bottles/b.md", "---\n---\n");
  await t.write("home/agents/a.md", "---\nbottle: b\n---\n");
  // Running from the user's $HOME: <cwd>/.bot-bottle is the home, not a repository.
  const home = join(t.root, "user");
  await Deno.mkdir(home);
  await Deno.symlink(t.opts.home, join(home, ".bot-bottle"));
  const fromHome = await listAgents({ home: join(home, ".bot-bottle"), cwd: home });
  assert.deepEqual(fromHome.agents.map((a) => [a.name, a.source]), [["a", "home"]]);
  assert.deepEqual(fromHome.warnings, []);
});

Deno.test("loadAgent() expands ~/ in key and Dockerfile paths when given the user's home", async () => {
  await using t = await tempHome();
  await t.bottle(
    "b",
    "agent_provider: {template: shell, dockerfile: ~/docker/Dockerfile}\n" +
      "git-gate:\n  repos:\n    r:\n      url: ssh://git@h.example/r.git\n" +
      `      host_key: ${HOST_KEY}\n      key: {provider: static, path: ~/.ssh/id_ed25519}\n`,
  );
  await t.agent("a", "bottle: b\n");
  const expanded = await loadAgent("a", { ...t.opts, userHome: "/home/u" });
  assert.equal(expanded.bottle.agentProvider.dockerfile, "/home/u/docker/Dockerfile");
  assert.equal(expanded.bottle.gitGate.repos.r?.key.path, "/home/u/.ssh/id_ed25519");
  const kept = await loadBottle("b", t.opts);
  assert.equal(kept.agentProvider.dockerfile, "~/docker/Dockerfile");
  assert.equal(kept.gitGate.repos.r?.key.path, "~/.ssh/id_ed25519");
});

Deno.test("loadAgent() reports an unreadable agent file as a ConfigError", async () => {
  await using t = await tempHome();
  const path = join(t.opts.home, "agents", "dangling.md");
  await Deno.symlink(join(t.root, "nowhere.md"), path);
  assert.deepEqual((await listAgents(t.opts)).agents.map((a) => a.name), ["dangling"]);
  await assert.rejects(loadAgent("dangling", t.opts), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(err.message.startsWith(`Cannot load agent "dangling": cannot read ${path}: `));
    return true;
  });
});
