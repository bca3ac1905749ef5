// Test-only: a gate's files on disk for one repo whose upstream refuses connections.
import { SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GateRepo, renderGateConfig } from "../../core/git_gate/mod.ts";
import { baseGitEnv, type GateDirs, initMirrors } from "./_mirror.ts";

/** A pinned host key line of the right shape (no server has it). */
const TEST_HOST_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

/** What {@link makeGate} made. */
export interface TestGate {
  /** The temporary root holding everything. */
  root: string;
  /** The gate's directories under it. */
  dirs: GateDirs;
  /** The one repo, `app`, its upstream a closed loopback port. */
  repo: GateRepo;
  /** The environment git children get. */
  env: Record<string, string>;
}

/**
 * Write repos.json and a real key for `app`, and create its mirror.
 *
 * @param prefix Temp dir prefix.
 * @returns The gate.
 */
export async function makeGate(prefix: string): Promise<TestGate> {
  const root = await Deno.makeTempDir({ prefix });
  const dirs: GateDirs = {
    configDir: join(root, "config"),
    mirrorDir: join(root, "git"),
    privateDir: join(root, "private"),
  };
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const repo: GateRepo = {
    name: "app",
    url: `ssh://git@127.0.0.1:${port}/srv/app.git`,
    user: "git",
    host: "127.0.0.1",
    port,
    path: "srv/app.git",
    host_key: TEST_HOST_KEY,
    extra_hosts: {},
  };
  await Deno.mkdir(join(dirs.configDir, "keys"), { recursive: true });
  await Deno.writeTextFile(
    join(dirs.configDir, SIDECAR_FILES.gateConfig),
    renderGateConfig({ repos: [repo] }),
  );
  const keygen = await new Deno.Command("ssh-keygen", {
    args: ["-q", "-t", "ed25519", "-N", "", "-f", join(dirs.configDir, "keys", "app")],
  }).output();
  assert.equal(keygen.code, 0);
  const env = baseGitEnv(dirs, Deno.env.get("PATH") ?? "/usr/bin:/bin");
  await initMirrors([repo], {
    dirs,
    env,
    hooksDir: join(dirs.privateDir, "hooks"),
    timeoutMs: 10_000,
  });
  return { root, dirs, repo, env };
}
