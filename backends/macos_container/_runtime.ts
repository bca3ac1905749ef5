/**
 * The isolation an agent gets on Apple's `container`: every container is its own lightweight
 * VM (Virtualization.framework) with its own kernel. There is no OCI runtime to pick, so a
 * request for gVisor cannot be met and is refused rather than quietly ignored.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import type { RuntimeRequest } from "../types.ts";

/** What the preflight shows. */
export const VM_ISOLATION = "a lightweight VM per container (Apple container)";

/**
 * Check the runtime asked for can be given here.
 *
 * @param runtime The request.
 * @returns The isolation, in words.
 * @throws {ConfigError} For `runsc`: this backend has no gVisor.
 */
export function requireVmRuntime(runtime: RuntimeRequest): string {
  if (runtime === "runsc") {
    throw new ConfigError(
      "BOT_BOTTLE_RUNTIME=runsc asks for gVisor, which the macos-container backend does not " +
        "run (each container is already its own VM); unset BOT_BOTTLE_RUNTIME or use docker",
    );
  }
  return VM_ISOLATION;
}
