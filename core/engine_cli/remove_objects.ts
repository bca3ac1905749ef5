/** Removing a list of engine objects (what `cleanup` planned), best effort and in a safe order. */
import type { HostCli } from "../host_cli/mod.ts";

/** One object to remove; `state` (a folder on the host) is not the engine's and is skipped. */
export interface RemovalStep {
  /** What kind of object. */
  kind: "container" | "network" | "image" | "state";
  /** Its name. */
  name: string;
}

/** The CLI arguments that remove one object of each kind, the name following them. */
export type RemovalCommands = Readonly<
  Record<"container" | "network" | "image", readonly string[]>
>;

const RANK = { container: 0, network: 1, image: 2, state: 3 } as const;

/**
 * Remove objects: containers first (a network in use cannot go), then networks, then images.
 *
 * @param cli The engine CLI.
 * @param steps The objects.
 * @param commands How this engine removes each kind.
 * @returns One warning per object that could not be removed.
 */
export async function removeObjects(
  cli: HostCli,
  steps: readonly RemovalStep[],
  commands: RemovalCommands,
): Promise<string[]> {
  const warnings: string[] = [];
  const ordered = [...steps].sort((a, b) => RANK[a.kind] - RANK[b.kind]);
  for (const step of ordered) {
    if (step.kind === "state") continue;
    const result = await cli.run([...commands[step.kind], step.name], { allowFailure: true });
    if (result.code !== 0) {
      warnings.push(`could not remove ${step.kind} ${step.name}: ${result.stderr.trim()}`);
    }
  }
  return warnings;
}
