import assert from "node:assert/strict";
import { join } from "node:path";
import { loadBottle } from "./mod.ts";
import { manifestError, tempHome, undescribedFields } from "./_testing.ts";
import { BottleLayerSchema } from "./_bottle_schema.ts";
import { AgentSchema } from "./_agent_schema.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

// [case, frontmatter, line, column, message after 'Cannot load bottle "dev": ']
// Lines count from the file's first line, the opening ---.
const INVALID: [string, string, number, number, string][] = [
  [
    "an unknown key",
    "supervise: true\negres: {}\n",
    3,
    1,
    'unknown key "egres" (did you mean "egress"?)',
  ],
  [
    "reserved runtime",
    "runtime: docker\n",
    2,
    1,
    '"runtime" is reserved; the backend is chosen at start (--backend or BOT_BOTTLE_BACKEND)',
  ],
  [
    "reserved ssh",
    "ssh: []\n",
    2,
    1,
    '"ssh" is reserved; declare upstream remotes under git-gate.repos',
  ],
  [
    "reserved tokens",
    "tokens: {}\n",
    2,
    1,
    '"tokens" is reserved; give each egress route auth: {scheme, token_ref}',
  ],
  [
    "reserved cred_proxy",
    "cred_proxy: true\n",
    2,
    1,
    '"cred_proxy" is reserved; credentials are injected by egress routes (auth.token_ref)',
  ],
  [
    "the retired git key",
    "git: {}\n",
    2,
    1,
    '"git" was replaced by git-gate (git.user → git-gate.user, git.remotes → git-gate.repos)',
  ],
  [
    "reserved egress.allowlist",
    "egress:\n  allowlist: [a.example]\n",
    3,
    3,
    '"egress.allowlist" is reserved; list each host under egress.routes',
  ],
  [
    "reserved egress.dlp_action",
    "egress:\n  dlp_action: block\n",
    3,
    3,
    '"egress.dlp_action" is reserved; set outbound_on_match on each route',
  ],
  [
    "role on a route",
    "egress:\n  routes:\n    - host: a.example\n      role: claude_code_oauth\n",
    5,
    7,
    '"role" is reserved on routes and not accepted with any value; provider credentials come from agent_provider.auth_token',
  ],
  [
    "a wildcard route host",
    "egress:\n  routes:\n    - host: '*.example.com'\n",
    4,
    13,
    'egress.routes[0].host has a wildcard ("*.example.com"); wildcards match nothing, list each host exactly',
  ],
  [
    "a repeated route host in one file",
    "egress:\n  routes:\n    - host: a.example\n    - host: a.example\n",
    5,
    13,
    'egress.routes[1].host repeats "a.example" (already routed by entry 0); each host may have one route: merge the two',
  ],
  [
    "log as a word",
    "egress:\n  log: full\n",
    3,
    8,
    'egress.log must be one of 0, 1, 2, got "full"',
  ],
  [
    "supervise as yes",
    "supervise: yes\n",
    2,
    12,
    'ambiguous value yes: YAML 1.1 reads it as a boolean; write true or false, or quote it ("yes") for a string',
  ],
  [
    "supervise as a string",
    "supervise: 'false'\n",
    2,
    12,
    'supervise must be true or false, got "false"',
  ],
  [
    "an unknown template",
    "agent_provider:\n  template: claud\n",
    3,
    13,
    'agent_provider.template must be one of claude, codex, shell (or a plugin in HOME/contrib/), got "claud" (did you mean "claude"?)',
  ],
  [
    "an empty dockerfile",
    "agent_provider:\n  dockerfile: ''\n",
    3,
    15,
    "agent_provider.dockerfile must not be empty: omit it to use the provider's image",
  ],
  [
    "auth_token on shell",
    "agent_provider:\n  template: shell\n  auth_token: TOKEN\n",
    4,
    15,
    'agent_provider.auth_token is not supported by template "shell": it has no provider API',
  ],
  [
    "forward_host_credentials on claude",
    "agent_provider:\n  forward_host_credentials: true\n",
    3,
    29,
    'agent_provider.forward_host_credentials is only supported by template codex, not "claude"',
  ],
  [
    "both codex credentials",
    "agent_provider:\n  template: codex\n  forward_host_credentials: true\n  auth_token: K\n",
    5,
    15,
    "agent_provider.auth_token cannot be combined with forward_host_credentials; choose one credential",
  ],
  [
    "a lower-case auth_token",
    "agent_provider:\n  auth_token: my_token\n",
    3,
    15,
    "agent_provider.auth_token must name a host environment variable: upper-case letters, digits and _",
  ],
  [
    "an unknown agent_provider key",
    "agent_provider:\n  templat: claude\n",
    3,
    3,
    'unknown key "templat" in agent_provider (did you mean "template"?)',
  ],
  [
    "extends as a number",
    "extends: 5\n",
    2,
    10,
    "extends must be a bottle name or a list of bottle names",
  ],
  [
    "a non-string extends entry",
    "extends: [base, 7]\n",
    2,
    17,
    'extends[1] must be a string, got the number 7 (quote it if you mean the text: "7")',
  ],
  [
    "an invalid extends name",
    "extends: Base\n",
    2,
    10,
    "extends must be a bottle name: lower-case letters, digits and -, starting with a letter",
  ],
  ["an empty extends list", "extends: []\n", 2, 10, "extends must not be empty"],
  [
    "an env number",
    "env:\n  PORT: 8080\n",
    3,
    9,
    'env.PORT must be a string, got the number 8080 (quote it if you mean the text: "8080")',
  ],
  [
    "an invalid env name",
    "env:\n  MY-VAR: x\n",
    3,
    3,
    'invalid key "MY-VAR" in env: env names must be letters, digits and _, not starting with a digit',
  ],
  [
    "an embedded env reference",
    "env:\n  URL: https://${HOST}/x\n",
    3,
    8,
    "env.URL embeds a ${…} reference; a value is either one whole ${HOST_VAR} or a literal without ${",
  ],
  [
    "an invalid host variable",
    "env:\n  A: ${lower-case}\n",
    3,
    6,
    'env.A names an invalid host variable "lower-case"; use letters, digits and _',
  ],
  [
    "an empty git-gate.user",
    "git-gate:\n  user: {}\n",
    3,
    9,
    "git-gate.user must set name, email or both; remove it to inherit",
  ],
  [
    "an unknown git-gate key",
    "git-gate:\n  remotes: {}\n",
    3,
    3,
    'unknown key "remotes" in git-gate (allowed: user, repos)',
  ],
  [
    "the retired identity key",
    `git-gate:\n  repos:\n    r:\n      identity: ~/.ssh/id\n`,
    5,
    7,
    '"identity" was replaced by key: {provider: static, path: …}',
  ],
  [
    "an unknown key provider",
    `git-gate:\n  repos:\n    r:\n      key: {provider: gitea, path: k}\n`,
    5,
    23,
    'git-gate.repos.r.key.provider must be static, got "gitea"',
  ],
  [
    "a repo without host_key",
    `git-gate:\n  repos:\n    r:\n      url: ssh://git@h.example/r.git\n      key: {provider: static, path: k}\n`,
    4,
    5,
    "git-gate.repos.r is missing host_key (the pinned known-hosts key of the upstream; there is no trust on first use)",
  ],
  [
    "a repo without url",
    `git-gate:\n  repos:\n    r:\n      host_key: ${KEY}\n      key: {provider: static, path: k}\n`,
    4,
    5,
    "git-gate.repos.r is missing url (the upstream ssh:// URL)",
  ],
  [
    "a repo without key",
    `git-gate:\n  repos:\n    r:\n      url: ssh://git@h.example/r.git\n      host_key: ${KEY}\n`,
    4,
    5,
    "git-gate.repos.r is missing key (key: {provider: static, path: …})",
  ],
  [
    "two repos with one url",
    `git-gate:\n  repos:\n    a:\n      url: ssh://git@h.example/r.git\n      host_key: ${KEY}\n      key: {provider: static, path: k}\n    b:\n      url: ssh://git@H.example:22/r.git\n      host_key: ${KEY}\n      key: {provider: static, path: k}\n`,
    9,
    12,
    'git-gate.repos.b has the same url as repo "a"; each upstream is mirrored once',
  ],
  [
    "conflicting extra_hosts pins",
    `git-gate:\n  repos:\n    a:\n      url: ssh://git@h.example/a.git\n      host_key: ${KEY}\n      key: {provider: static, path: k}\n      extra_hosts: {h.example: 192.0.2.1}\n    b:\n      url: ssh://git@h.example/b.git\n      host_key: ${KEY}\n      key: {provider: static, path: k}\n      extra_hosts: {h.example: 192.0.2.2}\n`,
    13,
    21,
    'git-gate.repos.b pins h.example to 192.0.2.2, but repo "a" pins it to 192.0.2.1',
  ],
  [
    "an extra_hosts value that is not an IP",
    `git-gate:\n  repos:\n    a:\n      extra_hosts: {h.example: somewhere}\n`,
    5,
    32,
    'git-gate.repos.a.extra_hosts["h.example"] must be an IP address',
  ],
];

