import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { BottleState, InterruptedError, manualInterrupts } from "../lifecycle/mod.ts";
import {
  FakeBackend,
  fakeRegistry,
  type TempBotHome,
  tempBotHome,
} from "../lifecycle/testing/mod.ts";
import { startCommand, type StartOptions } from "./start.ts";
import { capturedContext } from "./_testing.ts";

const FLAGS: StartOptions = { yes: false, dryRun: false, detach: false };

async function writeDev(home: TempBotHome): Promise<void> {
  await home.write(
    "bottles/base.md",
    [
      "---",
      "agent_provider: {template: shell}",
      "env:",
      "  GREETING: hello-value",
      "  API_TOKEN: ${HOST_API_TOKEN}",
      '  PASSPHRASE: "?prompt"',
      "egress:",
      "  routes:",
      "    - host: api.example.com",
      "      auth: {scheme: Bearer, token_ref: EXAMPLE_TOKEN}",
      "    - host: example.org",
      "git-gate:",
      "  user: {name: Base Bot, email: base@example.com}",
      "---",
      "",
    ].join("\n"),
  );
  await home.write(
    "agents/dev.md",
    "---\nbottle: base\ngit-gate:\n  user: {name: Dev Bot}\n---\nYou write code.\n",
  );
}

Deno.test("startCommand() without an agent and without a terminal is a usage error", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(startCommand(ctx, FLAGS), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(
      err.message,
      "no agent given and no terminal to pick one: bot-bottle start <agent>",
    );
    return true;
  });
});

Deno.test("startCommand() without a terminal needs --yes (or --dry-run) and never asks", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const ctx = capturedContext(home.env);
  await assert.rejects(
    startCommand(ctx, { ...FLAGS, agent: "demo", registry: fakeRegistry(docker) }),
    /^UsageError: no terminal to confirm the start: pass --yes \(or --dry-run to only print the plan\)$/,
  );
  const tty = capturedContext(home.env, { tty: true });
  await assert.rejects(
    startCommand(tty, { ...FLAGS, dryRun: true, registry: fakeRegistry(docker) }),
    /--dry-run asks nothing, so it needs an agent/,
  );
  assert.deepEqual(docker.calls, []);
  assert.deepEqual(await home.tree(), []);
});

Deno.test("startCommand() rejects a bad --color, a bad --label and a taken --label", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("busy-1");
  const base = { ...FLAGS, agent: "demo", dryRun: true, registry: fakeRegistry(docker) };
  const ctx = capturedContext(home.env);
  await assert.rejects(
    startCommand(ctx, { ...base, color: "pink" }),
    /--color "pink" must be one of red, green/,
  );
  await assert.rejects(startCommand(ctx, { ...base, label: "Bad Label" }), UsageError);
  await assert.rejects(
    startCommand(ctx, { ...base, label: "busy-1" }),
    /--label "busy-1" is taken/,
  );
  assert.equal(ctx.out, "");
});

