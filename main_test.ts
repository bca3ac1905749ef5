/**
 * The CLI as a user runs it: `deno run -P=cli main.ts …` in a subprocess, with a private
 * BOT_BOTTLE_HOME, asserting output and exit codes (SPEC §4).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describeFailure } from "./main.ts";
import { ManifestError, UsageError } from "./core/errors/mod.ts";
import { appendAudit } from "./src/audit/mod.ts";
import { InterruptedError } from "./src/lifecycle/interrupt/mod.ts";
import { homePaths } from "./src/paths/mod.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

async function cli(
  args: string[],
  options: { home: string; cwd?: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=cli", MAIN, ...args],
    cwd: options.cwd ?? options.home,
    env: { BOT_BOTTLE_HOME: options.home, NO_COLOR: "1", ...options.env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "bb-cli-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test("bot-bottle --help lists every command and exits 0", async () => {
  await withHome(async (home) => {
    const result = await cli(["--help"], { home });
    assert.equal(result.code, 0);
    for (const command of ["start", "list", "info", "doctor", "supervise", "egress", "cleanup"]) {
      assert.match(result.stdout, new RegExp(`\\n  ${command}\\b`), command);
    }
    assert.match(result.stdout, /Examples:/);
  });
});

Deno.test("bot-bottle --version prints the version from deno.json", async () => {
  await withHome(async (home) => {
    const text = await Deno.readTextFile(new URL("./deno.json", import.meta.url));
    const config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
    const result = await cli(["--version"], { home });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), config.version);
  });
});

Deno.test("bot-bottle rejects an unknown command with a usage error (exit 2)", async () => {
  await withHome(async (home) => {
    const result = await cli(["strat"], { home });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^bot-bottle: error: unknown command 'strat'/);
    assert.match(result.stderr, /Did you mean start\?/);
  });
});

Deno.test("bot-bottle start without an agent or a terminal is a usage error (exit 2)", async () => {
  await withHome(async (home) => {
    const result = await cli(["start"], { home });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "bot-bottle: error: no agent given and no terminal to pick one: bot-bottle start <agent>\n" +
        "Run 'bot-bottle --help' for usage.\n",
    );
    const unconfirmed = await cli(["start", "demo"], { home });
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /no terminal to confirm the start: pass --yes/);
  });
});

Deno.test("bot-bottle start demo --dry-run prints the plan and creates nothing", async () => {
  await withHome(async (home) => {
    const result = await cli(["start", "demo", "--dry-run", "--", "echo", "hi"], {
      home,
      env: { PATH: join(home, "no-docker-here") },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Bottle demo-[0-9a-f]{6}\n/);
    assert.match(result.stdout, /command: +echo hi\n/);
    assert.match(result.stdout, /\nSteps \(docker\)\n\n {2}1\. /);
    assert.match(result.stdout, /docker exec .* bot-bottle-demo-[0-9a-f]{6} echo hi\n$/);
    assert.match(result.stderr, /^bot-bottle: warning: no backend can run here \(docker: /);
    assert.deepEqual([...Deno.readDirSync(home)], [], "nothing under the home");
  });
});

Deno.test("bot-bottle list reports an empty home, and --json gives []", async () => {
  await withHome(async (home) => {
    const human = await cli(["list"], { home });
    assert.equal(human.code, 0);
    assert.match(human.stdout, /No agents yet/);
    const json = await cli(["list", "--json"], { home });
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), []);
  });
});

Deno.test("bot-bottle list shows good agents even when another agent file is broken", async () => {
  await withHome(async (home) => {
    await write(
      join(home, "bottles", "base.md"),
      "---\negress:\n  routes:\n    - host: example.com\n---\n",
    );
    await write(join(home, "agents", "good.md"), "---\nbottle: base\n---\nBe helpful.\n");
    await write(join(home, "agents", "broken.md"), "---\nbottle: [unclosed\n---\n");
    const result = await cli(["list", "--json"], { home });
    assert.equal(result.code, 0, result.stderr);
    const names = (JSON.parse(result.stdout) as { name: string }[]).map((agent) => agent.name);
    assert.deepEqual(names.sort(), ["broken", "good"]);
    const info = await cli(["info", "broken"], { home });
    assert.equal(info.code, 1);
    assert.match(info.stderr, /^bot-bottle: error: .*broken\.md:2:\d+: /);
  });
});

Deno.test("bot-bottle info prints the resolved bottle of an agent", async () => {
  await withHome(async (home) => {
    await write(
      join(home, "bottles", "base.md"),
      [
        "---",
        "env:",
        "  GREETING: hello",
        "  API_TOKEN: ${HOST_API_TOKEN}",
        "egress:",
        "  routes:",
        "    - host: api.example.com",
        "      auth:",
        "        scheme: Bearer",
        "        token_ref: EXAMPLE_TOKEN",
        "git-gate:",
        "  user:",
        "    name: Base Bot",
        "    email: base@example.com",
        "---",
        "The base bottle.",
      ].join("\n"),
    );
    await write(
      join(home, "agents", "dev.md"),
      "---\nbottle: base\ngit-gate:\n  user:\n    name: Dev Bot\n---\nYou write code.\n",
    );
    const result = await cli(["info", "dev"], { home });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Agent dev\n/);
    assert.match(result.stdout, /bottle: +base/);
    assert.match(result.stdout, /GREETING \(literal\)/);
    assert.match(result.stdout, /API_TOKEN \(from host \$HOST_API_TOKEN\)/);
    assert.match(result.stdout, /api\.example\.com \[auth:Bearer\]/);
    assert.match(result.stdout, /name: Dev Bot +\(from .*agents\/dev\.md\)/);
    assert.match(result.stdout, /email: base@example\.com +\(from .*bottles\/base\.md\)/);
    assert.match(result.stdout, /prompt: +You write code\./);
    assert.doesNotMatch(result.stdout, /hello/, "env values are never printed");
  });
});

Deno.test("bot-bottle info names the available agents when the agent is missing", async () => {
  await withHome(async (home) => {
    await write(join(home, "bottles", "base.md"), "---\n{}\n---\n");
    await write(join(home, "agents", "dev.md"), "---\nbottle: base\n---\n");
    const result = await cli(["info", "nope"], { home });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^bot-bottle: error: .*"nope".*dev/);
  });
});

Deno.test("bot-bottle doctor prints ok/warn/fail lines and exits 1 without docker", async () => {
  await withHome(async (home) => {
    const result = await cli(["doctor"], { home, env: { PATH: join(home, "empty") } });
    assert.equal(result.code, 1);
    const lines = result.stdout.trim().split("\n");
    assert.ok(lines.every((line) => /^(ok|warn|fail): /.test(line)), result.stdout);
    assert.match(
      result.stdout,
      /^fail: docker: docker CLI not found on PATH; install a Docker engine \(Debian, Ubuntu: sudo apt-get install docker\.io\)$/m,
    );
    assert.match(result.stdout, /^fail: default backend: docker cannot run bottles/m);
  });
});

Deno.test("describeFailure() maps usage errors to 2, interruptions to 130, the rest to 1", () => {
  assert.deepEqual(describeFailure(new UsageError("bad flag")), {
    line: "bot-bottle: error: bad flag",
    code: 2,
  });
  const manifest = new ManifestError("unknown key", { file: "/a.md", line: 2, column: 3 });
  assert.deepEqual(describeFailure(manifest), {
    line: "bot-bottle: error: /a.md:2:3: unknown key",
    code: 1,
  });
  assert.equal(describeFailure("weird").code, 1);
  assert.deepEqual(describeFailure(new InterruptedError()), {
    line: "bot-bottle: interrupted",
    code: 130,
  });
});

Deno.test("the README's example bottle and agent load as documented", async () => {
  await withHome(async (home) => {
    const readme = await Deno.readTextFile(new URL("./README.md", import.meta.url));
    const [bottle, agent] = [...readme.matchAll(/```markdown\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(bottle !== undefined && agent !== undefined, "README has both examples");
    await write(join(home, "bottles", "dev.md"), bottle);
    await write(join(home, "bottles", "base.md"), "---\nsupervise: true\n---\nThe base.\n");
    await write(join(home, "agents", "reviewer.md"), agent);
    const result = await cli(["info", "reviewer"], { home, env: { HOST_NPM_TOKEN: "x" } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /api\.github\.com \[auth:token\]/);
    assert.match(result.stdout, /name: Reviewer Bot/);
    assert.match(result.stdout, /app +ssh:\/\/git@git\.example\.com:22\/team\/app\.git/);
  });
});

Deno.test("bot-bottle audit verify exits 0 on an intact chain and 1 naming the first broken line", async () => {
  await withHome(async (home) => {
    const paths = homePaths({ BOT_BOTTLE_HOME: home });
    await Deno.mkdir(paths.stateDir("dev-1"), { recursive: true });
    for (const decision of ["approved", "rejected"] as const) {
      await appendAudit(paths, {
        time: "2025-01-01T00:00:00.000Z",
        who: "op",
        bottle: "dev-1",
        id: `p-${decision}`,
        tool: "egress-allow",
        decision,
        reason: "",
        before: "",
        after: null,
      });
    }
    const intact = await cli(["audit", "verify", "dev-1"], { home });
    assert.equal(intact.code, 0, intact.stderr);
    assert.match(
      intact.stdout,
      /^Audit log of bottle "dev-1": chain intact\n\n.*\n {2}entries: 2\n$/,
    );
    const log = join(paths.stateDir("dev-1"), "audit.jsonl");
    const [first, second] = (await Deno.readTextFile(log)).split("\n");
    await Deno.writeTextFile(log, `${second}\n${first}\n`);
    const broken = await cli(["audit", "verify", "dev-1"], { home });
    assert.equal(broken.code, 1);
    assert.equal(broken.stdout, "");
    assert.equal(
      broken.stderr,
      `bot-bottle: error: Audit log ${log} is broken at line 1: reordered (entry #1 is out of ` +
        "place: it follows line 2, further down)\n",
    );
  });
});