for (const [name, frontmatter, line, column, message] of INVALID) {
  Deno.test(`loadBottle() rejects ${name} at ${line}:${column}`, async () => {
    await using t = await tempHome();
    const path = await t.bottle("dev", frontmatter, "Body.\n");
    const err = await manifestError(loadBottle("dev", t.opts));
    const expected = message.replace("HOME/contrib", join(t.opts.home, "contrib"));
    assert.equal(err.detail, `Cannot load bottle "dev": ${expected}`);
    assert.deepEqual([err.file, err.line, err.column], [path, line, column]);
    assert.equal(err.message, `${path}:${line}:${column}: ${err.detail}`);
  });
}

Deno.test("loadBottle() accepts an empty frontmatter with every default", async () => {
  await using t = await tempHome();
  const path = await t.bottle("plain", "", "\nJust a description.\n\n");
  const b = await loadBottle("plain", t.opts);
  assert.deepEqual(b, {
    name: "plain",
    path,
    chain: [path],
    description: "Just a description.",
    env: {},
    agentProvider: { template: "claude", builtin: true, forwardHostCredentials: false },
    gitGate: { user: {}, repos: {} },
    egress: {
      log: 0,
      routes: [{
        host: "api.anthropic.com",
        outbound_on_match: "redact",
        inbound_on_secret: "redact",
        allow_private: false,
      }],
    },
    supervise: true,
    limits: {
      agent: { memory: 4 * 1024 ** 3, cpus: 2, pids: 4096 },
      sidecar: { memory: 1024 ** 3, cpus: 2, pids: 512 },
    },
    // The default provider is claude, and nothing here gives it a credential.
    warnings: [
      'bottle "plain": the claude provider has no credential, so the agent will ask to log in, ' +
      "which its bottle cannot do; set agent_provider.auth_token",
    ],
  });
});

