/**
 * Giving the provider what it needs before its command starts, as the agent user, into a bottle
 * that passed its self-test: the first-run files and the prompt, the skills, the supervise MCP
 * server's registration, and (Codex device auth) the check that the CLI accepts its dummy login.
 */
import type { Backend, Progress } from "../../backends/mod.ts";
import { PLACEHOLDERS } from "../providers/mod.ts";
import type { BottlePlan, LaunchSecrets } from "../plan/mod.ts";
import { LaunchError } from "./launch_error.ts";
import { copyFolderIn } from "./_workspace.ts";

/** How long one provider command (an `mcp add`, a login check) may take. */
const COMMAND_MS = 60_000;

/** Writes stdin to "$1" (mode 0600), making its folder first. */
const WRITE_FILE = 'umask 077 && mkdir -p -- "$(dirname -- "$1")" && cat > "$1"';

/**
 * Set the provider up.
 *
 * @param backend The bottle's backend.
 * @param plan The plan.
 * @param secrets The launch's secrets (the files only the launch can make: Codex's dummy login).
 * @param progress Receives progress lines and the registration warning.
 * @throws {LaunchError} When a file or skill cannot be written, or Codex refuses its login.
 */
export async function setupProvider(
  backend: Backend,
  plan: BottlePlan,
  secrets: LaunchSecrets,
  progress: Progress,
): Promise<void> {
  const { provider } = plan;
  for (const file of [...provider.files, ...secrets.agentFiles]) {
    const result = await backend.exec(plan.slug, ["sh", "-c", WRITE_FILE, "sh", file.path], {
      tty: false,
      capture: true,
      stdin: ReadableStream.from([new TextEncoder().encode(file.content)]),
      timeoutMs: COMMAND_MS,
    });
    if (result.code !== 0) {
      throw new LaunchError(`Cannot write ${file.path} in the agent: ${result.stderr.trim()}`);
    }
  }
  for (const skill of provider.skills) {
    progress(`copying skill ${skill.name}`);
    await copyFolderIn(backend, plan.slug, skill.source, skill.target);
  }
  const mcp = provider.mcp;
  if (plan.daemons.includes("supervise") && mcp !== undefined) {
    const url = backend.superviseUrl(plan.slug);
    const argv = mcp.map((word) => word === PLACEHOLDERS.url ? url : word);
    const result = await backend.exec(plan.slug, argv, {
      tty: false,
      capture: true,
      timeoutMs: COMMAND_MS,
    });
    if (result.code !== 0) {
      // The agent still runs, without the tools to ask for more access: the operator decides.
      progress(
        `warning: registering the supervise MCP server failed (exit ${result.code}): ` +
          `${result.stderr.trim() || result.stdout.trim()}\n  run it by hand in the bottle: ` +
          `bot-bottle exec ${plan.slug} -- ${argv.join(" ")}`,
      );
    }
  }
  if (plan.credential === "device") await checkCodexLogin(backend, plan.slug);
}

/** Codex must accept the dummy login, or its first request would ask for a new one. */
async function checkCodexLogin(backend: Backend, slug: string): Promise<void> {
  const result = await backend.exec(slug, ["codex", "login", "status"], {
    tty: false,
    capture: true,
    timeoutMs: COMMAND_MS,
  });
  if (result.code !== 0) {
    throw new LaunchError(
      "codex host credentials: the dummy login was written into the bottle but Codex does not " +
        `accept it (codex login status, exit ${result.code}): ` +
        `${(result.stderr.trim() || result.stdout.trim()).slice(0, 500)}`,
    );
  }
}
