/**
 * The git gate's part of a plan (SPEC §6.2): the manifest's repos in the sidecar's wire shape,
 * the key files to copy beside them, and the agent's commit identity. The loader validated every
 * value; the wire schema checks them again here so a bad one stops the plan, not the sidecar.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import { type GateRepo, GateRepoSchema } from "../../core/git_gate/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import type { GitGatePlan } from "./_types.ts";

/**
 * Plan the git gate of an agent's bottle.
 *
 * @param agent The agent, its bottle resolved.
 * @returns Repos (sorted by name), key files and identity.
 * @throws {ConfigError} When a repo does not fit the gate's wire format.
 */
export function gitGatePlan(agent: ResolvedAgent): GitGatePlan {
  const bottle = agent.bottle;
  const declared = Object.values(bottle.gitGate.repos).sort((a, b) => a.name.localeCompare(b.name));
  const repos = declared.map((repo): GateRepo => {
    const parsed = GateRepoSchema.safeParse({
      name: repo.name,
      url: repo.url,
      user: repo.user,
      host: repo.host,
      port: repo.port,
      path: repo.path,
      host_key: repo.hostKey,
      extra_hosts: repo.extraHosts,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(
        `Cannot start bottle "${bottle.name}" (${bottle.path}): git-gate repo "${repo.name}" ` +
          `has an invalid ${issue?.path.join(".") ?? "value"}: ${issue?.message ?? "invalid"}`,
        { cause: parsed.error },
      );
    }
    return parsed.data;
  });
  const name = agent.gitUser.name?.value;
  const email = agent.gitUser.email?.value;
  return {
    repos,
    keys: declared.map((repo) => ({ name: repo.name, path: repo.key.path })),
    user: {
      ...(name === undefined ? {} : { name }),
      ...(email === undefined ? {} : { email }),
    },
  };
}