Deno.test("startCommand() --dry-run prints preflight and steps and changes nothing", async () => {
  await using home = await tempBotHome();
  await writeDev(home);
  const before = await home.tree();
  const docker = new FakeBackend();
  const ctx = capturedContext(home.env);
  const code = await startCommand(ctx, {
    ...FLAGS,
    agent: "dev",
    dryRun: true,
    label: "review",
    command: ["make", "test it"],
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0);
  assert.match(ctx.out, /^Bottle review\n\n/);
  assert.match(ctx.out, /agent: +dev +\(.*agents\/dev\.md\)/);
  assert.match(ctx.out, /bottle: +base/);
  assert.match(ctx.out, /backend: +docker/);
  assert.match(ctx.out, /command: +make 'test it'/);
  assert.match(ctx.out, /workspace: +copy of \S+ {2}\(one way, into \/home\/agent\/workspace\)/);
  assert.match(
    ctx.out,
    /env: +GREETING \(literal\)\n +API_TOKEN \(from host \$HOST_API_TOKEN\)\n +PASSPHRASE \(asked at launch\)\n +BOT_BOTTLE_CANARY \(set by bot-bottle\)/,
  );
  assert.match(ctx.out, /egress: +api\.example\.com \[auth:Bearer\]\n +example\.org\n/);
  assert.match(
    ctx.out,
    /git identity: name: Dev Bot +\(.*agents\/dev\.md\)\n +email: base@example\.com +\(.*bottles\/base\.md\)/,
  );
  assert.match(
    ctx.out,
    /\nSteps \(docker\)\n\n {2}1\. create the internal network\n {5}memory network create --label=bot-bottle\.slug=review memory-internal-review\n[\s\S]*\n {2}5\. run the agent command\n {5}memory exec memory-agent-review make 'test it'\n$/,
  );
  assert.doesNotMatch(ctx.out + ctx.err, /hello-value/, "env values are never printed");
  assert.doesNotMatch(ctx.err, /supervise/, "a bottle with supervise gets it");
  assert.deepEqual(docker.calls, []);
  assert.deepEqual(await home.tree(), before, "a dry run creates nothing under the home");
});

Deno.test("startCommand() --dry-run shows the plan even when no backend can run here", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ availability: { ok: false, reason: "no docker CLI" } });
  const ctx = capturedContext(home.env);
  const code = await startCommand(ctx, {
    ...FLAGS,
    agent: "demo",
    dryRun: true,
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0);
  assert.match(ctx.err, /warning: no backend can run here \(docker: no docker CLI\)/);
  assert.match(ctx.out, /^Bottle demo-[0-9a-f]{6}\n/);
  assert.deepEqual(await home.tree(), []);
});

Deno.test("startCommand() refuses an unavailable backend outside --dry-run", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ availability: { ok: false, reason: "no docker CLI" } });
  const ctx = capturedContext({ ...home.env, BOT_BOTTLE_BACKEND: "docker" });
  await assert.rejects(
    startCommand(ctx, { ...FLAGS, agent: "demo", yes: true, registry: fakeRegistry(docker) }),
    /Cannot use backend "docker": no docker CLI/,
  );
  await assert.rejects(
    startCommand(ctx, {
      ...FLAGS,
      agent: "demo",
      yes: true,
      backend: "podman",
      registry: fakeRegistry(docker),
    }),
    UsageError,
  );
  assert.deepEqual(await home.tree(), []);
});

Deno.test("startCommand() --detach prints only the slug on stdout and records metadata", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const ctx = capturedContext(home.env);
  const code = await startCommand(ctx, {
    ...FLAGS,
    agent: "demo",
    yes: true,
    detach: true,
    label: "headless",
    color: "cyan",
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0);
  assert.equal(ctx.out, "headless\n");
  assert.match(ctx.err, /bot-bottle: bottle headless is running \(backend docker\)/);
  assert.match(ctx.err, /bot-bottle exec headless -- bash -l/);
  assert.match(ctx.err, /bot-bottle stop headless/);
  assert.deepEqual(docker.calls, ["launch headless"]);
  const metadata = await new BottleState(home.paths, "headless").read();
  assert.deepEqual({ ...metadata, started_at: "x" }, {
    slug: "headless",
    agent: "demo",
    bottle: "demo",
    backend: "docker",
    label: "headless",
    color: "cyan",
    cwd: home.paths.root,
    started_at: "x",
  });
});

Deno.test("startCommand() runs the command and exits with its code, keeping state on failure", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ onExec: () => 3 });
  const ctx = capturedContext(home.env);
  const code = await startCommand(ctx, {
    ...FLAGS,
    agent: "demo",
    yes: true,
    label: "run-1",
    command: ["false"],
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 3);
  assert.deepEqual(docker.calls, [
    "launch run-1",
    "exec run-1 false",
    "exec run-1 tar --create --file=- --directory /home/agent --ignore-failed-read workspace",
    "stop run-1",
  ]);
  assert.match(ctx.err, /the workspace was not saved/, "the fake's tar failed, and says so");
  assert.match(ctx.err, /^Bottle run-1\n/);
  assert.match(ctx.err, /bot-bottle: running the isolation self-test\n/);
  assert.match(
    ctx.err,
    /bot-bottle: agent exited with 3; state kept in .*state\/run-1; resume with: bot-bottle resume run-1\n$/,
  );
  assert.equal(ctx.out, "");
});

