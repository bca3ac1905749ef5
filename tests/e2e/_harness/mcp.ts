/**
 * The supervise MCP server seen from inside a bottle: the official SDK client, bundled into one
 * file (the bottle cannot reach a registry), copied in and run with the agent image's Deno, and
 * the operator's side of the queue through the CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { execIn, runCli } from "./cli.ts";
import { dockerOk } from "./_docker.ts";
import { REPO, type World } from "./world.ts";

/** The supervise server's URL from inside a bottle. */
export const SUPERVISE_URL = "http://bot-bottle-sidecar:9100/mcp";
const CLIENT_IN_BOTTLE = "/tmp/mcp_client.js";

/** The base image with Deno, for agents that run the MCP client. */
export const DENO_AGENT_BASE = {
  BOT_BOTTLE_AGENT_BASE_IMAGE: `bot-bottle-test/deno:${Deno.version.deno}`,
} as const;

/**
 * Bundle the SDK client and copy it into a bottle's agent.
 *
 * @param world The world (its directory holds the bundle).
 * @param slug The bottle.
 */
export async function installMcpClient(world: World, slug: string): Promise<void> {
  const out = join(world.dir, "mcp_client.js");
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--frozen-lockfile",
      "--config",
      join(REPO, "deno.json"),
      "-o",
      out,
      join(REPO, "tests", "e2e", "_mcp", "mcp_client.ts"),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
  await dockerOk(["cp", out, `bot-bottle-${slug}:${CLIENT_IN_BOTTLE}`]);
}

/**
 * Call a supervise tool from inside the bottle, at the URL the bottle gives the agent in
 * `MCP_SUPERVISE_URL` (discovery is part of what is tested).
 *
 * @param world The world.
 * @param slug The bottle.
 * @param tool The tool name.
 * @param args Its arguments.
 * @returns Whether the result is an error, and its text.
 */
export async function callTool(
  world: World,
  slug: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string }> {
  const result = await execIn(world, slug, [
    "sh",
    "-c",
    'exec deno run --quiet --allow-net --allow-env "$1" "$MCP_SUPERVISE_URL" "$2" "$3"',
    "sh",
    CLIENT_IN_BOTTLE,
    tool,
    JSON.stringify(args),
  ]);
  assert.equal(result.code, 0, `${tool}: ${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

/**
 * The ids of the proposals waiting for the operator, as `supervise list --json` shows them.
 *
 * @param world The world.
 * @returns The ids.
 */
export async function pendingIds(world: World): Promise<string[]> {
  const listed = await runCli(world, ["supervise", "list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as { id: string }[]).map((p) => p.id);
}

/**
 * Wait until the operator's queue holds `count` proposals.
 *
 * @param world The world.
 * @param count How many to wait for.
 * @returns Their ids.
 */
export async function waitForPending(world: World, count = 1): Promise<string[]> {
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length < count; i++) {
    ids = await pendingIds(world);
    if (ids.length < count) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(ids.length, count, `${count} proposal(s) reached the operator's queue`);
  return ids;
}
