import assert from "node:assert/strict";
import { stringify } from "yaml";
import { ManifestError } from "../../core/errors/mod.ts";
import { parseProviderSpec, type ProviderSpec } from "./mod.ts";

/** A plugin using every field. */
function full(): Record<string, unknown> {
  return {
    description: "A test agent",
    user: "agent",
    workdir: "/home/agent/workspace",
    command: ["agent", "--yolo", "{prompt_args}"],
    resume: ["agent", "--continue", "{prompt_args}"],
    prompt: {
      mode: "flag",
      path: "/home/agent/.bot-bottle/prompt.md",
      args: ["--system", "{prompt_file}"],
    },
    skills_dir: "/home/agent/.agent/skills",
    env: { AGENT_TELEMETRY: "0", AGENT_HOME: "/home/agent/.agent" },
    keep: [".agent", ".agent.json"],
    mcp: ["agent", "mcp", "add", "supervise", "{url}"],
    credential: {
      scheme: "Bearer",
      placeholder_env: "AGENT_TOKEN",
      token_ref: "HOST_AGENT_TOKEN",
      api_key: { prefix: "key-", scheme: "x-api-key", placeholder_env: "AGENT_API_KEY" },
    },
    routes: [
      { host: "api.agent.example", credential: ["auth_token"] },
      { host: "cdn.agent.example", matches: [{ methods: ["GET"] }], outbound_on_match: "block" },
    ],
    features: { first_run: "claude" },
  };
}

function parse(value: unknown): ProviderSpec {
  return parseProviderSpec(stringify(value), "/c/x/provider.yaml", "x");
}

function refused(value: unknown): ManifestError {
  try {
    parse(value);
  } catch (err) {
    assert.ok(err instanceof ManifestError, String(err));
    return err;
  }
  assert.fail(`accepted: ${stringify(value)}`);
}

Deno.test("parseProviderSpec() accepts every field and applies the defaults", () => {
  const spec = parse(full());
  assert.equal(spec.routes[0]?.outbound_on_match, "redact", "provider routes default to redact");
  assert.equal(spec.routes[1]?.outbound_on_match, "block");
  assert.equal(spec.routes[0]?.allow_private, false);
  assert.deepEqual(spec.features, { first_run: "claude" });
  const minimal = parse({
    description: "d",
    user: "agent",
    workdir: "/home/agent/workspace",
    command: ["x"],
  });
  assert.deepEqual(minimal.prompt, { mode: "none" });
  assert.deepEqual([minimal.env, minimal.keep, minimal.routes, minimal.features], [{}, [], [], {}]);
  for (
    const mode of [
      { mode: "file", path: "/home/agent/AGENTS.md" },
      { mode: "stdin", path: "/home/agent/p.md" },
      { mode: "env", variable: "AGENT_PROMPT" },
    ]
  ) {
    const v = { ...full(), prompt: mode, command: ["agent"], resume: ["agent", "-c"] };
    assert.deepEqual(parse(v).prompt, mode);
  }
});

