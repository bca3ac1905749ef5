import assert from "node:assert/strict";
import { RouteSchema } from "../../core/routes/mod.ts";
import {
  BUILTIN_TEMPLATES,
  CODEX_HOST_CREDENTIAL_TOKEN_REF,
  isBuiltinTemplate,
  providerRoutes,
  type ProviderSettings,
  providerSettingsProblem,
} from "./mod.ts";

Deno.test("providerRoutes() gives claude api.anthropic.com with Bearer injection and redact", () => {
  assert.deepEqual(providerRoutes({ template: "claude", authToken: "CLAUDE_TOKEN" }), [{
    host: "api.anthropic.com",
    auth: { scheme: "Bearer", token_ref: "CLAUDE_TOKEN" },
    outbound_on_match: "redact",
    inbound_on_secret: "redact",
    allow_private: false,
  }]);
  assert.deepEqual(providerRoutes({ template: "claude" }), [{
    host: "api.anthropic.com",
    outbound_on_match: "redact",
    inbound_on_secret: "redact",
    allow_private: false,
  }]);
});

Deno.test("providerRoutes() gives codex its two hosts, authenticated per credential", () => {
  const forwarded = providerRoutes({ template: "codex", forwardHostCredentials: true });
  assert.deepEqual(forwarded.map((r) => [r.host, r.auth?.token_ref]), [
    ["api.openai.com", CODEX_HOST_CREDENTIAL_TOKEN_REF],
    ["chatgpt.com", CODEX_HOST_CREDENTIAL_TOKEN_REF],
  ]);
  const keyed = providerRoutes({ template: "codex", authToken: "OPENAI_KEY" });
  assert.deepEqual(keyed.map((r) => [r.host, r.auth?.token_ref]), [
    ["api.openai.com", "OPENAI_KEY"],
    ["chatgpt.com", undefined],
  ]);
  const bare = providerRoutes({ template: "codex" });
  assert.ok(bare.every((r) => r.auth === undefined && r.outbound_on_match === "redact"));
});

Deno.test("providerRoutes() gives shell and plugin providers nothing", () => {
  assert.deepEqual(providerRoutes({ template: "shell" }), []);
  assert.deepEqual(providerRoutes({ template: "my-plugin" }), []);
});

Deno.test("providerRoutes() output is valid under the route schema", () => {
  for (const template of BUILTIN_TEMPLATES) {
    for (const route of providerRoutes({ template, authToken: "T" })) {
      assert.deepEqual(RouteSchema.parse(route), route);
    }
  }
});

const PROBLEMS: [ProviderSettings, string | undefined, string | undefined][] = [
  [{ template: "claude", authToken: "T" }, undefined, undefined],
  [{ template: "codex", forwardHostCredentials: true }, undefined, undefined],
  [
    { template: "claude", forwardHostCredentials: true },
    "forward_host_credentials",
    'is only supported by template codex, not "claude"',
  ],
  [
    { template: "shell", authToken: "T" },
    "auth_token",
    'is not supported by template "shell": it has no provider API',
  ],
  [
    { template: "my-plugin", authToken: "T" },
    "auth_token",
    'is not supported by provider "my-plugin": its provider.yaml declares no credential',
  ],
  [
    { template: "codex", authToken: "T", forwardHostCredentials: true },
    "auth_token",
    "cannot be combined with forward_host_credentials; choose one credential",
  ],
];

for (const [settings, field, message] of PROBLEMS) {
  Deno.test(`providerSettingsProblem() judges ${JSON.stringify(settings)}`, () => {
    const problem = providerSettingsProblem(settings);
    assert.deepEqual(problem, field ? { field, message } : undefined);
  });
}

Deno.test("isBuiltinTemplate() knows the built-ins", () => {
  assert.deepEqual(BUILTIN_TEMPLATES.filter(isBuiltinTemplate), ["claude", "codex", "shell"]);
  assert.equal(isBuiltinTemplate("claud"), false);
  assert.ok(Object.isFrozen(BUILTIN_TEMPLATES));
});
