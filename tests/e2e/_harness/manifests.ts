/** Bottle and agent manifests the tests write into the world's home (frontmatter via `yaml`). */
import { join } from "node:path";
import { stringify } from "yaml";
import { TOKEN_VAR, type World } from "./world.ts";

/**
 * Write `$BOT_BOTTLE_HOME/bottles/<name>.md`.
 *
 * @param world The world.
 * @param name The bottle's name.
 * @param frontmatter The bottle's keys.
 */
export async function writeBottle(
  world: World,
  name: string,
  frontmatter: Record<string, unknown>,
): Promise<void> {
  await writeManifest(join(world.home, "bottles", `${name}.md`), frontmatter, `Bottle ${name}.`);
}

/**
 * Write `$BOT_BOTTLE_HOME/agents/<name>.md`.
 *
 * @param world The world.
 * @param name The agent's name.
 * @param frontmatter The agent's keys (at least `bottle`).
 * @param body The Markdown body (the agent's prompt).
 */
export async function writeAgent(
  world: World,
  name: string,
  frontmatter: Record<string, unknown>,
  body = `Agent ${name}.`,
): Promise<void> {
  await writeManifest(join(world.home, "agents", `${name}.md`), frontmatter, body);
}

async function writeManifest(
  path: string,
  frontmatter: Record<string, unknown>,
  body: string,
): Promise<void> {
  await Deno.writeTextFile(path, `---\n${stringify(frontmatter)}---\n${body}\n`);
}

/** The agent {@link writeTestAgent} writes. */
export const TEST_AGENT = "e2e";
/** A literal env value of the test bottle, visible to the agent by design. */
export const TEST_VISIBLE_ENV = { E2E_VISIBLE: "visible-literal-value" } as const;

/**
 * Write the suites' bottle and agent `e2e`: a shell bottle whose one route, api.example.test on
 * the test internet, injects the world's real token (Bearer), blocks on a DLP match, and allows
 * git fetch.
 *
 * @param world The world.
 * @returns The agent's name.
 */
export async function writeTestAgent(world: World): Promise<string> {
  await writeBottle(world, TEST_AGENT, {
    agent_provider: { template: "shell" },
    supervise: false,
    env: { ...TEST_VISIBLE_ENV },
    egress: {
      log: 2,
      routes: [{
        host: "api.example.test",
        // The test internet is a private Docker network.
        allow_private: true,
        auth: { scheme: "Bearer", token_ref: TOKEN_VAR },
        outbound_on_match: "block",
        git: { fetch: true },
      }],
    },
  });
  await writeAgent(world, TEST_AGENT, { bottle: TEST_AGENT });
  return TEST_AGENT;
}
