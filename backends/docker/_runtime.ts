/**
 * Which OCI runtime the agent gets: gVisor (`runsc`) whenever the engine has it registered,
 * unless the operator opts out (`runc`) or insists (`runsc`, refused when absent rather than
 * quietly running with less isolation).
 */
import { ConfigError } from "../../core/errors/mod.ts";
import type { EngineDialect, RuntimeRequest } from "../types.ts";
import { DOCKER_DIALECT } from "./_dialect.ts";
import type { DockerCli } from "./_docker.ts";

/** The runtime an agent gets, and that choice in words. */
export interface ResolvedRuntime {
  /** `--runtime` for `docker run`; absent: the engine's default. */
  runtime?: "runsc";
  /** E.g. `gVisor (runsc)`. */
  words: string;
}

/** What the engine's default runtime gives (and what `runsc` absent leaves). */
const DEFAULT_WORDS = "runc (Linux namespaces, shared kernel)";

/**
 * Pick the agent's runtime from the request and the engine's registered runtimes.
 *
 * @param request What the plan asks for.
 * @param registered Whether the engine has a `runsc` runtime.
 * @param dialect The engine, named in the refusal with how to give it gVisor.
 * @returns The runtime and its description.
 * @throws {ConfigError} When `runsc` is asked for and the engine does not have it.
 */
export function pickRuntime(
  request: RuntimeRequest,
  registered: boolean,
  dialect: Pick<EngineDialect, "name" | "gvisorFix"> = DOCKER_DIALECT,
): ResolvedRuntime {
  if (request === "runc") return { words: `${DEFAULT_WORDS}; gVisor opted out` };
  if (registered) return { runtime: "runsc", words: "gVisor (runsc)" };
  if (request === "runsc") {
    throw new ConfigError(
      `BOT_BOTTLE_RUNTIME=runsc asks for gVisor, but the ${dialect.name} engine has no runsc ` +
        `runtime registered: ${dialect.gvisorFix}, or unset BOT_BOTTLE_RUNTIME`,
    );
  }
  return { words: DEFAULT_WORDS };
}

/**
 * Resolve the agent's runtime against the engine.
 *
 * @param cli The docker CLI.
 * @param request What the plan asks for.
 * @returns The runtime and its description.
 * @throws {ConfigError} When `runsc` is asked for and the engine does not have it.
 */
export async function resolveRuntime(
  cli: DockerCli,
  request: RuntimeRequest,
): Promise<ResolvedRuntime> {
  if (request === "runc") return pickRuntime(request, false, cli.dialect);
  return pickRuntime(
    request,
    await cli.dialect.runscRegistered(async (args) => (await cli.run(args)).stdout),
    cli.dialect,
  );
}
