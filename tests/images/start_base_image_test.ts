/**
 * `start` on an engine that cannot pull a base image (issue 17): the user sees one line that
 * names the base and the host setting that fixes it, not the engine's build output. The base is
 * on a registry at 127.0.0.1:1, where nothing listens, so the engine's pull fails at once and
 * without leaving the machine.
 */
import assert from "node:assert/strict";
import { docker, TEST_BASES } from "./_testing.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A base image no engine can pull: its registry is a closed loopback port. */
function unpullable(): string {
  return `localhost:1/bot-bottle-test/unpullable:${crypto.randomUUID().slice(0, 8)}`;
}

async function startDemo(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const home = await Deno.makeTempDir({ prefix: "bb-start-base-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-q", "-P=cli", MAIN, "start", "demo", "--yes", "--no-cwd", "--", "true"],
      cwd: home,
      env: { BOT_BOTTLE_HOME: home, NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "null",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** The failure is the last line, alone: the engine's pull output appears nowhere else. */
function assertFailureLine(stderr: string, base: string, setting: string): void {
  const lines = stderr.split("\n").filter((line) => line.trim() !== "");
  const line = lines.at(-1) ?? "";
  assert.match(line, /^bot-bottle: error: Cannot build image "bot-bottle\/[a-z-]+:[0-9a-f]+": /);
  assert.ok(line.includes(`its base image "${base}" is not on this engine and cannot be pulled`));
  assert.ok(line.includes("connection refused"), `the engine's reason is kept: ${line}`);
  assert.ok(line.includes(`set ${setting} to an image the engine has`), line);
  assert.equal(lines.filter((l) => l.includes("localhost:1/v2")).length, 1, stderr);
  assert.equal(lines.filter((l) => l.startsWith("bot-bottle: error:")).length, 1, stderr);
}

Deno.test("start says in one line that the agent's base image cannot be pulled, and how to fix it", async () => {
  const base = unpullable();
  // The sidecar's base is one the engine has: both images are checked at once, and an
  // unpullable sidecar base could otherwise be the one reported.
  const result = await startDemo({
    BOT_BOTTLE_AGENT_BASE_IMAGE: base,
    BOT_BOTTLE_SIDECAR_BASE_IMAGE: TEST_BASES.deno,
  });
  assert.equal(result.code, 1);
  assertFailureLine(result.stderr, base, "BOT_BOTTLE_AGENT_BASE_IMAGE");
  // Without a terminal the preflight and progress are on stderr too; only the one line names the
  // engine's failure.
  const engineLines = result.stderr.split("\n").filter((l) => l.includes("Error response"));
  assert.equal(engineLines.length, 1, result.stderr);
});

Deno.test("start names the sidecar's setting when the sidecar's base cannot be pulled", async () => {
  const base = unpullable();
  const result = await startDemo({
    BOT_BOTTLE_AGENT_BASE_IMAGE: TEST_BASES.debian,
    BOT_BOTTLE_SIDECAR_BASE_IMAGE: base,
  });
  assert.equal(result.code, 1);
  // The agent image may be built first (its lines are progress); the failure comes after.
  assertFailureLine(result.stderr, base, "BOT_BOTTLE_SIDECAR_BASE_IMAGE");
  assert.notEqual((await docker(["image", "inspect", base])).code, 0, "nothing was pulled");
});
