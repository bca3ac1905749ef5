import assert from "node:assert/strict";
import { renderAgentGitconfig } from "./_agent_gitconfig.ts";

function repo(name: string, port: number) {
  return {
    name,
    url: `ssh://git@git.test${port === 22 ? "" : `:${port}`}/org/${name}.git`,
    user: "git",
    host: "git.test",
    port,
    path: `org/${name}.git`,
  };
}

Deno.test("renderAgentGitconfig() rewrites each upstream URL to the gate, scp form on port 22, pushes buffered", () => {
  const text = renderAgentGitconfig({
    user: { name: "Dev Bot", email: "dev@example.com" },
    repos: [repo("app", 22), repo("web", 2222)],
  });
  assert.equal(
    text,
    [
      "# Written by bot-bottle: git reaches the declared repos through the git gate.",
      "[user]",
      "\tname = Dev Bot",
      "\temail = dev@example.com",
      '[http "http://bot-bottle-sidecar:9420/app.git"]',
      "\tpostBuffer = 134217728",
      '[url "http://bot-bottle-sidecar:9420/app.git"]',
      "\tinsteadOf = ssh://git@git.test/org/app.git",
      "\tinsteadOf = git@git.test:org/app.git",
      '[http "http://bot-bottle-sidecar:9420/web.git"]',
      "\tpostBuffer = 134217728",
      '[url "http://bot-bottle-sidecar:9420/web.git"]',
      "\tinsteadOf = ssh://git@git.test:2222/org/web.git",
      "",
    ].join("\n"),
  );
  assert.ok(!text.includes("git@git.test:org/web.git"), "no scp form off port 22");
});

Deno.test("renderAgentGitconfig() writes only the identity fields that are set", () => {
  const only = (user: { name?: string; email?: string }) =>
    renderAgentGitconfig({ user, repos: [] }).split("\n").slice(1).join("\n");
  assert.equal(only({}), "");
  assert.equal(only({ email: "a@b.test" }), "[user]\n\temail = a@b.test\n");
  assert.equal(only({ name: "A" }), "[user]\n\tname = A\n");
});

Deno.test("renderAgentGitconfig() refuses a value that could add config keys", () => {
  const bad: [string, Parameters<typeof renderAgentGitconfig>[0]][] = [
    ["newline in name", { user: { name: "a\n[core]" }, repos: [] }],
    ["quote in email", { user: { email: 'a"@b.test' }, repos: [] }],
    ["backslash in name", { user: { name: "a\\" }, repos: [] }],
    ["comment in name", { user: { name: "a # b" }, repos: [] }],
    ["padded name", { user: { name: " a" }, repos: [] }],
    [
      "newline in url",
      {
        user: {},
        repos: [{ ...repo("app", 22), url: "ssh://git@h/a\n\tinsteadOf = x" }],
      },
    ],
    [
      "quote in scp form",
      { user: {}, repos: [{ ...repo("app", 22), path: 'a"b' }] },
    ],
  ];
  for (const [label, options] of bad) {
    assert.throws(() => renderAgentGitconfig(options), (err: unknown) => {
      assert.ok(err instanceof TypeError, label);
      assert.match(err.message, /^Cannot write the agent's gitconfig: /, label);
      assert.ok(!err.message.includes("insteadOf = x"), "the value is not echoed");
      return true;
    });
  }
});