/** [what, mutation of full(), text on the line the error points at, message]. */
const REFUSALS: [string, (v: Record<string, unknown>) => void, string, RegExp][] = [
  [
    "an unknown key, with a hint",
    (v) => (v.comand = ["x"]),
    "comand:",
    /unknown key "comand" \(did you mean "command"\?\)/,
  ],
  ["a missing description", (v) => delete v.description, "description:", /description/],
  ["a root user", (v) => (v.user = "root"), "user:", /must not be root/],
  ["uid 0", (v) => (v.user = "0"), "user:", /must not be root/],
  ["another user", (v) => (v.user = "node"), "user:", /must be "agent"/],
  ["another workdir", (v) => (v.workdir = "/"), "workdir:", /must be \/home\/agent\/workspace/],
  ["an empty command", (v) => (v.command = []), "command:", /must not be empty/],
  ["a shell string command", (v) => (v.command = "agent --yolo"), "command:", /list of strings/],
  ["an empty program", (v) => (v.command = ["", "{prompt_args}"]), '- ""', /must name a program/],
  [
    "an unknown placeholder",
    (v) => (v.command = ["agent", "{model}", "{prompt_args}"]),
    "{model}",
    /unknown placeholder \{model\}/,
  ],
  [
    "a placeholder inside a word",
    (v) => (v.mcp = ["agent", "--url={url}"]),
    "--url={url}",
    /\{url\} must be a whole element/,
  ],
  [
    "an MCP template without {url}",
    (v) => (v.mcp = ["agent", "mcp"]),
    ">mcp:",
    /\{url\} exactly once/,
  ],
  ["{url} twice", (v) => (v.mcp = ["agent", "{url}", "{url}"]), ">mcp:", /\{url\} exactly once/],
  ["a NUL in argv", (v) => (v.command = ["agent\0", "{prompt_args}"]), "agent\\0", /NUL/],
  [
    "flag mode without {prompt_args}",
    (v) => (v.command = ["agent"]),
    ">command:",
    /must contain \{prompt_args\}/,
  ],
  [
    "{prompt_args} outside flag mode",
    (v) => (v.prompt = { mode: "none" }),
    ">command:",
    /must not contain \{prompt_args\}/,
  ],
  [
    "a prompt path outside the home",
    (v) => (withoutArgs(v), v.prompt = { mode: "file", path: "/etc/x" }),
    "path: /etc/x",
    /under \/home\/agent\//,
  ],
  [
    "a prompt path with ..",
    (v) => (withoutArgs(v), v.prompt = { mode: "file", path: "/home/agent/../x" }),
    "path: /home/agent/../x",
    /without "\.\."/,
  ],
  [
    "an unknown prompt mode",
    (v) => (withoutArgs(v), v.prompt = { mode: "argv" }),
    "mode: argv",
    /mode: flag, file, stdin, env or none/,
  ],
  [
    "a skills dir outside the home",
    (v) => (v.skills_dir = "/tmp/skills"),
    "skills_dir:",
    /under \/home\/agent\//,
  ],
  [
    "an owned env name",
    (v) => (v.env = { HTTPS_PROXY: "x" }),
    "HTTPS_PROXY:",
    /set by bot-bottle itself/,
  ],
  [
    "an owned env name in lower case",
    (v) => (v.env = { node_extra_ca_certs: "x" }),
    "node_extra_ca_certs:",
    /set by bot-bottle/,
  ],
  [
    "the supervise URL",
    (v) => (v.env = { MCP_SUPERVISE_URL: "x" }),
    "MCP_SUPERVISE_URL:",
    /set by bot-bottle/,
  ],
  [
    "a BOT_BOTTLE_ name",
    (v) => (v.env = { BOT_BOTTLE_CANARY: "x" }),
    "BOT_BOTTLE_CANARY:",
    /set by bot-bottle/,
  ],
  [
    "a git config override",
    (v) => (v.env = { GIT_CONFIG_GLOBAL: "/x" }),
    "GIT_CONFIG_GLOBAL:",
    /set by bot-bottle/,
  ],
  ["a bad env name", (v) => (v.env = { "A-B": "x" }), "A-B:", /not a variable name/],
  [
    "a GitHub token in env",
    (v) => (v.env = { T: "ghp_" + "a1B2".repeat(9) }),
    "T: ",
    /looks like a real secret/,
  ],
  [
    "an OpenAI key in env",
    (v) => (v.env = { T: "sk-proj-" + "Ab1".repeat(10) }),
    "T: ",
    /real secret/,
  ],
  [
    "a private key in env",
    (v) => (v.env = { T: "-----BEGIN RSA PRIVATE KEY-----" }),
    "T: ",
    /real secret/,
  ],
  [
    "a random token in env",
    (v) => (v.env = { T: "q8Zr2LmX7vB1nK4pW9sT3yH6cJ0dF5gA" }),
    "T: ",
    /real secret/,
  ],
  ["a host variable in env", (v) => (v.env = { T: "${HOST_SECRET}" }), "T: ", /must be a literal/],
  ["a prompted env value", (v) => (v.env = { T: "?prompt" }), "T: ", /must be a literal/],
  [
    "an absolute keep path",
    (v) => (v.keep = ["/etc"]),
    "- /etc",
    /relative path inside the agent's home/,
  ],
  ["a keep path with ..", (v) => (v.keep = ["../x"]), "- ../x", /without "\.\."/],
  [
    "an unknown scheme",
    (v) => ((v.credential as Record<string, unknown>).scheme = "Basic"),
    "scheme: Basic",
    /Bearer/,
  ],
  [
    "an owned placeholder name",
    (v) => ((v.credential as Record<string, unknown>).placeholder_env = "HOME"),
    "placeholder_env: HOME",
    /set by bot-bottle/,
  ],
  [
    "a bad token_ref",
    (v) => ((v.credential as Record<string, unknown>).token_ref = "lower"),
    "token_ref: lower",
    /host environment variable/,
  ],
  [
    "a placeholder also in env",
    (v) => (v.env = { AGENT_TOKEN: "x" }),
    "AGENT_TOKEN: x",
    /placeholder variable; remove it from env/,
  ],
  [
    "allow_private on a route",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.allow_private = true),
    "allow_private: true",
    /private or loopback/,
  ],
  [
    "auth on a route",
    (
      v,
    ) => ((v.routes as Record<string, unknown>[])[0]!.auth = { scheme: "Bearer", token_ref: "X" }),
    ">auth:",
    /not allowed on a provider route/,
  ],
  [
    "a wildcard host",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.host = "*.example"),
    "*.example",
    /wildcard|\*/,
  ],
  [
    "an IP host",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.host = "10.0.0.1"),
    "host: 10.0.0.1",
    /IP/,
  ],
  [
    "a repeated host",
    (v) => ((v.routes as Record<string, unknown>[])[1]!.host = "api.agent.example"),
    "- host: api.agent.example",
    /repeats "api.agent.example"/,
  ],
  [
    "a credential route without a credential",
    (v) => delete v.credential,
    ">credential:",
    /needs a top-level credential/,
  ],
  [
    "host_login without the feature",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.credential = ["host_login"]),
    "- host_login",
    /needs features.host_login/,
  ],
  [
    "an unknown credential source",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.credential = ["vault"]),
    "- vault",
    /auth_token|host_login/,
  ],
  [
    "a reserved route key",
    (v) => ((v.routes as Record<string, unknown>[])[0]!.role = "x"),
    "role:",
    /"role" is reserved|unknown key "role"/,
  ],
  [
    "an unknown feature",
    (v) => (v.features = { first_run: "aider" }),
    "first_run: aider",
    /claude|codex/,
  ],
  ["a new feature", (v) => (v.features = { hooks: ["x"] }), "hooks:", /unknown key "hooks"/],
  [
    "a host_login other than codex",
    (v) => (v.features = { host_login: "claude" }),
    "host_login: claude",
    /codex/,
  ],
];

