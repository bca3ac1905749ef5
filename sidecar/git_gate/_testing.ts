// Test-only: a gate's files on disk for one repo whose upstream refuses connections.
import { SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type GateRepo, renderGateConfig } from "../../core/git_gate/mod.ts";
import { baseGitEnv, type GateDirs, initMirrors } from "./_mirror.ts";

/** A pinned host key line of the right shape (no server has it). */
const TEST_HOST_KEY =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return (listener.addr as Deno.NetAddr).port;
}

/** What {@link makeGate} made. */
export interface TestGate {
  /** The temporary root holding everything. */
  root: string;
  /** The gate's directories under it. */
  dirs: GateDirs;
  /** The one repo, `app`, its upstream a loopback port. */
  repo: GateRepo;
  /** The environment git children get. */
  env: Record<string, string>;
}

/**
 * Write repos.json and a real key for `app`, and create its mirror.
 *
 * @param prefix Temp dir prefix.
 * @param options The upstream's port (default: a closed one).
 * @returns The gate.
 */
export async function makeGate(
  prefix: string,
  options: { port?: number } = {},
): Promise<TestGate> {
  const root = await Deno.makeTempDir({ prefix });
  const dirs: GateDirs = {
    configDir: join(root, "config"),
    mirrorDir: join(root, "git"),
    privateDir: join(root, "private"),
  };
  const port = options.port ?? closedPort();
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

/** A loopback TCP port that accepts connections and never says a word (an upstream mid-login). */
export interface SilentUpstream extends Disposable {
  /** The port. */
  port: number;
  /** How many connections it accepted. */
  accepted: () => number;
}

/**
 * Listen on a loopback port that accepts and holds connections.
 *
 * @returns The listener; dispose it to close it and every connection.
 */
export function silentUpstream(): SilentUpstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) conns.push(conn);
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    accepted: () => conns.length,
    [Symbol.dispose]() {
      listener.close();
      for (const conn of conns) conn.close();
    },
  };
}

/**
 * The ids of processes whose command line mentions `text` (read with `ps`, as Deno may not list
 * /proc).
 *
 * @param text What to look for, e.g. a control socket's folder.
 * @returns Process ids.
 */
export async function processesMentioning(text: string): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" })
    .output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((line) => line.includes(text))
    .map((line) => Number(line.trim().split(" ")[0]));
}