Deno.test("startCommand() refuses a ?prompt secret without a terminal and leaves nothing", async () => {
  await using home = await tempBotHome();
  await writeDev(home);
  const before = await home.tree();
  const docker = new FakeBackend();
  const ctx = capturedContext({ ...home.env, HOST_API_TOKEN: "a", EXAMPLE_TOKEN: "b" });
  await assert.rejects(
    startCommand(ctx, { ...FLAGS, agent: "dev", yes: true, registry: fakeRegistry(docker) }),
    /^UsageError: PASSPHRASE is \?prompt and there is no terminal to ask for it/,
  );
  assert.deepEqual(docker.calls, []);
  assert.deepEqual(await home.tree(), before);
});

Deno.test("startCommand() tears down and throws InterruptedError on Ctrl-C", async () => {
  await using home = await tempBotHome();
  const interrupts = manualInterrupts();
  const docker = new FakeBackend({ onLaunch: () => interrupts.interrupt() });
  const ctx = capturedContext(home.env);
  await assert.rejects(
    startCommand(ctx, {
      ...FLAGS,
      agent: "demo",
      yes: true,
      label: "int-1",
      registry: fakeRegistry(docker),
      interrupts,
    }),
    InterruptedError,
  );
  assert.deepEqual(docker.calls, ["launch int-1", "stop int-1"]);
  assert.match(ctx.err, /bot-bottle: interrupted; stopping bottle int-1\n/);
  assert.deepEqual(await home.tree(), ["queue", "state"]);
});

Deno.test("startCommand() copies the current folder, or --cwd DIR, or nothing with --no-cwd", async () => {
  await using home = await tempBotHome();
  const project = await Deno.makeTempDir({ prefix: "bb-project-" });
  try {
    await Deno.writeTextFile(`${project}/main.go`, "package main\n");
    const run = async (workspace: StartOptions["workspace"], label: string, cwd = "/") => {
      const docker = new FakeBackend();
      const ctx = capturedContext(home.env, { cwd });
      const code = await startCommand(ctx, {
        ...FLAGS,
        agent: "demo",
        yes: true,
        detach: true,
        label,
        registry: fakeRegistry(docker),
        ...(workspace === undefined ? {} : { workspace }),
      });
      assert.equal(code, 0, ctx.err);
      return new TextDecoder().decode(docker.workspaces.get(label) ?? new Uint8Array());
    };
    assert.match(await run(project, "given"), /\.\/main\.go/);
    assert.equal(await run(false, "empty"), "");
    assert.match(await run(undefined, "here", project), /\.\/main\.go/, "the current folder");
  } finally {
    await Deno.remove(project, { recursive: true });
  }
});

Deno.test("startCommand() refuses a missing --cwd folder, and one too large, before anything starts", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const ctx = capturedContext(home.env);
  const options = { ...FLAGS, agent: "demo", yes: true, registry: fakeRegistry(docker) };
  await assert.rejects(
    startCommand(ctx, { ...options, workspace: "/nonexistent-bb-folder" }),
    (err: unknown) =>
      err instanceof UsageError &&
      /--cwd \/nonexistent-bb-folder: not a directory/.test(err.message),
  );
  for (const whole of ["/", home.paths.root]) {
    const homeCtx = capturedContext({ ...home.env, HOME: home.paths.root }, { cwd: whole });
    await assert.rejects(
      startCommand(homeCtx, options),
      (err: unknown) =>
        err instanceof UsageError && /with your own credentials in it/.test(err.message),
      whole,
    );
  }
  const big = await Deno.makeTempDir({ prefix: "bb-big-" });
  try {
    await Deno.writeFile(`${big}/blob`, new Uint8Array(2 * 1024 * 1024));
    const limited = capturedContext({ ...home.env, BOT_BOTTLE_WORKSPACE_MAX_MB: "1" });
    await assert.rejects(
      startCommand(limited, { ...options, workspace: big }),
      /holds 2\.0 MiB, over the 1\.0 MiB a bottle takes/,
    );
  } finally {
    await Deno.remove(big, { recursive: true });
  }
  assert.deepEqual(docker.calls, [], "nothing was launched");
});