Deno.test("loadBottle() loads a contrib plugin template with its provider.yaml and routes", async () => {
  await using t = await tempHome();
  await t.write(
    "home/contrib/aider/provider.yaml",
    "description: Aider\nuser: agent\nworkdir: /home/agent/workspace\ncommand: [aider]\n" +
      "routes:\n  - host: models.example\n",
  );
  await t.write(
    "home/contrib/aider/Dockerfile",
    "ARG BASE_IMAGE=debian\nFROM ${BASE_IMAGE}\nUSER agent\n",
  );
  await t.bottle(
    "dev",
    "agent_provider: {template: aider}\negress:\n  routes:\n    - host: a.example\n",
  );
  const b = await loadBottle("dev", t.opts);
  assert.equal(b.agentProvider.template, "aider");
  assert.equal(b.agentProvider.builtin, false);
  assert.equal(b.agentProvider.plugin?.folder, join(t.opts.home, "contrib", "aider"));
  assert.deepEqual(b.egress.routes.map((r) => r.host), ["models.example", "a.example"]);
  await t.bottle("bad", "agent_provider: {template: aider, auth_token: TOKEN}\n");
  const err = await manifestError(loadBottle("bad", t.opts));
  assert.match(err.detail, /agent_provider\.auth_token is not supported by provider "aider"/);
});

