/**
 * A second Docker engine, private to one test, that the test may stop and restart without
 * touching the engine other tests share: its own data root, exec root (and so its own
 * containerd), pid file, socket and (empty) daemon.json in a temp dir, and its own network
 * namespace with its own bridge for the default network and no iptables rules. Runtimes
 * registered with the shared engine (gVisor) do not apply to it.
 *
 * The namespace is what keeps it from the shared engine's network: a dockerd that starts again on
 * a saved "bridge" network deletes the link named `docker0` in its namespace, which on the host's
 * is the shared engine's default bridge (every `--network bridge` container of other tests lost
 * it). The bottles it runs reach nothing outside the namespace, which the test does not need.
 */
import { join } from "node:path";
import { runProgram, type RunResult } from "./_docker.ts";
import { runCli } from "./cli.ts";
import type { World } from "./world.ts";

/** A running (or stopped) private engine. */
export class PrivateEngine implements AsyncDisposable {
  /** `unix://…/docker.sock`, for `DOCKER_HOST`. */
  readonly host: string;
  readonly #dir: string;
  readonly #netns: string;
  readonly #args: string[];
  #daemon: { child: Deno.ChildProcess; log: Promise<string> } | undefined;

  private constructor(dir: string, netns: string, pool: string) {
    this.#dir = dir;
    this.#netns = netns;
    this.host = `unix://${join(dir, "docker.sock")}`;
    this.#args = [
      "--data-root",
      join(dir, "data"),
      "--exec-root",
      join(dir, "exec"),
      "--pidfile",
      join(dir, "docker.pid"),
      // Not the host's /etc/docker/daemon.json: only what this engine is told here applies.
      "--config-file",
      join(dir, "daemon.json"),
      "--host",
      this.host,
      "--bridge",
      netns,
      "--iptables=false",
      "--ip-masq=false",
      "--default-address-pool",
      `base=${pool},size=24`,
      "--log-level",
      "warn",
    ];
  }

  /**
   * Create the network namespace and its bridge, and start the engine in it.
   *
   * @returns The engine, answering.
   * @throws {Error} When not root, or the engine does not come up within a minute.
   */
  static async start(): Promise<PrivateEngine> {
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 8);
    // /tmp is short enough for a unix socket path; the temp dir name is random anyway.
    const dir = await Deno.makeTempDir({ prefix: "bbpe-" });
    const netns = `bbpe${id}`;
    // A /24 for the bridge, a /16 pool for the bottles' networks, both unlikely to be in use.
    const octet = 200 + 2 * Math.floor(Math.random() * 25);
    const engine = new PrivateEngine(dir, netns, `10.${octet}.0.0/16`);
    try {
      await Deno.writeTextFile(join(dir, "daemon.json"), "{}\n");
      await ip(["netns", "add", netns]);
      await ip(["-n", netns, "link", "set", "lo", "up"]);
      await ip(["-n", netns, "link", "add", "name", netns, "type", "bridge"]);
      await ip(["-n", netns, "addr", "add", `10.${octet + 1}.0.1/24`, "dev", netns]);
      await ip(["-n", netns, "link", "set", netns, "up"]);
      await engine.#launch();
      return engine;
    } catch (err) {
      await engine[Symbol.asyncDispose]().catch(() => {});
      throw err;
    }
  }

  /**
   * Run `docker <args>` against this engine.
   *
   * @param args Arguments after `docker`.
   * @param options Time limit.
   * @returns The result.
   */
  docker(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
    return runProgram("docker", args, {
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", DOCKER_HOST: this.host },
      ...options,
    });
  }

  /**
   * Copy images from the shared engine (no registry is reachable here).
   *
   * @param refs Image references.
   */
  async loadImages(refs: readonly string[]): Promise<void> {
    const archive = join(this.#dir, "images.tar");
    const saved = await runProgram("docker", ["save", "--output", archive, ...refs], {
      timeoutMs: 10 * 60_000,
    });
    if (saved.code !== 0) throw new Error(`docker save: ${saved.stderr}`);
    const loaded = await this.docker(["load", "--input", archive], { timeoutMs: 10 * 60_000 });
    await Deno.remove(archive);
    if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
  }

  /** Stop the engine as a service manager would (SIGTERM; it stops its containers first). */
  async stop(): Promise<void> {
    const daemon = this.#daemon;
    if (daemon === undefined) return;
    this.#daemon = undefined;
    try {
      daemon.child.kill("SIGTERM");
    } catch {
      // It exited on its own (the log says why).
    }
    const timer = setTimeout(() => daemon.child.kill("SIGKILL"), 60_000);
    await daemon.child.status;
    clearTimeout(timer);
    await daemon.log;
  }

  /** Stop the engine and start it again on the same state. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#launch();
  }

  /** Stop the engine, remove its state and its network namespace. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    await ip(["netns", "delete", this.#netns]).catch(() => {});
  }

  async #launch(): Promise<void> {
    // nsenter enters the network namespace only (`ip netns exec` would remount /sys and hide the
    // cgroups dockerd needs) and execs dockerd in place: the child is the daemon.
    const child = new Deno.Command("nsenter", {
      args: [`--net=/run/netns/${this.#netns}`, "dockerd", ...this.#args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Drained as it comes (a full pipe would block the daemon); kept for the error message.
    const log = Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]).then((parts) => parts.join(""));
    this.#daemon = { child, log };
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const version = await this.docker(["version", "--format", "{{.Server.Version}}"], {
        timeoutMs: 10_000,
      });
      if (version.code === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await this.stop();
    throw new Error(`the private engine did not answer within a minute:\n${await log}`);
  }
}

async function ip(args: readonly string[]): Promise<void> {
  const result = await runProgram("ip", args);
  if (result.code !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}`);
}

/**
 * Start a private engine with the world's base images loaded, and a CLI pointed at it. The test
 * internet lives on the shared engine: its bottles get their own egress network and the default
 * self-test targets (which they cannot reach either).
 *
 * @param world The world whose CLI and base images to use.
 * @returns The engine (dispose it with `await using`) and a CLI runner that uses it.
 */
export async function privateEngineCli(
  world: World,
): Promise<{ engine: PrivateEngine; cli: (args: string[]) => Promise<RunResult> }> {
  const engine = await PrivateEngine.start();
  try {
    await engine.loadImages([
      world.cliEnv.BOT_BOTTLE_AGENT_BASE_IMAGE!,
      world.cliEnv.BOT_BOTTLE_SIDECAR_BASE_IMAGE!,
    ]);
  } catch (err) {
    await engine[Symbol.asyncDispose]();
    throw err;
  }
  const env = {
    DOCKER_HOST: engine.host,
    BOT_BOTTLE_EGRESS_NETWORK: "",
    BOT_BOTTLE_EGRESS_CONNECT_TO: "",
    BOT_BOTTLE_SELFTEST_TCP: "",
    BOT_BOTTLE_SELFTEST_DNS: "",
  };
  return { engine, cli: (args) => runCli(world, args, { env }) };
}