/** Prompt modes other than flag pass no args. */
function withoutArgs(v: Record<string, unknown>): void {
  v.command = ["agent"];
  v.resume = ["agent", "-c"];
}

for (const [what, mutate, marker, message] of REFUSALS) {
  Deno.test(`parseProviderSpec() refuses ${what}, at its line`, () => {
    const v = full();
    mutate(v);
    const err = refused(v);
    const text = stringify(v).split("\n");
    // ">key:" points at the block value on the line after the key.
    const next = marker.startsWith(">") ? 1 : 0;
    const needle = marker.replace(/^>/, "");
    const found = (what === "a repeated host"
      ? text.findLastIndex((l) =>
        l.includes(needle)
      )
      : text.findIndex((l) => l.includes(needle))) + next;
    const line = what === "a missing description" ? 1 : found + 1;
    assert.match(err.detail, message, `${err.message}\n${stringify(v)}`);
    assert.match(err.message, /^\/c\/x\/provider\.yaml:\d+:\d+: Cannot load provider "x": /);
    assert.equal(err.line, line, `${err.message}\n${stringify(v)}`);
  });
}

Deno.test("parseProviderSpec() refuses ambiguous YAML like manifests do", () => {
  for (
    const [text, message] of [
      ["description: yes\n", /yes/],
      ["a: &x 1\nb: *x\n", /alias|anchor/],
      ["description: d\ndescription: e\n", /duplicate/i],
    ] as const
  ) {
    assert.throws(() => parseProviderSpec(text, "/p.yaml", "x"), (err: unknown) => {
      assert.ok(err instanceof ManifestError);
      assert.match(err.message, message);
      return true;
    });
  }
});