Deno.test("loadBottle() lets a plugin's route win over the bottle's, with a warning", async () => {
  await using t = await tempHome();
  await t.write(
    "home/contrib/aider/provider.yaml",
    "description: Aider\nuser: agent\nworkdir: /home/agent/workspace\ncommand: [aider]\n" +
      "credential: {scheme: Bearer, placeholder_env: AIDER_KEY, token_ref: HOST_AIDER_KEY}\n" +
      "routes:\n  - host: models.example\n    credential: [auth_token]\n",
  );
  await t.write(
    "home/contrib/aider/Dockerfile",
    "ARG BASE_IMAGE=debian\nFROM ${BASE_IMAGE}\nUSER agent\n",
  );
  await t.bottle(
    "dev",
    "agent_provider: {template: aider}\negress:\n  routes:\n    - host: models.example\n" +
      "      allow_private: true\n",
  );
  const b = await loadBottle("dev", t.opts);
  assert.deepEqual(b.egress.routes, [{
    host: "models.example",
    auth: { scheme: "Bearer", token_ref: "HOST_AIDER_KEY" },
    outbound_on_match: "redact",
    inbound_on_secret: "redact",
    allow_private: false,
  }]);
  assert.equal(b.agentProvider.authToken, "HOST_AIDER_KEY");
  assert.match(
    b.warnings[0] ?? "",
    /dropped the route for "models\.example" at .*dev\.md:5:13: the aider provider owns that host/,
  );
});

Deno.test("loadBottle() reports a broken plugin at its provider.yaml line", async () => {
  await using t = await tempHome();
  await t.write("home/contrib/aider/provider.yaml", "description: Aider\ncomand: [aider]\n");
  await t.bottle("dev", "agent_provider: {template: aider}\n");
  const err = await manifestError(loadBottle("dev", t.opts));
  assert.equal(err.file, join(t.opts.home, "contrib", "aider", "provider.yaml"));
  assert.equal(err.line, 2);
  assert.match(err.detail, /unknown key "comand" \(did you mean "command"\?\)/);
});

Deno.test("loadBottle() reports a missing frontmatter and an unclosed one", async () => {
  await using t = await tempHome();
  await t.write("home/bottles/none.md", "Just text\n");
  const none = await manifestError(loadBottle("none", t.opts));
  assert.equal(
    none.detail,
    'Cannot load bottle "none": the file must start with a --- line that opens the YAML frontmatter',
  );
  assert.deepEqual([none.line, none.column], [1, 1]);
  await t.write("home/bottles/open.md", "---\nsupervise: true\n");
  const open = await manifestError(loadBottle("open", t.opts));
  assert.match(open.detail, /the frontmatter opened on line 1 is never closed with a --- line/);
});

Deno.test("loadBottle() reads CRLF files and keeps positions", async () => {
  await using t = await tempHome();
  await t.write("home/bottles/win.md", "---\r\nenv:\r\n  A: on\r\n---\r\nBody\r\n");
  const err = await manifestError(loadBottle("win", t.opts));
  assert.deepEqual([err.line, err.column], [3, 6]);
});

Deno.test("BottleLayerSchema and AgentSchema describe every field", () => {
  assert.deepEqual(undescribedFields(BottleLayerSchema), []);
  assert.deepEqual(undescribedFields(AgentSchema), []);
});
